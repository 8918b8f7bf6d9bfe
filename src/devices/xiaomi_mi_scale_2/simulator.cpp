// Simulator: Xiaomi Mi Body Composition Scale 2 (XMTZC05HM, advertises as "MIBFS").
//
// Advertisement-only. Service data for UUID 0x181B, 13 bytes (protocol.cpp has the layout and sources):
//   0      ctrl0: 0x02 = timestamp present (kg; 0x01 would be pounds, 0x04 "small object")
//   1      ctrl1: 0x04 weight present, +0x20 stabilized, +0x02 impedance present, +0x80 load removed
//   2-3    year u16 LE, 4..8 month, day, hour, minute, second (the scale's wall clock)
//   9-10   impedance u16 LE in ohms; FD FF before the feet make contact
//   11-12  weight u16 LE, kg x 200
// One weighing, as a real scale goes through it, every frame advertised several times:
//   climbing (0x04, four rising weights) -> stabilized (0x24) -> impedance measured (0x26)
//   -> load removed (0xA6) -> a pause, then the next weighing.
#include <cmath>

#include "core/time.hpp"
#include "devices/xiaomi_mi_scale_2/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

class MiScale2Simulator : public AdvertisingOnlyDevice {
 public:
  using AdvertisingOnlyDevice::AdvertisingOnlyDevice;
  std::string_view kind() const override { return "mi-scale-2"; }
  MacAddress address() const override {
    return options_.address.value_or(*MacAddress::parse("C8:47:8C:5A:00:02"));
  }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "MIBFS" : options_.name;
    a.service_data.emplace_back(Uuid::from16(0x181B), frame_);
    return a;
  }

 protected:
  void start() override { weigh(0); }

 private:
  Bytes frame(std::uint8_t ctrl1, double kg, std::optional<double> impedance) {
    Bytes f;
    put_u8(f, 0x02);
    put_u8(f, ctrl1);
    CivilTime t = civil_from_unix(stamp_);
    put_u16le(f, static_cast<std::uint16_t>(t.year));
    for (int v : {t.month, t.day, t.hour, t.minute, t.second}) put_u8(f, static_cast<std::uint8_t>(v));
    put_u16le(f, impedance ? static_cast<std::uint16_t>(std::lround(*impedance)) : 0xFFFD);
    put_u16le(f, static_cast<std::uint16_t>(std::lround(kg * 200)));
    return f;
  }

  // Step `n` of one weighing; each step advertises its frame three times, 150 ms apart.
  void weigh(int n) {
    const double w = options_.weight_kg;
    const double z = options_.impedance_ohm;
    struct Phase {
      std::uint8_t ctrl1;
      double kg;
      bool impedance;
      int repeats;
    };
    const Phase phases[] = {
        {0x04, w * 0.35, false, 2}, {0x04, w * 0.7, false, 2}, {0x04, w * 0.93, false, 2},
        {0x04, w * 1.004, false, 2}, {0x24, w, false, 4},      {0x26, w, true, 6},
        {0xA6, w, true, 6},
    };
    constexpr int kPhases = sizeof(phases) / sizeof(phases[0]);
    if (n >= kPhases) {
      // Idle between weighings (the real scale sleeps; here the next person steps on).
      host().after(std::chrono::milliseconds(1500), [this] { weigh(0); });
      return;
    }
    // The scale's clock is read once per weighing: every frame of it carries the same time,
    // which is how the impedance frame completes the weighing instead of starting another.
    if (n == 0) stamp_ = host().unix_now();
    const Phase& p = phases[n];
    frame_ = frame(p.ctrl1, p.kg, p.impedance ? std::optional<double>(z) : std::nullopt);
    repeat(n, p.repeats);
  }

  void repeat(int n, int left) {
    host().advert_changed();
    if (left > 1)
      host().after(std::chrono::milliseconds(150), [this, n, left] { repeat(n, left - 1); });
    else
      host().after(std::chrono::milliseconds(150), [this, n] { weigh(n + 1); });
  }

  Bytes frame_ = Bytes(13, 0);
  std::int64_t stamp_ = 0;
};

}  // namespace

// The factory the descriptor uses (descriptor.cpp).
namespace mi_scale_2 {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<MiScale2Simulator>(o); }
}  // namespace mi_scale_2

}  // namespace declouder
