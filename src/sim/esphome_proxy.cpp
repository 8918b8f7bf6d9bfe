#include "sim/esphome_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "capture/packets.hpp"
#include "link/ble_error.hpp"
#include "link/simulator_link.hpp"
#include "radio/esphome_api.hpp"
#include "radio/esphome_client.hpp"

namespace declouder {

namespace api = esphome;
namespace msg = esphome::msg;
using Clock = std::chrono::steady_clock;

namespace {

// GATT property bits as the node reports them, from the simulators' own bit set.
std::uint32_t gatt_properties(unsigned p) {
  std::uint32_t out = 0;
  if (p & kRead) out |= 0x02;
  if (p & kWriteWithoutResponse) out |= 0x04;
  if (p & kWrite) out |= 0x08;
  if (p & kNotify) out |= 0x10;
  if (p & kIndicate) out |= 0x20;
  return out;
}

// What a central hears on air, advertisement and scan response together (at most 62
// bytes, as the node relays them): flags, UUIDs, service data, manufacturer data, name.
Bytes ad_structures(const AdvertData& d) {
  namespace packet = capture::packet;
  std::vector<Bytes> parts;
  parts.push_back(packet::ad_flags(0x06));
  Bytes uuids16;
  for (const Uuid& u : d.service_uuids)
    if (u.is16()) put_u16le(uuids16, u.short16());
  if (!uuids16.empty()) parts.push_back(packet::ad(0x03, uuids16));
  for (const Uuid& u : d.service_uuids) {
    if (u.is16()) continue;
    Bytes le(u.bytes.rbegin(), u.bytes.rend());
    parts.push_back(packet::ad(0x07, le));
  }
  for (const auto& [uuid, data] : d.service_data) {
    if (uuid.is16()) {
      parts.push_back(packet::ad_service_data16(uuid.short16(), data));
    } else {
      Bytes le(uuid.bytes.rbegin(), uuid.bytes.rend());
      le.insert(le.end(), data.begin(), data.end());
      parts.push_back(packet::ad(0x21, le));
    }
  }
  for (const auto& [company, data] : d.manufacturer_data) parts.push_back(packet::ad_manufacturer(company, data));
  if (!d.name.empty()) parts.push_back(packet::ad_name(d.name));
  Bytes out;
  for (const Bytes& p : parts)
    if (out.size() + p.size() <= 62) out.insert(out.end(), p.begin(), p.end());
  return out;
}

struct Handles {
  struct Characteristic {
    Uuid uuid;
    unsigned properties = 0;
    std::uint32_t value_handle = 0, cccd_handle = 0;
  };
  std::vector<api::GattService> services;  // as the node lists them
  std::vector<Characteristic> characteristics;
  const Characteristic* by_value(std::uint32_t h) const {
    for (const auto& c : characteristics)
      if (c.value_handle == h) return &c;
    return nullptr;
  }
  const Characteristic* by_cccd(std::uint32_t h) const {
    for (const auto& c : characteristics)
      if (c.cccd_handle && c.cccd_handle == h) return &c;
    return nullptr;
  }
  const Characteristic* by_uuid(const Uuid& u) const {
    for (const auto& c : characteristics)
      if (c.uuid == u) return &c;
    return nullptr;
  }
};

Handles number_handles(const std::vector<SimService>& gatt) {
  Handles h;
  std::uint32_t next = 1;
  for (const SimService& s : gatt) {
    api::GattService svc;
    svc.uuid = s.uuid;
    svc.handle = next++;
    for (const SimCharacteristic& c : s.characteristics) {
      api::GattCharacteristic ch;
      ch.uuid = c.uuid;
      ++next;  // the declaration
      ch.handle = next++;
      ch.properties = gatt_properties(c.properties);
      Handles::Characteristic hc{c.uuid, c.properties, ch.handle, 0};
      if (c.properties & (kNotify | kIndicate)) {
        hc.cccd_handle = next++;
        ch.descriptors.push_back({Uuid::from16(0x2902), hc.cccd_handle});
      }
      h.characteristics.push_back(hc);
      svc.characteristics.push_back(std::move(ch));
    }
    h.services.push_back(std::move(svc));
  }
  return h;
}

}  // namespace

class ApiSession;

// One simulated device in the node's room, on its own thread.
class ProxiedDevice {
 public:
  ProxiedDevice(SimulatedEsphomeProxy::Impl& proxy, std::unique_ptr<SimulatedDevice> device);
  void start();
  void stop();
  void post(std::shared_ptr<ApiSession> from, api::Message m);
  void session_closed(const ApiSession* s);
  std::uint64_t address() const { return address_; }

