// Simulator: Picooc Mini (lynx.st, "De-clouding Bluetooth smart scales"; openScale PicoocHandler.kt).
//
// Advertisement (from the lynx.st write-up's scan): name "PICOOC-CQ", service UUID 0xFFF0, manufacturer
// data under company id 0x000A carrying the scale's own MAC (6 bytes, most significant first).
// GATT: service 0xFFF0 with 0xFFF1 (read + indicate: the scale's answers) and 0xFFF2 (write
// without response: the app's requests).
// The app writes the request F1 09 3A <unix time u32 BE> A5 00; the scale answers on FFF1 with
// the measurement frame
//   39 0D <unix time u32 BE> <weight u16 BE, kg x 20> <impedance u16 BE, ohm x 10>
//         <pounds u16 BE x 10, top bit set as in the lynx.st capture> <unit: 00 kg>
// e.g. the lynx.st capture's 39 0D 65 F7 4B A5 06 56 15 04 86 FC 00 = 81.1 kg, 538.0 ohm, 178.8 lb.
// Any other F1-prefixed frame (an ack, F1 03 <opcode>) is accepted silently.
#include <cmath>

#include "devices/picooc_mini/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

const Uuid kService = Uuid::from16(0xFFF0);
const Uuid kAnswer = Uuid::from16(0xFFF1);
const Uuid kRequest = Uuid::from16(0xFFF2);

class PicoocMiniSimulator : public SimulatedDevice {
 public:
  explicit PicoocMiniSimulator(const SimOptions& o) : SimulatedDevice(o) {}
  std::string_view kind() const override { return "picooc-mini"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("D0:49:00:5A:00:03")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "PICOOC-CQ" : options_.name;
    a.service_uuids.push_back(kService);
    const MacAddress mac = address();
    a.manufacturer_data.emplace_back(0x000A, Bytes(mac.bytes.begin(), mac.bytes.end()));
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{kService, {{kAnswer, kRead | kIndicate, {}}, {kRequest, kWriteWithoutResponse, {}}}}};
  }

  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kRequest || v.size() < 3 || v[0] != 0xF1) return;
    if (v[2] != 0x3A) return;  // acks and other requests need no answer here
    // The scale takes a moment to answer (the lynx.st capture's answer was stamped 3 s after the request).
    host().after(std::chrono::milliseconds(60), [this] { host().notify(kAnswer, measurement()); });
  }

 private:
  Bytes measurement() {
    Bytes f{0x39, 0x0D};
    put_u32be(f, static_cast<std::uint32_t>(host().unix_now()));
    put_u16be(f, static_cast<std::uint16_t>(std::lround(options_.weight_kg * 20)));
    put_u16be(f, static_cast<std::uint16_t>(std::lround(options_.impedance_ohm * 10)));
    const long pounds10 = std::lround(options_.weight_kg / 0.45359237 * 10);
    put_u16be(f, static_cast<std::uint16_t>(0x8000 | (pounds10 & 0x7FFF)));
    put_u8(f, 0x00);
    return f;
  }
};

}  // namespace

// The factory the descriptor uses (descriptor.cpp).
namespace picooc {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<PicoocMiniSimulator>(o); }
}  // namespace picooc

}  // namespace declouder
