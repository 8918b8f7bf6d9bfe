#include "definitions/session_capture.hpp"

#include "capture/packets.hpp"
#include "link/session.hpp"
#include "link/simulator_link.hpp"

namespace declouder::definitions {

namespace {

using capture::Direction;
using capture::PacketKind;
namespace packet = capture::packet;

constexpr std::uint16_t kConnection = 0x0040;

struct Handles {
  Uuid uuid;
  unsigned properties = 0;
  std::uint16_t declaration = 0, value = 0, cccd = 0;  // cccd 0: none
};

// GATT characteristic properties (Core Vol 3 Part G 3.3.1.1) from the simulator's.
std::uint8_t gatt_properties(unsigned p) {
  std::uint8_t out = 0;
  if (p & kRead) out |= 0x02;
  if (p & kWriteWithoutResponse) out |= 0x04;
  if (p & kWrite) out |= 0x08;
  if (p & kNotify) out |= 0x10;
  if (p & kIndicate) out |= 0x20;
  return out;
}

// Writes packets with times on the simulated device's clock.
class Recorder {
 public:
  Recorder(capture::CaptureWriter& out, SimulatorLink& link, std::int64_t unix_start)
      : out_(out), link_(link), start_us_(unix_start * 1000000) {}

  std::int64_t now_us() {
    std::int64_t t = start_us_ + link_.now().count() * 1000;
    if (t <= last_us_) t = last_us_ + 100;  // keep records in order, a little apart
    last_us_ = t;
    return t;
  }
  void event(const Bytes& e) { out_.write(now_us(), Direction::controller_to_host, PacketKind::event, e); }
  void tx(const Bytes& pdu) { out_.write(now_us(), Direction::host_to_controller, PacketKind::acl, packet::att(kConnection, true, pdu)); }
  void rx(const Bytes& pdu) { out_.write(now_us(), Direction::controller_to_host, PacketKind::acl, packet::att(kConnection, false, pdu)); }

  void advert(const AdvertData& a, const MacAddress& address, std::int64_t at_us) {
    Bytes ad = packet::ad_flags(0x06);
    auto append = [&](const Bytes& part) { ad.insert(ad.end(), part.begin(), part.end()); };
    if (!a.name.empty()) append(packet::ad_name(a.name));
    Bytes uuids16;
    for (const Uuid& u : a.service_uuids)
      if (u.is16()) put_u16le(uuids16, u.short16());
    if (!uuids16.empty()) append(packet::ad(0x03, uuids16));
    for (const auto& [u, data] : a.service_data)
      if (u.is16()) append(packet::ad_service_data16(u.short16(), data));
    for (const auto& [company, data] : a.manufacturer_data) append(packet::ad_manufacturer(company, data));
    if (ad.size() > 31) ad.resize(31);  // a legacy advertisement's limit
    if (at_us <= last_us_) at_us = last_us_ + 100;
    last_us_ = at_us;
    out_.write(at_us, Direction::controller_to_host, PacketKind::event,
               packet::le_advertising_report(a.connectable ? 0x00 : 0x03, 0x00, address, ad, -60));
  }

 private:
  capture::CaptureWriter& out_;
  SimulatorLink& link_;
  std::int64_t start_us_;
  std::int64_t last_us_ = 0;
};

// A GattLink onto the simulator that writes every exchange as the phone's log shows it.
class RecordingLink : public GattLink {
 public:
  RecordingLink(SimulatorLink& inner, Recorder& rec) : inner_(inner), rec_(rec) {
    std::uint16_t h = 0x0010;
    for (const SimService& s : inner_.device().gatt()) {
      Service service{s.uuid, h, 0};
      ++h;  // the service declaration
      for (const SimCharacteristic& c : s.characteristics) {
        Handles x{c.uuid, c.properties, h, static_cast<std::uint16_t>(h + 1), 0};
        h += 2;
        if (c.properties & (kNotify | kIndicate)) x.cccd = h++;
        chars_.push_back(x);
      }
      service.end = static_cast<std::uint16_t>(h - 1);
      services_.push_back(service);
    }
  }