 private:
  void run();
  void handle(const std::shared_ptr<ApiSession>& from, const api::Message& m);
  void hung_up(std::int32_t reason);
  void advertise(const AdvertData& d);

  SimulatedEsphomeProxy::Impl& proxy_;
  std::unique_ptr<SimulatedDevice> device_;
  std::uint64_t address_ = 0;
  MacAddress mac_;
  Handles handles_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::deque<std::pair<std::shared_ptr<ApiSession>, api::Message>> requests_;
  // Device thread only.
  std::unique_ptr<SimulatorLink> link_;
  std::shared_ptr<ApiSession> owner_;  // the client connected to this device
  Clock::time_point next_advert_ = Clock::now();
};

class ApiSession : public std::enable_shared_from_this<ApiSession> {
 public:
  ApiSession(SimulatedEsphomeProxy::Impl& proxy, int fd);
  void start();
  void close();  // any thread
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  bool done() const { return done_; }
  void send(std::uint16_t type, const Bytes& payload) {
    try {
      socket_.send(type, payload);
    } catch (const api::ConnectionError&) {
      socket_.shutdown();  // the reader notices and ends the session
    }
  }
  bool raw = true;  // the advertisement form it subscribed to

 private:
  void run();
  void handle(const api::Message& m);
  SimulatedEsphomeProxy::Impl& proxy_;
  api::ApiSocket socket_;
  std::thread thread_;
  std::atomic<bool> done_{false};
  bool closing_ = false;
};

struct SimulatedEsphomeProxy::Impl {
  EsphomeProxyOptions options;
  std::vector<std::unique_ptr<ProxiedDevice>> devices;
  int listen_fd = -1;
  int port = 0;
  std::thread acceptor, batcher;
  std::atomic<bool> stopping{false};

  std::mutex mutex;  // below
  std::vector<std::shared_ptr<ApiSession>> sessions;
  std::shared_ptr<ApiSession> subscriber;             // the one Bluetooth subscriber
  std::vector<std::shared_ptr<ApiSession>> slot_watchers;  // SubscribeBluetoothConnectionsFree
  std::vector<std::uint64_t> connected;            // devices holding a slot
  std::vector<api::RawAdvertisement> raw_batch;
  std::vector<Advertisement> parsed_batch;
  std::vector<std::uint32_t> parsed_types;

  void log(const std::string& line) const {
    if (options.log) options.log(line);
  }
  std::string mac_text() const { return options.mac.str(); }

