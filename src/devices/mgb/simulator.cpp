// Simulator: a Lefu "SWAN" scale of the legacy MGB protocol (the Hutbit's stock firmware;
// ble-scale-sync hutbit.ts and openScale MGBHandler.kt / FitTrackDaraHandler.kt, whose frames
// descriptor.cpp has).
//
// Advertisement: name "SWAN", service UUID 0xFFB0. GATT service 0xFFB0: 0xFFB1 write without
// response (the app's AC 02 … CC commands), 0xFFB2 notify (the scale's frames).
// Each command is echoed on FFB2. After FE 06 <unit> 00 (the app's last command) the person
// steps on: AC 02 <weight u16 BE, tenths of the unit> 00 00 CE <sum> while it settles, the same
// with CA once stable, then the impedance measurement: AC 02 FD 00 00 00 CB <sum> (it starts)
// and AC 02 FD 01 <ohm u16 BE> CB <sum>. Without FE it stays silent.
#include <cmath>

#include "devices/icomon/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

const Uuid kService = Uuid::from16(icomon::kService);
const Uuid kCommands = Uuid::from16(0xFFB1);
const Uuid kFrames = Uuid::from16(icomon::kLiveCharacteristic);

Bytes stream(std::uint8_t b2, std::uint8_t b3, std::uint8_t b4, std::uint8_t b5, std::uint8_t flag) {
  Bytes f{0xAC, 0x02, b2, b3, b4, b5, flag};
  f.push_back(static_cast<std::uint8_t>(b2 + b3 + b4 + b5 + flag));
  return f;
}

class MgbSimulator : public SimulatedDevice {
 public:
  using SimulatedDevice::SimulatedDevice;
  std::string_view kind() const override { return "mgb"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("03:B3:EC:5A:16:06")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "SWAN" : options_.name;
    a.service_uuids = {kService};
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{kService, {{kCommands, kWrite | kWriteWithoutResponse, {}}, {kFrames, kNotify, {}}}}};
  }
  void on_connect() override { measuring_ = false; }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kCommands || v.size() != 8 || v[0] != 0xAC || v[1] != 0x02 || v[6] != 0xCC) return;
    if (static_cast<std::uint8_t>(v[2] + v[3] + v[4] + v[5] + v[6]) != v[7]) return;
    host().notify(kFrames, v);  // the echo
    if (v[2] == 0xFE && v[3] == 0x06 && !measuring_) {
      unit_ = v[4];
      measuring_ = true;
      host().after(std::chrono::milliseconds(300), [this] { weigh(0); });
    }
  }

 private:
  void weigh(int n) {
    const double rise[] = {0.5, 0.9, 0.99, 1.0, 1.0};
    constexpr int kSteps = sizeof(rise) / sizeof(rise[0]);
    const double in_unit = unit_ == 1 ? options_.weight_kg / 0.45359237 : unit_ == 2 ? options_.weight_kg / 6.35029318
                                                                                     : options_.weight_kg;
    const auto tenths = static_cast<std::uint16_t>(std::lround(in_unit * 10 * rise[n]));
    const bool stable = n == kSteps - 1;
    host().notify(kFrames, stream(tenths >> 8, tenths & 0xFF, 0, 0, stable ? 0xCA : 0xCE));
    if (!stable) {
      host().after(std::chrono::milliseconds(150), [this, n] { weigh(n + 1); });
      return;
    }
    host().after(std::chrono::milliseconds(200), [this] { host().notify(kFrames, stream(0xFD, 0x00, 0, 0, 0xCB)); });
    host().after(std::chrono::milliseconds(700), [this] {
      const auto ohm = static_cast<std::uint16_t>(std::lround(options_.impedance_ohm));
      host().notify(kFrames, stream(0xFD, 0x01, ohm >> 8, ohm & 0xFF, 0xCB));
    });
  }
  std::uint8_t unit_ = 0;
  bool measuring_ = false;
};

}  // namespace

namespace mgb {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<MgbSimulator>(o); }
}  // namespace mgb

}  // namespace declouder
