// Simulator: Crenot GoFit S2, an ICOMON FG2210LB (sroemer, "Reverse engineering a BLE body fat
// scale protocol", 2024; protocol.cpp has the layout and the other sources).
//
// Advertisement: name "Crenot Gofit S2", service UUID 0xFFB0. GATT service 0xFFB0: 0xFFB1
// write, 0xFFB2 notify (live frames), 0xFFB3 indicate (results); Device Information 0x180A with
// manufacturer "ICOMON" (0x2A29) and model "FG2210LB" (0x2A24).
// Frames are 20 bytes: [seq][len = 0x10][00][type][payload, bytes 4..18][checksum], with
// checksum = sum(bytes 3..18) & 0x1F.
//   A1 (FFB3, once notifications are on): device info; its content is not known, sent as zeros.
//   A2 (FFB2, live): byte 4 state (01 measuring, 02 stable), bytes 6-8 weight u24 BE in grams.
//   A3 (FFB3, final): byte 4 status 00, bytes 5-7 weight u24 BE grams, 8 heart rate (0 = none),
//                     9-10 impedance u16 BE ohms.
// The scale needs no handshake (sroemer's client never writes to FFB1). Once both FFB2 and
// FFB3 are subscribed, the person "steps on": live frames rise, settle, then the result.
#include <cmath>

#include "devices/icomon/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

const Uuid kService = Uuid::from16(0xFFB0);
const Uuid kWriteChar = Uuid::from16(0xFFB1);
const Uuid kLive = Uuid::from16(0xFFB2);
const Uuid kResult = Uuid::from16(0xFFB3);

Bytes icomon_frame(std::uint8_t seq, std::uint8_t type, const Bytes& payload) {
  Bytes f(20, 0x00);
  f[0] = seq;
  f[1] = 0x10;
  f[3] = type;
  for (std::size_t i = 0; i < payload.size() && 4 + i < 19; ++i) f[4 + i] = payload[i];
  unsigned sum = 0;
  for (std::size_t i = 3; i <= 18; ++i) sum += f[i];
  f[19] = static_cast<std::uint8_t>(sum & 0x1F);
  return f;
}

class CrenotSimulator : public SimulatedDevice {
 public:
  explicit CrenotSimulator(const SimOptions& o) : SimulatedDevice(o) {}
  std::string_view kind() const override { return "crenot-gofit-s2"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("CF:E5:10:5A:00:04")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "Crenot Gofit S2" : options_.name;
    a.service_uuids.push_back(kService);
    return a;
  }
  std::vector<SimService> gatt() const override {
    auto text = [](const char* s) { return Bytes(s, s + std::char_traits<char>::length(s)); };
    return {{kService, {{kWriteChar, kWrite | kWriteWithoutResponse, {}}, {kLive, kNotify, {}}, {kResult, kIndicate, {}}}},
            {Uuid::from16(0x180A), {{Uuid::from16(0x2A29), kRead, text("ICOMON")}, {Uuid::from16(0x2A24), kRead, text("FG2210LB")}}}};
  }
  void on_connect() override {
    seq_ = 0;
    measuring_ = false;
  }
  void on_disconnect() override { measuring_ = false; }  // the next phone gets a weighing of its own
  void on_write(const Uuid&, const Bytes&, bool) override {}
  void on_subscribe(const Uuid& c) override {
    if (c == kResult) host().after(std::chrono::milliseconds(30), [this] { host().notify(kResult, icomon_frame(seq_++, 0xA1, {})); });
    if (host().subscribed(kLive) && host().subscribed(kResult) && !measuring_) {
      measuring_ = true;
      host().after(std::chrono::milliseconds(300), [this] { live(0); });
    }
  }

 private:
  void live(int n) {
    const std::uint32_t grams = static_cast<std::uint32_t>(std::lround(options_.weight_kg * 1000));
    const double steps[] = {0.3, 0.65, 0.9, 0.99, 1.0, 1.0, 1.0};
    constexpr int kSteps = sizeof(steps) / sizeof(steps[0]);
    if (n < kSteps) {
      const bool stable = n >= 4;
      Bytes p{static_cast<std::uint8_t>(stable ? 0x02 : 0x01), 0x00};
      put_u24be(p, static_cast<std::uint32_t>(std::lround(grams * steps[n])));
      host().notify(kLive, icomon_frame(seq_++, 0xA2, p));
      host().after(std::chrono::milliseconds(120), [this, n] { live(n + 1); });
      return;
    }
    // Bio-impedance takes a little longer, then the final result.
    host().after(std::chrono::milliseconds(300), [this, grams] {
      Bytes p{0x00};
      put_u24be(p, grams);
      put_u8(p, static_cast<std::uint8_t>(options_.heart_rate_bpm));
      put_u16be(p, static_cast<std::uint16_t>(std::lround(options_.impedance_ohm)));
      host().notify(kResult, icomon_frame(seq_++, 0xA3, p));
    });
  }
  std::uint8_t seq_ = 0;
  bool measuring_ = false;
};

}  // namespace

// The factory the descriptor uses (descriptor.cpp).
namespace icomon {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<CrenotSimulator>(o); }
}  // namespace icomon

}  // namespace declouder