  void accept_loop();
  void batch_loop();
  void heard(const AdvertData& d, const MacAddress& address);
  ProxiedDevice* device(std::uint64_t address) {
    for (auto& d : devices)
      if (d->address() == address) return d.get();
    return nullptr;
  }
  bool take_slot(std::uint64_t address);
  void free_slot(std::uint64_t address);
  Bytes slots_message();
  void announce_slots();
  void session_closed(ApiSession* s);
};

// --- devices ---

ProxiedDevice::ProxiedDevice(SimulatedEsphomeProxy::Impl& proxy, std::unique_ptr<SimulatedDevice> device)
    : proxy_(proxy), device_(std::move(device)) {
  mac_ = device_->address();
  address_ = api::address_to_u64(mac_);
  handles_ = number_handles(device_->gatt());
}

void ProxiedDevice::start() { thread_ = std::thread([this] { run(); }); }

void ProxiedDevice::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProxiedDevice::post(std::shared_ptr<ApiSession> from, api::Message m) {
  {
    std::lock_guard lock(mutex_);
    requests_.emplace_back(std::move(from), std::move(m));
  }
  cv_.notify_all();
}

void ProxiedDevice::session_closed(const ApiSession* s) {
  api::Message m;
  m.type = 0;  // "the client went away": disconnect if it was ours
  std::lock_guard lock(mutex_);
  for (auto& [from, r] : requests_)
    if (from.get() == s) r.type = 0;
  requests_.emplace_back(nullptr, m);
  cv_.notify_all();
}

void ProxiedDevice::advertise(const AdvertData& d) {
  next_advert_ = Clock::now() + std::chrono::milliseconds(100);
  if (link_ && link_->connected()) return;  // a connected device does not advertise
  proxy_.heard(d, mac_);
}

void ProxiedDevice::run() {
  SimulatorLink::WallClock wall;
  wall.sleep = [this](std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, d, [&] { return stop_; });
  };
  wall.on_advert = [this](const AdvertData& d) { advertise(d); };
  link_ = std::make_unique<SimulatorLink>(std::move(device_), wall);
  for (;;) {
    std::deque<std::pair<std::shared_ptr<ApiSession>, api::Message>> requests;
    {
      std::lock_guard lock(mutex_);
      if (stop_) break;
      requests.swap(requests_);
    }
    try {
      for (auto& [from, m] : requests) handle(from, m);
      if (owner_) {
        // Short slices: requests from the client are taken between them.
        auto v = link_->next_value(Clock::now() + std::chrono::milliseconds(20));
        if (v) {
          const auto* c = handles_.by_uuid(v->characteristic);
          api::ProtoWriter w;
          w.varint(1, address_);
          w.varint(2, c ? c->value_handle : 0);
          w.bytes(3, v->value);
          owner_->send(msg::gatt_notify_data, w.data());
        } else if (!link_->connected()) {
          hung_up(0x13);
        }
      } else {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_advert_ - Clock::now());
        link_->advance(std::clamp(wait, std::chrono::milliseconds(0), std::chrono::milliseconds(20)));
        if (Clock::now() >= next_advert_) advertise(link_->device().advert());
      }
    } catch (const LinkLost&) {
      hung_up(0x13);
    } catch (const ConversationCancelled&) {
      break;
    }
  }
  if (owner_) link_->disconnect();
}

void ProxiedDevice::hung_up(std::int32_t reason) {
  if (!owner_) return;
  api::ProtoWriter w;
  w.varint(1, address_);
  w.varint(2, 0);
  w.varint(3, 0);
  w.varint(4, static_cast<std::uint32_t>(reason));
  owner_->send(msg::device_connection, w.data());
  proxy_.log("device " + mac_.str() + " disconnected: " + esphome::disconnect_reason_text(reason));
  owner_.reset();
  proxy_.free_slot(address_);
}

