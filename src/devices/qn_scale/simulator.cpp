// Simulator: a Renpho "QN-Scale" of the type 2 layout (openScale QNHandler.kt, ble-scale-sync
// qn-scale.ts; descriptor.cpp has the frames).
//
// Advertisement: name "QN-Scale", service UUID 0xFFF0. GATT service 0xFFF0: 0xFFF1 notify
// (the scale's frames), 0xFFF2 write (the app's). Every frame is
// [opcode][length][protocol][...][sum of all previous bytes]; this scale's protocol byte is 0x07.
//   once FFF1 is subscribed: 12 0F 07 … the scale info, byte 10 = 1 (weights in 0.01 kg)
//   13 09 … (the unit)           -> 14 0B 07 … ready
//   20 08 … (the ready's answer) -> the person steps on: classic 0x10 frames
//     10 0B 07 <weight u16 BE> <stable 0/1> <R1 u16 BE> <R2 u16 BE> <sum>, rising, settling,
//     then stable with the two resistances (zero while settling)
//   1F 05 … (the acknowledgement): nothing more
// A connection that never answers the ready gets no weighing, as on the real scale.
#include <cmath>

#include "devices/qn_scale/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

const Uuid kService = Uuid::from16(qn::kServiceType2);
const Uuid kFrames = Uuid::from16(qn::kNotifyType2);
const Uuid kRequests = Uuid::from16(qn::kWriteType2);
constexpr std::uint8_t kProtocol = 0x07;

Bytes qn_frame(std::uint8_t opcode, const Bytes& body) {
  Bytes f{opcode, static_cast<std::uint8_t>(body.size() + 4), kProtocol};
  f.insert(f.end(), body.begin(), body.end());
  f.push_back(sum8(f));
  return f;
}

class QnScaleSimulator : public SimulatedDevice {
 public:
  using SimulatedDevice::SimulatedDevice;
  std::string_view kind() const override { return "qn-scale"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("FF:04:00:5A:16:01")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "QN-Scale" : options_.name;
    a.service_uuids = {kService};
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{kService, {{kFrames, kNotify, {}}, {kRequests, kWrite | kWriteWithoutResponse, {}}}}};
  }
  void on_connect() override { measuring_ = false; }
  void on_subscribe(const Uuid& c) override {
    if (c != kFrames) return;
    host().after(std::chrono::milliseconds(80), [this] {
      host().notify(kFrames, qn_frame(0x12, {0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0}));  // byte 10 = 1
    });
  }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kRequests || v.empty()) return;
    if (v[0] == 0x13)
      host().after(std::chrono::milliseconds(40), [this] { host().notify(kFrames, qn_frame(0x14, {0x01, 0, 0x01, 0, 0, 0, 0})); });
    if (v[0] == 0x20 && !measuring_) {
      measuring_ = true;
      host().after(std::chrono::milliseconds(300), [this] { live(0); });
    }
  }

 private:
  void live(int n) {
    const double rise[] = {0.4, 0.8, 0.97, 1.0, 1.0};
    constexpr int kSteps = sizeof(rise) / sizeof(rise[0]);
    const bool stable = n == kSteps - 1;
    const auto r1 = static_cast<std::uint16_t>(stable ? std::lround(options_.impedance_ohm) : 0);
    Bytes body;
    put_u16be(body, static_cast<std::uint16_t>(std::lround(options_.weight_kg * 100 * rise[n])));
    put_u8(body, stable ? 1 : 0);
    put_u16be(body, r1);
    put_u16be(body, static_cast<std::uint16_t>(stable ? r1 - 2 : 0));
    host().notify(kFrames, qn_frame(0x10, body));
    if (!stable) host().after(std::chrono::milliseconds(150), [this, n] { live(n + 1); });
  }
  bool measuring_ = false;
};

}  // namespace

namespace qn {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<QnScaleSimulator>(o); }
}  // namespace qn

}  // namespace declouder
