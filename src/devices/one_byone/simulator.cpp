// Simulator: 1byone "Health Scale" (openScale OneByoneHandler.kt and its test's session logs;
// descriptor.cpp has the frames).
//
// Advertisement: name "Health Scale", service UUID 0xFFF0. GATT service 0xFFF0: 0xFFF4 notify
// (CF frames, acknowledgements), 0xFFF1 write (the app's commands).
//   FD 37 <unit> … (the unit)     -> remembered (the frames stay in kg)
//   F1 <year> … (the clock)       -> F1 00
//   F2 00 (the history request)   -> one 18-byte CF frame per stored weighing, then F2 00
//   F2 01 (clear the history)     -> the stored weighings are gone
//   after the history: the person steps on: live 11-byte frames
//     CF <impedance u16 LE x0.1 ohm> <weight u16 LE, 0.01 kg> 00 00 00 00 <state> <xor of 0..9>,
//     state 01 while settling (no impedance yet), 00 when locked, with the impedance.
// The scale keeps one weighing from the day before (0.6 kg lighter, at 07:30 on its clock)
// until an app clears it, as a scale stepped on while no phone was near does.
#include <cmath>

#include "devices/one_byone/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

const Uuid kService = Uuid::from16(one_byone::kService);
const Uuid kFrames = Uuid::from16(one_byone::kNotifyCharacteristic);
const Uuid kCommands = Uuid::from16(one_byone::kWriteCharacteristic);

class OneByoneSimulator : public SimulatedDevice {
 public:
  using SimulatedDevice::SimulatedDevice;
  std::string_view kind() const override { return "1byone"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("C0:26:DA:5A:16:03")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "Health Scale" : options_.name;
    a.service_uuids = {kService};
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{kService, {{kFrames, kNotify, {}}, {kCommands, kWrite | kWriteWithoutResponse, {}}}}};
  }
  void on_connect() override { measuring_ = false; }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kCommands || v.size() < 2) return;
    if (v[0] == 0xF1 && v.size() >= 8) {
      clock_ = {(v[1] << 8) | v[2], v[3], v[4], v[5], v[6], v[7]};
      host().after(std::chrono::milliseconds(30), [this] { host().notify(kFrames, {0xF1, 0x00}); });
    }
    if (v[0] == 0xF2 && v[1] == 0x00) host().after(std::chrono::milliseconds(30), [this] { send_history(); });
    if (v[0] == 0xF2 && v[1] == 0x01) stored_ = false;
  }

 private:
  Bytes cf(double kg, double ohm, std::uint8_t state) const {
    Bytes f{0xCF};
    put_u16le(f, static_cast<std::uint16_t>(std::lround(ohm * 10)));
    put_u16le(f, static_cast<std::uint16_t>(std::lround(kg * 100)));
    for (int i = 0; i < 4; ++i) put_u8(f, 0);
    put_u8(f, state);
    return f;
  }
  void send_history() {
    if (stored_) {
      Bytes f = cf(options_.weight_kg - 0.6, options_.impedance_ohm + 4, 0x00);
      put_u8(f, 0x00);
      // The day before on the scale's clock (set by the app; 2026-01-01 when it never was).
      const std::int64_t days = days_from_civil(clock_.year, clock_.month, clock_.day) - 1;
      const CivilTime y = civil_from_unix(days * 86400);
      put_u16be(f, static_cast<std::uint16_t>(y.year));
      for (int b : {y.month, y.day, 7, 30, 0}) put_u8(f, static_cast<std::uint8_t>(b));
      host().notify(kFrames, f);
    }
    host().after(std::chrono::milliseconds(30), [this] {
      host().notify(kFrames, {0xF2, 0x00});
      if (!measuring_) {
        measuring_ = true;
        host().after(std::chrono::milliseconds(300), [this] { live(0); });
      }
    });
  }
  void live(int n) {
    const double rise[] = {0.5, 0.9, 0.99, 1.0};
    const bool locked = n == 3;
    Bytes f = cf(options_.weight_kg * rise[n], locked ? options_.impedance_ohm : 0, locked ? 0x00 : 0x01);
    f.push_back(xor8(f));
    host().notify(kFrames, f);
    if (!locked) host().after(std::chrono::milliseconds(150), [this, n] { live(n + 1); });
  }
  CivilTime clock_{2026, 1, 2, 8, 0, 0};
  bool stored_ = true;
  bool measuring_ = false;
};

}  // namespace

namespace one_byone {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<OneByoneSimulator>(o); }
}  // namespace one_byone

}  // namespace declouder