void ProxiedDevice::handle(const std::shared_ptr<ApiSession>& from, const api::Message& m) {
  const api::DeviceField d = api::device_fields(m.payload);
  auto error = [&](std::uint32_t handle, std::int32_t code) {
    api::ProtoWriter w;
    w.varint(1, address_);
    w.varint(2, handle);
    w.varint(3, static_cast<std::uint32_t>(code));
    from->send(msg::gatt_error, w.data());
  };
  auto connection = [&](bool up, std::int32_t code) {
    api::ProtoWriter w;
    w.varint(1, address_);
    w.varint(2, up ? 1 : 0);
    w.varint(3, up ? 247 : 0);
    w.varint(4, static_cast<std::uint32_t>(code));
    from->send(msg::device_connection, w.data());
  };
  if (m.type == 0) {  // a client went away
    if (owner_ && owner_->done()) {
      link_->disconnect();
      owner_.reset();
      proxy_.free_slot(address_);
    }
    return;
  }
  if (!from) return;
  if (m.type == msg::device_request) {
    std::uint32_t type = 0;
    api::ProtoReader r(m.payload);
    api::ProtoField f;
    while (r.next(f))
      if (f.number == 2) type = static_cast<std::uint32_t>(f.value);
    if (type == esphome::request::disconnect) {
      if (owner_ == from) {
        link_->disconnect();
        owner_.reset();
        proxy_.free_slot(address_);
      }
      connection(false, 0);
      return;
    }
    if (owner_) {  // already connected: say so again
      connection(owner_ == from, owner_ == from ? 0 : 0x0C);
      return;
    }
    if (!proxy_.take_slot(address_)) {
      connection(false, 0x09);  // connection limit exceeded
      return;
    }
    try {
      link_->connect(std::chrono::seconds(10));
    } catch (const BleError&) {
      proxy_.free_slot(address_);
      connection(false, 0x3E);  // not connectable: it only advertises
      return;
    }
    owner_ = from;
    proxy_.log("device " + mac_.str() + " connected");
    connection(true, 0);
    return;
  }
  if (owner_ != from) {  // GATT requests need this client's connection
    error(d.handle, 0x85);
    return;
  }
  const std::uint32_t h = d.handle;
  switch (m.type) {
    case msg::gatt_get_services: {
      // One message per service, then done (as the node does).
      for (const auto& s : handles_.services) from->send(msg::gatt_services, api::encode_services(address_, {s}));
      api::ProtoWriter w;
      w.varint(1, address_);
      from->send(msg::gatt_services_done, w.data());
      return;
    }
    case msg::gatt_read: {
      const auto* c = handles_.by_value(h);
      if (!c) return error(h, 0x01);  // invalid handle
      try {
        const Bytes v = link_->read(c->uuid);
        api::ProtoWriter w;
        w.varint(1, address_);
        w.varint(2, h);
        w.bytes(3, v);
        from->send(msg::gatt_read_response, w.data());
      } catch (const BleError&) {
        error(h, 0x02);  // read not permitted
      }
      return;
    }
    case msg::gatt_write: {
      const auto* c = handles_.by_value(h);
      if (!c) return error(h, 0x01);
      bool response = false;
      Bytes data;
      api::ProtoReader r(m.payload);
      api::ProtoField f;
      while (r.next(f)) {
        if (f.number == 3) response = f.value != 0;
        else if (f.number == 4) data.assign(f.data.begin(), f.data.end());
      }
      // The characteristic decides how the ATT write goes, as on a real radio.
      WriteMode mode = response ? WriteMode::with_response : WriteMode::without_response;
      if (!(c->properties & (response ? kWrite : kWriteWithoutResponse)))
        mode = (c->properties & kWrite) ? WriteMode::with_response : WriteMode::without_response;
      try {
        link_->write(c->uuid, data, mode);
      } catch (const BleError&) {
        return error(h, 0x03);  // write not permitted
      }
      // A node answers every write once the radio sent it, with or without a response from
      // the device (ESP-IDF's ESP_GATTC_WRITE_CHAR_EVT); clients wait for it either way.
      api::ProtoWriter w;
      w.varint(1, address_);
      w.varint(2, h);
      from->send(msg::gatt_write_response, w.data());
      return;
    }
    case msg::gatt_notify: {
      const auto* c = handles_.by_value(h);
      if (!c || !(c->properties & (kNotify | kIndicate))) return error(h, 0x01);
      link_->subscribe(c->uuid);
      api::ProtoWriter w;
      w.varint(1, address_);
      w.varint(2, h);
      from->send(msg::gatt_notify_response, w.data());
      return;
    }
    case msg::gatt_write_descriptor: {
      const auto* c = handles_.by_cccd(h);
      if (!c) return error(h, 0x01);
      Bytes data;
      api::ProtoReader r(m.payload);
      api::ProtoField f;
      while (r.next(f))
        if (f.number == 3) data.assign(f.data.begin(), f.data.end());
      if (!data.empty() && (data[0] & 0x03)) link_->subscribe(c->uuid);
      api::ProtoWriter w;
      w.varint(1, address_);
      w.varint(2, h);
      from->send(msg::gatt_write_response, w.data());
      return;
    }
    case msg::gatt_read_descriptor: {
      const auto* c = handles_.by_cccd(h);
      if (!c) return error(h, 0x01);
      api::ProtoWriter w;
      w.varint(1, address_);
      w.varint(2, h);
      w.bytes(3, Bytes{static_cast<std::uint8_t>(link_->subscribed(c->uuid) ? 1 : 0), 0});
      from->send(msg::gatt_read_response, w.data());
      return;
    }
    default: return;
  }
}

