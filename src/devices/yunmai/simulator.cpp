// Simulator: Yunmai Mini ("YUNMAI-ISM2-W"), from openScale YunmaiHandler.kt's frames
// (descriptor.cpp has them).
//
// Advertisement: name "YUNMAI-ISM2-W", service UUID 0xFFE0. GATT: service 0xFFE0 with 0xFFE4
// notify, service 0xFFE5 with 0xFFE9 write. Scale frames are 0D <protocol> <length> <type> ...
// <xor of bytes 1..n-2>; this firmware speaks protocol 0x1D, so its final frame has no fat %.
//   0D 12 10 … (set user)  -> remembered: the uid, the unit
//   0D 0D 11 … (set time)  -> the scale's clock
//   0D 05 13 00 16 (start) -> the person steps on: type 01 frames while measuring
//     (0D 1D 08 01 <weight u16 BE> 00 <xor>: only their type is documented), then the final
//     0D 1D 12 02 00 <unix u32 BE> <uid u32 BE> <weight u16 BE, 0.01 kg> <resistance u16 BE> <xor>
// Without a user set first it does not weigh (the app always sets one).
#include <cmath>

#include "devices/yunmai/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

const Uuid kNotifyService = Uuid::from16(yunmai::kNotifyService);
const Uuid kFrames = Uuid::from16(yunmai::kNotifyCharacteristic);
const Uuid kWriteService = Uuid::from16(yunmai::kWriteService);
const Uuid kRequests = Uuid::from16(yunmai::kWriteCharacteristic);
constexpr std::uint8_t kProtocol = 0x1D;

Bytes finish(Bytes f) {
  f.push_back(0);
  f.back() = yunmai::checksum(f);
  return f;
}

class YunmaiSimulator : public SimulatedDevice {
 public:
  using SimulatedDevice::SimulatedDevice;
  std::string_view kind() const override { return "yunmai"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("D8:E7:2B:5A:16:02")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "YUNMAI-ISM2-W" : options_.name;
    a.service_uuids = {kNotifyService};
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{kNotifyService, {{kFrames, kNotify, {}}}}, {kWriteService, {{kRequests, kWrite | kWriteWithoutResponse, {}}}}};
  }
  void on_connect() override {
    uid_.reset();
    measuring_ = false;
  }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kRequests || v.size() < 4 || v[0] != 0x0D || yunmai::checksum(v) != v.back()) return;
    if (v[2] == 0x10 && v.size() >= 8) uid_ = static_cast<std::uint16_t>((v[6] << 8) | v[7]);
    if (v[2] == 0x13 && uid_ && !measuring_) {
      measuring_ = true;
      host().after(std::chrono::milliseconds(300), [this] { measure(0); });
    }
  }

 private:
  void measure(int n) {
    const double rise[] = {0.5, 0.9, 0.99};
    const auto raw = [this](double share) { return static_cast<std::uint16_t>(std::lround(options_.weight_kg * 100 * share)); };
    if (n < 3) {
      Bytes f{0x0D, kProtocol, 0x08, 0x01};
      put_u16be(f, raw(rise[n]));
      put_u8(f, 0);
      host().notify(kFrames, finish(f));
      host().after(std::chrono::milliseconds(150), [this, n] { measure(n + 1); });
      return;
    }
    Bytes f{0x0D, kProtocol, 0x12, 0x02, 0x00};
    put_u32be(f, static_cast<std::uint32_t>(host().unix_now()));
    put_u32be(f, *uid_);
    put_u16be(f, raw(1.0));
    put_u16be(f, static_cast<std::uint16_t>(std::lround(options_.impedance_ohm)));
    host().notify(kFrames, finish(f));
  }
  std::optional<std::uint16_t> uid_;
  bool measuring_ = false;
};

}  // namespace

namespace yunmai {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<YunmaiSimulator>(o); }
}  // namespace yunmai

}  // namespace declouder
