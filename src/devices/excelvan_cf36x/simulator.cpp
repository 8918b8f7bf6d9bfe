// Simulator: Excelvan CF369BLE ("Electronic Scale"; openScale ExcelvanCF36xHandler.kt, whose
// frames descriptor.cpp has).
//
// Advertisement: name "Electronic Scale", service UUID 0xFFF0. GATT service 0xFFF0: 0xFFF1
// write (the person), 0xFFF4 notify (the result).
//   FE <user> <sex> <activity> <height> <age> <unit> <xor> -> the person steps on, and after the
//   measurement one 16-byte result in that unit:
//   CF <user> 00 00 <weight u16 BE x10> <fat u16 BE x10 %> <bone x10 kg> <muscle u16 BE x10 %>
//   <visceral fat> <water u16 BE x10 %> <BMR u16 BE kcal>
// The real scale's body-composition formulas are not public: the fields come from
// simulated_body.hpp's plain estimate for the person sent. Without the person it does not weigh.
#include <algorithm>
#include <cmath>

#include "devices/excelvan_cf36x/protocol.hpp"
#include "devices/simulated_body.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

const Uuid kService = Uuid::from16(excelvan::kService);
const Uuid kPerson = Uuid::from16(excelvan::kWriteCharacteristic);
const Uuid kResult = Uuid::from16(excelvan::kNotifyCharacteristic);

struct Profile {
  std::uint8_t user = 1;
  bool male = true;
  int height_cm = 170, age = 30;
  std::uint8_t unit = 1;  // 1 kg, 2 lb, 4 st
};

class ExcelvanSimulator : public SimulatedDevice {
 public:
  using SimulatedDevice::SimulatedDevice;
  std::string_view kind() const override { return "excelvan-cf36x"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("C4:BE:84:5A:16:04")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "Electronic Scale" : options_.name;
    a.service_uuids = {kService};
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{kService, {{kPerson, kWrite | kWriteWithoutResponse, {}}, {kResult, kNotify, {}}}}};
  }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kPerson || v.size() != 8 || v[0] != 0xFE || xor8(ByteView(v).subspan(1, 6)) != v[7]) return;
    Profile p{v[1], v[2] == 1, v[4], v[5], v[6]};
    host().after(std::chrono::milliseconds(800), [this, p] { host().notify(kResult, result(p)); });
  }

 private:
  Bytes result(const Profile& p) const {
    const double kg = options_.weight_kg;
    const SimulatedBody body = simulated_body(kg, options_.impedance_ohm, p.height_cm, p.age, p.male);
    const double in_unit = p.unit == 2 ? kg / 0.45359237 : p.unit == 4 ? kg / 6.35029318 : kg;
    Bytes f{0xCF, p.user, 0x00, 0x00};
    put_u16be(f, static_cast<std::uint16_t>(std::lround(in_unit * 10)));
    put_u16be(f, static_cast<std::uint16_t>(std::lround(body.fat_percent * 10)));
    put_u8(f, static_cast<std::uint8_t>(std::lround(body.bone_kg * 10)));
    put_u16be(f, static_cast<std::uint16_t>(std::lround(body.muscle_percent * 10)));
    put_u8(f, static_cast<std::uint8_t>(std::clamp(body.fat_percent / 3, 1.0, 30.0)));  // visceral fat index
    put_u16be(f, static_cast<std::uint16_t>(std::lround(body.water_percent * 10)));
    put_u16be(f, static_cast<std::uint16_t>(std::lround(body.bmr_kcal)));
    return f;
  }
};

}  // namespace

namespace excelvan {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<ExcelvanSimulator>(o); }
}  // namespace excelvan

}  // namespace declouder
