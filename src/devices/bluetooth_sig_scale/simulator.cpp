// Simulator: a Bluetooth SIG standard scale (Weight Scale Service 0x181D, Body Composition
// Service 0x181B, User Data Service 0x181C), as GATT Specification Supplement describes them
// (protocol.cpp has the layouts). Advertises "SIG-Scale" with the three service UUIDs.
//
//   0x2A9D Weight Measurement (indicate): flags 0x06 (timestamp, user id), weight u16 LE
//          x 0.005 kg, timestamp (year u16 LE, month, day, h, m, s), user id
//   0x2A9C Body Composition Measurement (indicate): flags u16 LE 0x0606 (timestamp, user id,
//          impedance, weight), body fat u16 LE x 0.1 % (this simulator always reports 23.0 %),
//          timestamp, user id, impedance u16 LE x 0.1 ohm, weight u16 LE x 0.005 kg
//   0x2A9E / 0x2A9B feature characteristics (read)
//   0x2A19 Battery Level (read, Battery Service 0x180F): 1 byte, 87 %
//   0x2A9F User Control Point (write + indicate): 01 <consent u16 LE> registers a user ->
//          20 01 01 <index>; 02 <index> <consent u16 LE> -> 20 02 01 (success) or 20 02 05
//          (not authorised). User 1 exists with consent code 0000.
// After a successful consent, with 0x2A9D subscribed, the person steps on: 0x2A9D then 0x2A9C.
// beurer_simulator() is the same scale as a Beurer BF600 ("BF600"): the Beurer/Sanitas models
// of the standard family speak exactly these profiles (their vendor extras are not played).
#include <cmath>
#include <map>

#include "core/time.hpp"
#include "devices/bluetooth_sig_scale/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

const Uuid kWeight = Uuid::from16(0x2A9D);
const Uuid kComposition = Uuid::from16(0x2A9C);
const Uuid kControlPoint = Uuid::from16(0x2A9F);
constexpr std::uint8_t kBatteryPercent = 87;

// Who the scale is: its simulator name, advertised name and default address.
struct Identity {
  std::string_view kind, name, address;
};
constexpr Identity kStandard{"sig-scale", "SIG-Scale", "00:09:1F:5A:00:05"};
constexpr Identity kBeurerBf600{"beurer-bf600", "BF600", "D8:0B:CB:5A:16:07"};

class StandardScaleSimulator : public SimulatedDevice {
 public:
  StandardScaleSimulator(const SimOptions& o, Identity who) : SimulatedDevice(o), who_(who) { consents_[1] = 0; }
  std::string_view kind() const override { return who_.kind; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse(who_.address)); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? std::string(who_.name) : options_.name;
    a.service_uuids = {Uuid::from16(0x181D), Uuid::from16(0x181B), Uuid::from16(0x181C)};
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{Uuid::from16(0x181D), {{kWeight, kIndicate, {}}, {Uuid::from16(0x2A9E), kRead, {0x06, 0x00, 0x00, 0x00}}}},
            {Uuid::from16(0x181B), {{kComposition, kIndicate, {}}, {Uuid::from16(0x2A9B), kRead, {0x06, 0x06, 0x00, 0x00}}}},
            {Uuid::from16(0x181C), {{kControlPoint, kWrite | kIndicate, {}}}},
            {Uuid::from16(0x180F), {{Uuid::from16(0x2A19), kRead, {kBatteryPercent}}}}};
  }
  void on_connect() override { consented_ = 0; }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kControlPoint || v.empty()) return;
    if (v[0] == 0x01 && v.size() == 3) {
      const std::uint8_t index = static_cast<std::uint8_t>(consents_.rbegin()->first + 1);
      consents_[index] = le16(&v[1]);
      reply({0x20, 0x01, 0x01, index});
    } else if (v[0] == 0x02 && v.size() == 4) {
      auto it = consents_.find(v[1]);
      if (it == consents_.end() || it->second != le16(&v[2])) {
        reply({0x20, 0x02, 0x05});
        return;
      }
      consented_ = v[1];
      reply({0x20, 0x02, 0x01});
      host().after(std::chrono::milliseconds(400), [this] { measure(); });
    } else {
      reply({0x20, v[0], 0x02});  // op code not supported
    }
  }

 private:
  void reply(const Bytes& b) {
    host().after(std::chrono::milliseconds(20), [this, b] { host().notify(kControlPoint, b); });
  }
  void put_time(Bytes& f) {
    CivilTime t = civil_from_unix(host().unix_now());
    put_u16le(f, static_cast<std::uint16_t>(t.year));
    for (int v : {t.month, t.day, t.hour, t.minute, t.second}) put_u8(f, static_cast<std::uint8_t>(v));
  }
  void measure() {
    if (!consented_) return;
    const auto weight = static_cast<std::uint16_t>(std::lround(options_.weight_kg / 0.005));
    Bytes w{0x06};
    put_u16le(w, weight);
    put_time(w);
    put_u8(w, consented_);
    host().notify(kWeight, w);
    Bytes b;
    put_u16le(b, 0x0606);
    put_u16le(b, 230);
    put_time(b);
    put_u8(b, consented_);
    put_u16le(b, static_cast<std::uint16_t>(std::lround(options_.impedance_ohm * 10)));
    put_u16le(b, weight);
    host().after(std::chrono::milliseconds(50), [this, b] { host().notify(kComposition, b); });
  }
  Identity who_;
  std::map<std::uint8_t, std::uint16_t> consents_;
  std::uint8_t consented_ = 0;
};

}  // namespace

// The factory the descriptor uses (descriptor.cpp).
namespace sig_scale {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) {
  return std::make_unique<StandardScaleSimulator>(o, kStandard);
}
std::unique_ptr<SimulatedDevice> beurer_simulator(const SimOptions& o) {
  return std::make_unique<StandardScaleSimulator>(o, kBeurerBf600);
}
}  // namespace sig_scale

}  // namespace declouder