// --- sessions ---

ApiSession::ApiSession(SimulatedEsphomeProxy::Impl& proxy, int fd) : proxy_(proxy), socket_(fd, proxy.options.key) {}

void ApiSession::start() {
  auto self = shared_from_this();
  thread_ = std::thread([self] { self->run(); });
}

void ApiSession::close() {
  closing_ = true;
  socket_.shutdown();
}

void ApiSession::run() {
  try {
    socket_.server_handshake(proxy_.options.name, proxy_.mac_text(), Clock::now() + std::chrono::seconds(10));
    while (!closing_) {
      auto m = socket_.receive(Clock::now() + std::chrono::seconds(1));
      if (m) handle(*m);
    }
  } catch (const api::ConnectionError& e) {
    if (!closing_) proxy_.log(std::string("client gone: ") + e.what());
  } catch (const api::ProtocolError& e) {
    proxy_.log(std::string("client sent a malformed message: ") + e.what());
  }
  done_ = true;
  socket_.shutdown();
  proxy_.session_closed(this);
}

void ApiSession::handle(const api::Message& m) {
  using api::ProtoWriter;
  switch (m.type) {
    case msg::hello_request: {
      std::string client;
      api::ProtoReader r(m.payload);
      api::ProtoField f;
      while (r.next(f))
        if (f.number == 1) client = f.str();
      proxy_.log("hello from '" + client + "'" + (socket_.encrypted() ? " (encrypted)" : " (plaintext)"));
      ProtoWriter w;
      w.varint(1, api::kApiMajor);
      w.varint(2, api::kApiMinor);
      w.string(3, proxy_.options.name + " (declouder's simulated ESPHome node)");
      w.string(4, proxy_.options.name);
      send(msg::hello_response, w.data());
      return;
    }
    case msg::authentication_request: {  // deprecated; no password here
      ProtoWriter w;
      w.varint(1, 0);
      send(msg::authentication_response, w.data());
      return;
    }
    case msg::device_info_request: {
      api::DeviceInfo d;
      d.name = proxy_.options.name;
      d.friendly_name = "declouder simulated proxy";
      d.mac_address = proxy_.mac_text();
      d.bluetooth_mac_address = proxy_.mac_text();
      d.esphome_version = "2025.11.0";
      d.model = "esp32dev (simulated)";
      d.manufacturer = "Espressif";
      d.bluetooth_proxy_feature_flags = esphome::feature::passive_scan | esphome::feature::active_connections |
                                        esphome::feature::remote_caching | esphome::feature::raw_advertisements;
      d.api_encryption_supported = socket_.encrypted();
      send(msg::device_info_response, api::encode(d));
      return;
    }
    case msg::ping_request: send(msg::ping_response, {}); return;
    case msg::disconnect_request:
      send(msg::disconnect_response, {});
      close();
      return;
    case msg::list_entities_request: send(msg::list_entities_done, {}); return;
    case msg::subscribe_ble_advertisements: {
      std::uint32_t flags = 0;
      api::ProtoReader r(m.payload);
      api::ProtoField f;
      while (r.next(f))
        if (f.number == 1) flags = static_cast<std::uint32_t>(f.value);
      std::lock_guard lock(proxy_.mutex);
      if (proxy_.subscriber && proxy_.subscriber.get() != this) {
        proxy_.log("Only one API subscription is allowed at a time");
        return;
      }
      raw = (flags & api::kRawAdvertisements) != 0;
      proxy_.subscriber = shared_from_this();
      proxy_.log(std::string("advertisements subscribed (") + (raw ? "raw" : "parsed") + ")");
      return;
    }
    case msg::unsubscribe_ble_advertisements: {
      std::lock_guard lock(proxy_.mutex);
      if (proxy_.subscriber.get() == this) proxy_.subscriber.reset();
      return;
    }
    case msg::subscribe_connections_free: {
      Bytes slots;
      {
        std::lock_guard lock(proxy_.mutex);
        proxy_.slot_watchers.push_back(shared_from_this());
        slots = proxy_.slots_message();
      }
      send(msg::connections_free, slots);
      return;
    }
    case msg::device_request:
    case msg::gatt_get_services:
    case msg::gatt_read:
    case msg::gatt_write:
    case msg::gatt_read_descriptor:
    case msg::gatt_write_descriptor:
    case msg::gatt_notify: {
      const api::DeviceField d = api::device_fields(m.payload);
      if (ProxiedDevice* dev = proxy_.device(d.address)) {
        dev->post(shared_from_this(), m);
      } else if (m.type == msg::device_request) {
        ProtoWriter w;  // nobody of that address in the room: the connection times out
        w.varint(1, d.address);
        w.varint(2, 0);
        w.varint(3, 0);
        w.varint(4, 0x3E);
        send(msg::device_connection, w.data());
      }
      return;
    }
    default: return;  // states, logs, Home Assistant services: a proxy-only node has none
  }
}

