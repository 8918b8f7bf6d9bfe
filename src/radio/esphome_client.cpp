#include "radio/esphome_client.hpp"

#include <algorithm>
#include <ctime>

#include "capture/hci.hpp"
#include "link/ble_error.hpp"

namespace declouder::esphome {

namespace {

std::int64_t unix_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// GATT's property bits (as the proxy reports them, Bluetooth Core Vol 3 Part G 3.3.1.1).
constexpr std::uint32_t kPropRead = 0x02, kPropWriteNoResponse = 0x04, kPropWrite = 0x08, kPropNotify = 0x10,
                        kPropIndicate = 0x20;

// Silence after which we ping, and after which the node counts as gone (a node that
// stops relaying without closing the socket: ble-scale-sync's issue #303).
constexpr auto kPingAfter = std::chrono::seconds(20);
constexpr auto kDeadAfter = std::chrono::seconds(45);

}  // namespace

std::string disconnect_reason_text(std::int64_t code) {
  switch (code) {
    case 0: return "disconnected";
    case 0x08: return "connection timeout";
    case 0x13: return "remote user terminated connection";
    case 0x16: return "connection terminated by the proxy";
    case 0x3E: return "connection failed to be established";
    case 0x85: return "the proxy's Bluetooth stack failed (GATT error 0x85)";
    default: return "error " + std::to_string(code);
  }
}

ProxyClient::ProxyClient(Endpoint endpoint, Handlers handlers)
    : endpoint_(std::move(endpoint)), handlers_(std::move(handlers)) {}

ProxyClient::~ProxyClient() { close(); }

void ProxyClient::open(Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  socket_ = ApiSocket::connect(endpoint_.host, endpoint_.port, endpoint_.key, timeout);
  socket_->client_handshake(deadline);

  auto expect = [&](std::uint16_t type, const char* what) {
    for (;;) {
      auto m = socket_->receive(deadline);
      if (!m) throw ConnectionError(std::string("no ") + what + " from the node in time");
      if (m->type == type) return *m;
      if (m->type == msg::ping_request) socket_->send(msg::ping_response, {});
      if (m->type == msg::disconnect_request) throw ConnectionError("the node hung up during the hello");
    }
  };
  ProtoWriter hello;
  hello.string(1, "declouder");
  hello.varint(2, kApiMajor);
  hello.varint(3, kApiMinor);
  socket_->send(msg::hello_request, hello.data());
  const Message hr = expect(msg::hello_response, "hello");
  std::uint32_t major = 0, minor = 0;
  {
    ProtoReader r(hr.payload);
    ProtoField f;
    while (r.next(f)) {
      if (f.number == 1) major = static_cast<std::uint32_t>(f.value);
      else if (f.number == 2) minor = static_cast<std::uint32_t>(f.value);
    }
  }
  // Before API 1.12 the node wants the (deprecated, here empty) password message even
  // with encryption (aioesphomeapi's connection.py).
  if (major == 1 && minor < 12) {
    ProtoWriter auth;
    socket_->send(msg::authentication_request, auth.data());
    const Message ar = expect(msg::authentication_response, "login answer");
    ProtoReader r(ar.payload);
    ProtoField f;
    while (r.next(f))
      if (f.number == 1 && f.value) throw ConnectionError("the node wants an API password; declouder supports only encryption keys");
  }
  socket_->send(msg::device_info_request, {});
  info_ = decode_device_info(expect(msg::device_info_response, "device info").payload);
  if (!(info_.bluetooth_proxy_feature_flags & feature::passive_scan))
    throw ConnectionError("'" + node_name() + "' is not a Bluetooth proxy (add bluetooth_proxy: to its YAML)");

  ProtoWriter sub;
  sub.varint(1, (info_.bluetooth_proxy_feature_flags & feature::raw_advertisements) ? kRawAdvertisements : 0);
  socket_->send(msg::subscribe_ble_advertisements, sub.data());
  if (info_.bluetooth_proxy_feature_flags & feature::active_connections)
    socket_->send(msg::subscribe_connections_free, {});
  closing_ = false;
  alive_ = true;
  reader_ = std::thread([this] { read_loop(); });
}

void ProxyClient::read_loop() {
  auto last_rx = Clock::now();
  bool pinged = false;
  try {
    while (!closing_) {
      auto m = socket_->receive(Clock::now() + std::chrono::seconds(1));
      const auto now = Clock::now();
      if (!m) {
        if (now - last_rx > kDeadAfter) throw ConnectionError("the node has been silent for 45 s");
        if (now - last_rx > kPingAfter && !pinged) {
          socket_->send(msg::ping_request, {});
          pinged = true;
        }
        continue;
      }
      last_rx = now;
      pinged = false;
      handle(*m);
    }
    end("closed by declouder");
  } catch (const ConnectionError& e) {
    end(closing_ ? "closed by declouder" : e.what());
  } catch (const ProtocolError& e) {
    end(std::string("the node sent a malformed message: ") + e.what());
  }
}

void ProxyClient::handle(const Message& m) {
  switch (m.type) {
    case msg::ping_request: socket_->send(msg::ping_response, {}); return;
    case msg::get_time_request: {
      ProtoWriter w;
      w.fixed32(1, static_cast<std::uint32_t>(std::time(nullptr)));
      socket_->send(msg::get_time_response, w.data());
      return;
    }
    case msg::disconnect_request:
      socket_->send(msg::disconnect_response, {});
      throw ConnectionError("the node closed the connection (rebooting?)");
    case msg::ble_raw_advertisements: {
      const std::int64_t t = unix_us();
      for (RawAdvertisement& r : decode_raw_advertisements(m.payload)) {
        Advertisement a;
        a.address = address_from_u64(r.address);
        a.rssi = r.rssi;
        a.time_us = t;
        capture::parse_ad_structures(r.data, a);  // a malformed tail keeps what came before
        {
          std::lock_guard lock(mutex_);
          address_types_[r.address] = r.address_type;
          last_advert_ = Clock::now();
        }
        ++adverts_;
        if (handlers_.on_advertisement) handlers_.on_advertisement(a);
      }
      return;
    }
    case msg::ble_advertisement: {
      std::uint32_t type = 0;
      Advertisement a = decode_parsed_advertisement(m.payload, &type);
      a.time_us = unix_us();
      if (!a.address) return;
      {
        std::lock_guard lock(mutex_);
        address_types_[address_to_u64(*a.address)] = type;
        last_advert_ = Clock::now();
      }
      ++adverts_;
      if (handlers_.on_advertisement) handlers_.on_advertisement(a);
      return;
    }
    case msg::connections_free: {
      ProtoReader r(m.payload);
      ProtoField f;
      std::uint32_t free = 0;
      while (r.next(f))
        if (f.number == 1) free = static_cast<std::uint32_t>(f.value);
      std::lock_guard lock(mutex_);
      free_slots_ = free;
      return;
    }
    case msg::device_connection:
    case msg::gatt_services:
    case msg::gatt_services_done:
    case msg::gatt_read_response:
    case msg::gatt_notify_data:
    case msg::gatt_error:
    case msg::gatt_write_response:
    case msg::gatt_notify_response: {
      const DeviceField d = device_fields(m.payload);
      std::lock_guard lock(mutex_);
      auto it = inboxes_.find(d.address);
      if (it == inboxes_.end()) return;  // nobody waits for this device (any more)
      {
        std::lock_guard inbox_lock(it->second->mutex);
        it->second->messages.push_back(m);
      }
      it->second->cv.notify_all();
      return;
    }
    default: return;  // entities, logs, states: not a proxy's business here
  }
}

void ProxyClient::end(const std::string& why) {
  std::lock_guard lock(mutex_);
  if (!alive_) return;
  alive_ = false;
  closed_reason_ = why;
  for (auto& [address, inbox] : inboxes_) {
    {
      std::lock_guard inbox_lock(inbox->mutex);
      inbox->closed = true;
      inbox->closed_reason = "the proxy connection ended: " + why;
    }
    inbox->cv.notify_all();
  }
  closed_cv_.notify_all();
}

bool ProxyClient::wait_closed(Clock::duration d) {
  std::unique_lock lock(mutex_);
  return closed_cv_.wait_for(lock, d, [&] { return !alive_.load(); });
}

std::string ProxyClient::closed_reason() const {
  std::lock_guard lock(mutex_);
  return closed_reason_;
}

void ProxyClient::close() {
  if (!socket_) return;
  closing_ = true;
  if (alive_) {
    try {
      socket_->send(msg::disconnect_request, {});
    } catch (const ConnectionError&) {
    }
  }
  socket_->shutdown();
  if (reader_.joinable()) reader_.join();
  end("closed by declouder");
  socket_.reset();
}

ProxyClient::Clock::time_point ProxyClient::last_advert() const {
  std::lock_guard lock(mutex_);
  return last_advert_;
}

std::optional<std::uint32_t> ProxyClient::free_slots() const {
  std::lock_guard lock(mutex_);
  return free_slots_;
}

void ProxyClient::attach(std::uint64_t address, Inbox* inbox) {
  std::lock_guard lock(mutex_);
  inboxes_[address] = inbox;
  if (!alive_) {
    std::lock_guard inbox_lock(inbox->mutex);
    inbox->closed = true;
    inbox->closed_reason = "the proxy connection ended: " + closed_reason_;
  }
}

void ProxyClient::detach(std::uint64_t address) {
  std::lock_guard lock(mutex_);
  inboxes_.erase(address);
}

void ProxyClient::send(std::uint16_t type, const Bytes& payload) {
  if (!socket_ || !alive_) throw LinkLost("the proxy connection ended: " + closed_reason());
  try {
    socket_->send(type, payload);
  } catch (const ConnectionError& e) {
    throw LinkLost(std::string("the proxy connection ended: ") + e.what());
  }
}

std::uint32_t ProxyClient::address_type(std::uint64_t address) const {
  std::lock_guard lock(mutex_);
  auto it = address_types_.find(address);
  return it == address_types_.end() ? 0 : it->second;
}

// --- ProxyGattLink ---

ProxyGattLink::ProxyGattLink(ProxyClient& proxy, const MacAddress& address, std::string name)
    : proxy_(proxy), address_(address), address_u64_(address_to_u64(address)), name_(std::move(name)) {}

ProxyGattLink::~ProxyGattLink() {
  try {
    disconnect();
  } catch (const std::exception&) {
  }
  if (attached_) proxy_.detach(address_u64_);
}

const GattCharacteristic* ProxyGattLink::find(const Uuid& c) const {
  for (const auto& s : services_)
    for (const auto& ch : s.characteristics)
      if (ch.uuid == c) return &ch;
  return nullptr;
}

void ProxyGattLink::check_connected() const {
  if (!connected_) throw LinkLost(disconnect_reason_.empty() ? "not connected" : disconnect_reason_);
}

std::optional<Message> ProxyGattLink::await(std::initializer_list<std::uint16_t> types, std::uint32_t handle,
                                            Clock::time_point deadline, bool until_notification) {
  auto wanted = [&](std::uint16_t t) { return std::find(types.begin(), types.end(), t) != types.end(); };
  std::unique_lock lock(inbox_.mutex);
  for (;;) {
    while (!inbox_.messages.empty()) {
      Message m = std::move(inbox_.messages.front());
      inbox_.messages.pop_front();
      const DeviceField d = device_fields(m.payload);
      if (m.type == msg::gatt_notify_data) {
        ProtoReader r(m.payload);
        ProtoField f;
        GattValue v;
        while (r.next(f))
          if (f.number == 3) v.value.assign(f.data.begin(), f.data.end());
        for (const auto& s : services_)
          for (const auto& ch : s.characteristics)
            if (ch.handle == d.handle) v.characteristic = ch.uuid;
        v.address = address_;
        v.device_name = name_;
        v.time_us = unix_us();
        notifications_.push_back(std::move(v));
        continue;
      }
      if (m.type == msg::device_connection) {
        bool up = false;
        std::int64_t error = 0;
        ProtoReader r(m.payload);
        ProtoField f;
        while (r.next(f)) {
          if (f.number == 2) up = f.value != 0;
          else if (f.number == 4) error = static_cast<std::int32_t>(f.value);
        }
        if (wanted(msg::device_connection)) return m;
        if (!up && connected_) {
          connected_ = false;
          disconnect_reason_ = disconnect_reason_text(error);
          throw LinkLost(disconnect_reason_);
        }
        continue;
      }
      if (m.type == msg::gatt_error && (handle == 0 || d.handle == handle)) {
        ProtoReader r(m.payload);
        ProtoField f;
        std::int64_t error = 0;
        while (r.next(f))
          if (f.number == 3) error = static_cast<std::int32_t>(f.value);
        throw BleError(BleErrorKind::failed, "the device answered GATT error " + std::to_string(error) +
                                                 " through the proxy (handle " + std::to_string(d.handle) + ")");
      }
      if (wanted(m.type) && (handle == 0 || d.handle == handle)) return m;
      // Anything else (a late answer to a request that timed out) is dropped.
    }
    if (inbox_.closed) {
      connected_ = false;
      disconnect_reason_ = inbox_.closed_reason;
      throw LinkLost(disconnect_reason_);
    }
    if (until_notification && !notifications_.empty()) return std::nullopt;
    if (inbox_.cv.wait_until(lock, deadline) == std::cv_status::timeout && inbox_.messages.empty() && !inbox_.closed)
      return std::nullopt;
  }
}

void ProxyGattLink::connect(Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  if (!proxy_.alive()) throw BleError(BleErrorKind::failed, "the proxy " + proxy_.node_name() + " is not connected");
  const std::uint32_t flags = proxy_.info().bluetooth_proxy_feature_flags;
  if (!(flags & feature::active_connections))
    throw BleError(BleErrorKind::failed, "the proxy " + proxy_.node_name() +
                                             " does not make connections (bluetooth_proxy: active: true in its YAML)");
  if (auto free = proxy_.free_slots(); free && *free == 0)
    throw BleError(BleErrorKind::busy, "the proxy " + proxy_.node_name() + " has no free connection slot");
  if (!attached_) {
    proxy_.attach(address_u64_, &inbox_);
    attached_ = true;
  }
  {
    std::lock_guard lock(inbox_.mutex);
    inbox_.messages.clear();
  }
  notifications_.clear();
  services_.clear();
  ProtoWriter w;
  w.varint(1, address_u64_);
  w.varint(2, (flags & feature::remote_caching) ? request::connect_v3_without_cache : 0);
  w.varint(3, 1);
  w.varint(4, proxy_.address_type(address_u64_));
  proxy_.send(msg::device_request, w.data());
  for (;;) {
    auto m = await({msg::device_connection}, 0, deadline);
    if (!m) throw BleError(BleErrorKind::timeout, "the proxy " + proxy_.node_name() + " did not connect in time");
    bool up = false;
    std::int64_t error = 0;
    ProtoReader r(m->payload);
    ProtoField f;
    while (r.next(f)) {
      if (f.number == 2) up = f.value != 0;
      else if (f.number == 4) error = static_cast<std::int32_t>(f.value);
    }
    if (up) break;
    if (error) throw BleError(BleErrorKind::failed, "the proxy " + proxy_.node_name() + " could not connect: " +
                                                        disconnect_reason_text(error));
  }
  connected_ = true;
  disconnect_reason_.clear();
  ProtoWriter g;
  g.varint(1, address_u64_);
  proxy_.send(msg::gatt_get_services, g.data());
  for (;;) {
    auto m = await({msg::gatt_services, msg::gatt_services_done}, 0, deadline);
    if (!m) throw BleError(BleErrorKind::timeout, "the proxy did not list the services of " + address_.str() + " in time");
    if (m->type == msg::gatt_services_done) break;
    for (GattService& s : decode_services(m->payload)) services_.push_back(std::move(s));
  }
}

void ProxyGattLink::disconnect() {
  if (!connected_) return;
  connected_ = false;
  disconnect_reason_ = "disconnected by declouder";
  ProtoWriter w;
  w.varint(1, address_u64_);
  w.varint(2, request::disconnect);
  try {
    proxy_.send(msg::device_request, w.data());
    await({msg::device_connection}, 0, Clock::now() + std::chrono::seconds(2));
  } catch (const std::exception&) {
    // The proxy is gone or the device hung up first: disconnected either way.
  }
}

void ProxyGattLink::subscribe(const Uuid& c) {
  check_connected();
  const GattCharacteristic* ch = find(c);
  if (!ch) throw BleError(BleErrorKind::not_found, "no characteristic " + c.short_str() + " on " + address_.str());
  if (!(ch->properties & (kPropNotify | kPropIndicate)))
    throw BleError(BleErrorKind::failed, c.short_str() + " cannot notify");
  ProtoWriter w;
  w.varint(1, address_u64_);
  w.varint(2, ch->handle);
  w.varint(3, 1);
  proxy_.send(msg::gatt_notify, w.data());
  if (!await({msg::gatt_notify_response}, ch->handle, Clock::now() + request_timeout_))
    throw BleError(BleErrorKind::timeout, "the proxy did not confirm notifications on " + c.short_str());
  // With remote caching the node leaves the CCCD to the client (aioesphomeapi, bleak-esphome).
  if (proxy_.info().bluetooth_proxy_feature_flags & feature::remote_caching) {
    for (const GattDescriptor& d : ch->descriptors) {
      if (d.uuid != Uuid::from16(0x2902)) continue;
      ProtoWriter dw;
      dw.varint(1, address_u64_);
      dw.varint(2, d.handle);
      const Bytes value = (ch->properties & kPropNotify) ? Bytes{0x01, 0x00} : Bytes{0x02, 0x00};
      dw.bytes(3, value);
      proxy_.send(msg::gatt_write_descriptor, dw.data());
      if (!await({msg::gatt_write_response}, d.handle, Clock::now() + request_timeout_))
        throw BleError(BleErrorKind::timeout, "the proxy did not confirm the CCCD write of " + c.short_str());
    }
  }
}

void ProxyGattLink::write(const Uuid& c, ByteView value, WriteMode mode) {
  check_connected();
  const GattCharacteristic* ch = find(c);
  if (!ch) throw BleError(BleErrorKind::not_found, "no characteristic " + c.short_str() + " on " + address_.str());
  const bool response = mode == WriteMode::with_response;
  if (!(ch->properties & (response ? kPropWrite : kPropWriteNoResponse)) && !(ch->properties & (kPropWrite | kPropWriteNoResponse)))
    throw BleError(BleErrorKind::failed, "write not permitted on " + c.short_str());
  ProtoWriter w;
  w.varint(1, address_u64_);
  w.varint(2, ch->handle);
  w.varint(3, response ? 1 : 0);
  w.bytes(4, value);
  proxy_.send(msg::gatt_write, w.data());
  if (response && !await({msg::gatt_write_response}, ch->handle, Clock::now() + request_timeout_))
    throw BleError(BleErrorKind::timeout, "the proxy did not confirm the write to " + c.short_str());
}

Bytes ProxyGattLink::read(const Uuid& c) {
  check_connected();
  const GattCharacteristic* ch = find(c);
  if (!ch || !(ch->properties & kPropRead)) throw BleError(BleErrorKind::failed, "read not permitted on " + c.short_str());
  ProtoWriter w;
  w.varint(1, address_u64_);
  w.varint(2, ch->handle);
  proxy_.send(msg::gatt_read, w.data());
  auto m = await({msg::gatt_read_response}, ch->handle, Clock::now() + request_timeout_);
  if (!m) throw BleError(BleErrorKind::timeout, "the proxy did not answer the read of " + c.short_str());
  ProtoReader r(m->payload);
  ProtoField f;
  Bytes out;
  while (r.next(f))
    if (f.number == 3) out.assign(f.data.begin(), f.data.end());
  return out;
}

std::optional<GattValue> ProxyGattLink::next_value(Clock::time_point deadline) {
  if (notifications_.empty()) {
    check_connected();
    await({}, 0, deadline, /*until_notification=*/true);
  }
  if (notifications_.empty()) return std::nullopt;
  GattValue v = std::move(notifications_.front());
  notifications_.pop_front();
  return v;
}

void ProxyGattLink::pause(Clock::duration d) {
  check_connected();
  await({}, 0, Clock::now() + d);  // notifications meanwhile are kept for next_value
}

}  // namespace declouder::esphome
