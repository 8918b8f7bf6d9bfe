// Simulator: a Taylor 5331891 BIA scale (descriptor.cpp has the protocol and its sources).
//
// Advertisement: name "5331891 BIA Scale", service UUID 0xFFB0. GATT service 0xFFB0: 0xFFB1
// write (the app's AC 02 … CC commands, not answered), 0xFFB2 notify (the scale's frames).
// Nothing streams before the handshake's last command, FE 06 <unit> 00. Then, about four
// frames a second as on the captures: the idle frame (8C 00 00), the step-on ramp (all values
// distinct), the settled weight six times (live flag 00, as the scale mostly sends it) and
// finally a locked (80) frame. The weight is options.weight_kg in grams whatever the unit;
// the frame's tail is the captures' constant 02 00 00 01 00 … 24 D5 and a last byte whose rule
// is not published (here the sum of bytes 2..18).
#include <algorithm>
#include <cmath>

#include "devices/taylor_bia/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

using namespace taylor_bia;

const Uuid kServiceUuid = Uuid::from16(kService);
const Uuid kCommands = Uuid::from16(kCommandCharacteristic);
const Uuid kFrames = Uuid::from16(kFrameCharacteristic);

Bytes weight_frame(std::uint8_t flag, std::uint32_t grams) {
  grams = std::min<std::uint32_t>(grams, 0x1FFFF);  // 17 bits: the scale's whole range
  Bytes f{0xAC, 0x27, flag, static_cast<std::uint8_t>(kTaylorPrecision | (grams >> 16)), static_cast<std::uint8_t>(grams >> 8),
          static_cast<std::uint8_t>(grams), 0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x24, 0xD5};
  std::uint8_t sum = 0;
  for (std::size_t i = 2; i < f.size(); ++i) sum = static_cast<std::uint8_t>(sum + f[i]);
  f.push_back(sum);
  return f;
}

class TaylorSimulator : public SimulatedDevice {
 public:
  using SimulatedDevice::SimulatedDevice;
  std::string_view kind() const override { return kModel; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("A4:C1:38:5A:16:21")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "5331891 BIA Scale" : options_.name;
    a.service_uuids = {kServiceUuid};
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{kServiceUuid, {{kCommands, kWrite | kWriteWithoutResponse, {}}, {kFrames, kNotify, {}}}}};
  }
  void on_connect() override { streaming_ = false; }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kCommands || v.size() != 8 || v[0] != 0xAC || v[1] != 0x02 || v[6] != 0xCC) return;
    if (static_cast<std::uint8_t>(v[2] + v[3] + v[4] + v[5] + v[6]) != v[7]) return;
    if (v[2] == 0xFE && v[3] == 0x06 && !streaming_) {
      streaming_ = true;
      host().after(std::chrono::milliseconds(300), [this] { stream(0); });
    }
  }

 private:
  static constexpr double kRise[] = {0.0, 0.42, 0.81, 0.96, 0.993, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
  static constexpr int kSteps = sizeof(kRise) / sizeof(kRise[0]);
  void stream(int n) {
    const auto grams = static_cast<std::uint32_t>(std::lround(options_.weight_kg * 1000 * (n < kSteps ? kRise[n] : 1.0)));
    host().notify(kFrames, weight_frame(n < kSteps ? kFlagLive : kFlagLocked, grams));
    if (n < kSteps) host().after(std::chrono::milliseconds(250), [this, n] { stream(n + 1); });
  }
  bool streaming_ = false;
};

}  // namespace

namespace taylor_bia {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<TaylorSimulator>(o); }
}  // namespace taylor_bia

}  // namespace declouder