// --- the node ---

void SimulatedEsphomeProxy::Impl::heard(const AdvertData& d, const MacAddress& address) {
  std::lock_guard lock(mutex);
  if (!subscriber) return;
  if (subscriber->raw) {
    api::RawAdvertisement r;
    r.address = api::address_to_u64(address);
    r.rssi = options.rssi;
    r.address_type = 0;
    r.data = ad_structures(d);
    raw_batch.push_back(std::move(r));
  } else {
    Advertisement a = heard_advertisement(d, address);
    a.rssi = options.rssi;
    parsed_batch.push_back(std::move(a));
  }
}

void SimulatedEsphomeProxy::Impl::batch_loop() {
  while (!stopping) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::shared_ptr<ApiSession> to;
    std::vector<api::RawAdvertisement> raw;
    std::vector<Advertisement> parsed;
    {
      std::lock_guard lock(mutex);
      to = subscriber;
      raw.swap(raw_batch);
      parsed.swap(parsed_batch);
    }
    if (!to) continue;
    for (std::size_t i = 0; i < raw.size(); i += 16) {
      std::vector<api::RawAdvertisement> batch(raw.begin() + static_cast<std::ptrdiff_t>(i),
                                               raw.begin() + static_cast<std::ptrdiff_t>(std::min(raw.size(), i + 16)));
      to->send(msg::ble_raw_advertisements, api::encode_raw_advertisements(batch));
    }
    for (const Advertisement& a : parsed) to->send(msg::ble_advertisement, api::encode_parsed_advertisement(a, 0));
  }
}

bool SimulatedEsphomeProxy::Impl::take_slot(std::uint64_t address) {
  {
    std::lock_guard lock(mutex);
    if (connected.size() >= options.connection_slots) return false;
    connected.push_back(address);
  }
  announce_slots();
  return true;
}

void SimulatedEsphomeProxy::Impl::free_slot(std::uint64_t address) {
  {
    std::lock_guard lock(mutex);
    std::erase(connected, address);
  }
  announce_slots();
}