  void connect(Clock::duration timeout) override {
    inner_.connect(timeout);
    rec_.event(packet::le_connection_complete(0, kConnection, 0, 0, inner_.device().address()));
    rec_.tx(Bytes{0x02, 0xF7, 0x00});  // Exchange MTU 247
    rec_.rx(Bytes{0x03, 0x17, 0x00});  // 23
    rec_.tx(packet::att_read_by_group_type_request(0x0001, 0xFFFF, Uuid::from16(0x2800)));
    for (const Service& s : services_) {
      const Bytes u = packet::att_uuid_le(s.uuid);
      Bytes r{0x11, static_cast<std::uint8_t>(4 + u.size())};
      put_u16le(r, s.start);
      put_u16le(r, s.end);
      r.insert(r.end(), u.begin(), u.end());
      rec_.rx(r);
    }
    for (const Service& s : services_) {
      rec_.tx(packet::att_read_by_type_request(s.start, s.end, Uuid::from16(0x2803)));
      for (const Handles& c : chars_) {
        if (c.declaration < s.start || c.declaration > s.end) continue;
        const Bytes u = packet::att_uuid_le(c.uuid);
        Bytes r{0x09, static_cast<std::uint8_t>(5 + u.size())};
        put_u16le(r, c.declaration);
        r.push_back(gatt_properties(c.properties));
        put_u16le(r, c.value);
        r.insert(r.end(), u.begin(), u.end());
        rec_.rx(r);
      }
    }
    for (const Handles& c : chars_) {
      if (!c.cccd) continue;
      Bytes q{0x04};
      put_u16le(q, c.cccd);
      put_u16le(q, c.cccd);
      rec_.tx(q);
      Bytes r{0x05, 0x01};
      put_u16le(r, c.cccd);
      put_u16le(r, 0x2902);
      rec_.rx(r);
    }
  }
  void disconnect() override {
    if (!inner_.connected()) return;
    inner_.disconnect();
    rec_.event(packet::disconnection_complete(0, kConnection, 0x13));
  }
  bool connected() const override { return inner_.connected(); }
  void subscribe(const Uuid& c) override {
    inner_.subscribe(c);
    const Handles* h = find(c);
    if (!h || !h->cccd) return;
    rec_.tx(packet::att_handle_value(0x12, h->cccd, (h->properties & kIndicate) ? Bytes{0x02, 0x00} : Bytes{0x01, 0x00}));
    rec_.rx(Bytes{0x13});
  }
  void write(const Uuid& c, ByteView value, WriteMode mode) override {
    inner_.write(c, value, mode);
    const Handles* h = find(c);
    if (!h) return;
    rec_.tx(packet::att_handle_value(mode == WriteMode::with_response ? 0x12 : 0x52, h->value, value));
    if (mode == WriteMode::with_response) rec_.rx(Bytes{0x13});
  }
  Bytes read(const Uuid& c) override {
    Bytes v = inner_.read(c);
    if (const Handles* h = find(c)) {
      Bytes q{0x0A};
      put_u16le(q, h->value);
      rec_.tx(q);
      Bytes r{0x0B};
      r.insert(r.end(), v.begin(), v.end());
      rec_.rx(r);
    }
    return v;
  }
  bool has_characteristic(const Uuid& c) const override { return inner_.has_characteristic(c); }
  std::optional<GattValue> next_value(Clock::time_point deadline) override {
    auto v = inner_.next_value(deadline);
    if (v) {
      if (const Handles* h = find(v->characteristic)) {
        const bool indicate = (h->properties & kIndicate) && !(h->properties & kNotify);
        rec_.rx(packet::att_handle_value(indicate ? 0x1D : 0x1B, h->value, v->value));
        if (indicate) rec_.tx(Bytes{0x1E});
      }
    }
    return v;
  }
  void pause(Clock::duration d) override { inner_.pause(d); }
  std::string disconnect_reason() const override { return inner_.disconnect_reason(); }
  std::string device_name() const override { return inner_.device_name(); }

 private:
  struct Service {
    Uuid uuid;
    std::uint16_t start, end;
  };
  const Handles* find(const Uuid& u) const {
    for (const Handles& h : chars_)
      if (h.uuid == u) return &h;
    return nullptr;
  }
  SimulatorLink& inner_;
  Recorder& rec_;
  std::vector<Service> services_;
  std::vector<Handles> chars_;
};

}  // namespace

void record_session(const DeviceDescriptor& device, const SimOptions& sim, const SessionCaptureOptions& options,
                    capture::CaptureWriter& out) {
  if (!device.simulator) throw SessionError(device.id + " has no simulator to record");
  SimulatorLink link(device.simulator->create(sim), options.unix_start);
  Recorder rec(out, link, options.unix_start);
  const MacAddress address = link.device().address();
  const std::int64_t start_us = options.unix_start * 1000000;
  // What it advertises from the start (devices that never change it send no update), every
  // change while it advertises, and once more at the end (a phone logs repeats now and then).
  rec.advert(link.device().advert(), address, start_us);
  link.advance(std::chrono::milliseconds(options.advert_ms));
  for (const auto& sent : link.adverts()) rec.advert(sent.data, address, start_us + sent.at.count() * 1000);
  rec.advert(link.device().advert(), address, start_us + link.now().count() * 1000);
  if (!device.conversation) return;
  ConversationContext context;
  context.advert = heard_advertisement(link.device().advert(), address);
  context.unix_now = link.unix_now();
  RecordingLink recording(link, rec);
  SessionRunner runner(recording);
  runner.run(device.conversation->build(context));
}

}  // namespace declouder::definitions
