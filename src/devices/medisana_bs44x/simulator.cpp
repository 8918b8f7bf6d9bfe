// Simulator: Medisana BS444 (Transtek; openScale MedisanaBs44xHandler.kt, keptenkurk/BS440,
// the openScale wiki "Medisana BS444"; descriptor.cpp has the frames).
//
// Advertisement: name "0202B6A1F001" (the BS440/444 names start 0202B6), service UUID 0x78B2.
// GATT service 0x78B2: 0x8A21 weight (indicate), 0x8A22 body (indicate), 0x8A81 command
// (write), 0x8A82 custom (indicate).
//   02 <timestamp u32 LE, seconds since 2010-01-01> (the time) -> the scale's last
//   measurement, for user 1: the weight frame
//     1D <weight u16 LE, 0.01 kg> 00 00 <time u32 LE> 00 00 00 00 <user>
//   and the body frame of the same time and user
//     6F <time u32 LE> <user> <kcal u16 LE> <fat> <water> <muscle> <bone>, each u16 LE with the
//     value x10 in its low 12 bits and 0xF in the top nibble (the decoders mask it).
// The scale's own formulas are not public: the body frame carries simulated_body.hpp's plain
// estimate for a 175 cm, 30-year-old man (the user set up on the scale).
#include <cmath>

#include "devices/medisana_bs44x/protocol.hpp"
#include "devices/simulated_body.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

const Uuid kService = Uuid::from16(medisana::kService);
const Uuid kWeight = Uuid::from16(medisana::kWeightCharacteristic);
const Uuid kBody = Uuid::from16(medisana::kBodyCharacteristic);
const Uuid kCommand = Uuid::from16(medisana::kCommandCharacteristic);
const Uuid kCustom = Uuid::from16(medisana::kCustomCharacteristic);
constexpr std::uint8_t kUser = 1;

void put_tenths(Bytes& f, double v) { put_u16le(f, static_cast<std::uint16_t>(0xF000 | (std::lround(v * 10) & 0x0FFF))); }

class MedisanaSimulator : public SimulatedDevice {
 public:
  using SimulatedDevice::SimulatedDevice;
  std::string_view kind() const override { return "medisana-bs444"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("00:1C:05:5A:16:05")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "0202B6A1F001" : options_.name;
    a.service_uuids = {kService};
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{kService,
             {{kWeight, kIndicate, {}}, {kBody, kIndicate, {}}, {kCommand, kWrite, {}}, {kCustom, kIndicate, {}}}}};
  }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kCommand || v.size() != 5 || v[0] != 0x02) return;
    const std::uint32_t time = le32(&v[1]);
    host().after(std::chrono::milliseconds(200), [this, time] { host().notify(kWeight, weight_frame(time)); });
    host().after(std::chrono::milliseconds(400), [this, time] { host().notify(kBody, body_frame(time)); });
  }

 private:
  Bytes weight_frame(std::uint32_t time) const {
    Bytes f{medisana::kWeightFrameMarker};
    put_u16le(f, static_cast<std::uint16_t>(std::lround(options_.weight_kg * 100)));
    put_u16le(f, 0);
    put_u32le(f, time);
    put_u32le(f, 0);
    put_u8(f, kUser);
    return f;
  }
  Bytes body_frame(std::uint32_t time) const {
    const SimulatedBody body = simulated_body(options_.weight_kg, options_.impedance_ohm, 175, 30, true);
    Bytes f{medisana::kBodyFrameMarker};
    put_u32le(f, time);
    put_u8(f, kUser);
    put_u16le(f, static_cast<std::uint16_t>(std::lround(body.bmr_kcal)));
    put_tenths(f, body.fat_percent);
    put_tenths(f, body.water_percent);
    put_tenths(f, body.muscle_percent);
    put_tenths(f, body.bone_kg);
    return f;
  }
};

}  // namespace

namespace medisana {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<MedisanaSimulator>(o); }
}  // namespace medisana

}  // namespace declouder