Bytes SimulatedEsphomeProxy::Impl::slots_message() {
  api::ProtoWriter w;
  w.varint(1, options.connection_slots - connected.size());
  w.varint(2, options.connection_slots);
  for (std::uint64_t a : connected) w.varint(3, a);
  return w.take();
}

void SimulatedEsphomeProxy::Impl::announce_slots() {
  std::vector<std::shared_ptr<ApiSession>> to;
  Bytes m;
  {
    std::lock_guard lock(mutex);
    to = slot_watchers;
    m = slots_message();
  }
  for (auto& s : to)
    if (!s->done()) s->send(msg::connections_free, m);
}

void SimulatedEsphomeProxy::Impl::session_closed(ApiSession* s) {
  {
    std::lock_guard lock(mutex);
    if (subscriber.get() == s) subscriber.reset();
    std::erase_if(slot_watchers, [&](const auto& w) { return w.get() == s; });
  }
  for (auto& d : devices) d->session_closed(s);
}

void SimulatedEsphomeProxy::Impl::accept_loop() {
  while (!stopping) {
    pollfd p{listen_fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    auto s = std::make_shared<ApiSession>(*this, fd);
    {
      std::lock_guard lock(mutex);
      // Forget the sessions that ended (their threads have returned or are returning).
      for (auto it = sessions.begin(); it != sessions.end();) {
        if ((*it)->done()) {
          (*it)->join();
          it = sessions.erase(it);
        } else {
          ++it;
        }
      }
      sessions.push_back(s);
    }
    s->start();
  }
}

SimulatedEsphomeProxy::SimulatedEsphomeProxy(std::vector<std::unique_ptr<SimulatedDevice>> devices,
                                             EsphomeProxyOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  for (auto& d : devices) impl_->devices.push_back(std::make_unique<ProxiedDevice>(*impl_, std::move(d)));
}

SimulatedEsphomeProxy::~SimulatedEsphomeProxy() { stop(); }

int SimulatedEsphomeProxy::port() const { return impl_->port; }

void SimulatedEsphomeProxy::start() {
  Impl& im = *impl_;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(im.options.port));
  if (inet_pton(AF_INET, im.options.bind.c_str(), &a.sin_addr) != 1)
    throw std::runtime_error("'" + im.options.bind + "' is not an IPv4 address");
  im.listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(im.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(im.listen_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || ::listen(im.listen_fd, 8) < 0) {
    const std::string why = std::strerror(errno);
    ::close(im.listen_fd);
    im.listen_fd = -1;
    throw std::runtime_error("cannot listen on " + im.options.bind + ":" + std::to_string(im.options.port) + ": " + why);
  }
  socklen_t len = sizeof a;
  getsockname(im.listen_fd, reinterpret_cast<sockaddr*>(&a), &len);
  im.port = ntohs(a.sin_port);
  for (auto& d : im.devices) d->start();
  im.acceptor = std::thread([&im] { im.accept_loop(); });
  im.batcher = std::thread([&im] { im.batch_loop(); });
}

void SimulatedEsphomeProxy::stop() {
  Impl& im = *impl_;
  if (im.stopping.exchange(true)) return;
  if (im.acceptor.joinable()) im.acceptor.join();
  if (im.batcher.joinable()) im.batcher.join();
  std::vector<std::shared_ptr<ApiSession>> sessions;
  {
    std::lock_guard lock(im.mutex);
    sessions = im.sessions;
  }
  for (auto& s : sessions) s->close();
  for (auto& s : sessions) s->join();
  for (auto& d : im.devices) d->stop();
  {
    std::lock_guard lock(im.mutex);
    im.sessions.clear();
    im.subscriber.reset();
    im.slot_watchers.clear();
  }
  if (im.listen_fd >= 0) ::close(im.listen_fd);
  im.listen_fd = -1;
}

}  // namespace declouder
