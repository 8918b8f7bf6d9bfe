// Excelvan CF366 / CF369BLE ("Electronic Scale"): the scale does all the maths
// from the user profile the app writes, and sends one result frame.
//
// Service 0xFFF0: write 0xFFF1, notify 0xFFF4.
//
// App -> scale (8 bytes): FE <user id 01> <sex 1 m, 0 f> <activity 0/1/2>
//   <height cm> <age> <unit 1 kg, 2 lb, 4 st> <XOR of bytes 1..6>
// Scale -> app (16 or 17 bytes, starts CF):
//   4-5 weight u16 big-endian / 10 (in the configured unit)
//   6-7 body fat u16 BE / 10 %;  8 bone / 10 kg;  9-10 muscle u16 BE / 10 %
//   11 visceral fat index;  12-13 water u16 BE / 10 %;  14-15 BMR u16 BE kcal
// No timestamp; one final frame, then the scale disconnects.
//
// No public capture was found; the tests use frames built from this layout.
// Sources: openScale ExcelvanCF36xHandler.kt.
#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/excelvan_cf36x/protocol.hpp"

namespace declouder {

namespace excelvan {

Bytes build_user_config(const UserConfig& u) {
  const std::uint8_t unit = u.unit == WeightUnit::lb ? 2 : u.unit == WeightUnit::st ? 4 : 1;
  Bytes out = {0xFE,
               u.user_id,
               static_cast<std::uint8_t>(u.male ? 1 : 0),
               static_cast<std::uint8_t>(u.activity),
               static_cast<std::uint8_t>(u.height_cm),
               static_cast<std::uint8_t>(u.age),
               unit};
  out.push_back(xor8(ByteView(out).subspan(1)));
  return out;
}

DecodeOutcome decode_result(ByteView b, WeightUnit configured) {
  if (b.empty() || b[0] != 0xCF) return DecodeOutcome::reject(DecodeStatus::not_this_device, "Excelvan results start with CF");
  if (b.size() != 16 && b.size() != 17) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Excelvan results are 16 or 17 bytes");
  const std::uint16_t raw = be16(&b[4]);
  if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
  Reading r;
  r.model = "excelvan-cf36x";
  r.stabilized = true;
  decode_util::set_weight(r, raw / 10.0, configured);
  r.add_device_metric("fat_percent", be16(&b[6]) / 10.0);
  r.add_device_metric("bone_kg", b[8] / 10.0);
  r.add_device_metric("muscle_percent", be16(&b[9]) / 10.0);
  r.add_device_metric("visceral_fat", b[11]);
  r.add_device_metric("water_percent", be16(&b[12]) / 10.0);
  r.add_device_metric("bmr_kcal", be16(&b[14]));
  return DecodeOutcome::success(r);
}

}  // namespace excelvan

namespace {


bool claims(const Advertisement& adv) { return adv.name == "Electronic Scale"; }

DecodeOutcome decode_gatt(const GattValue& v) { return excelvan::decode_result(v.value); }

}  // namespace

extern const DeviceDescriptor kExcelvanCf36x = {
    .id = "excelvan-cf36x",
    .name = "Excelvan CF366/CF369BLE",
    .manufacturer = "Excelvan",
    .names = {"Electronic Scale"},
    .recognised_by = "name \"Electronic Scale\"; characteristic 0xFFF4, 16/17-byte CF result",
    .reports = {"weight_kg", "fat_percent", "bone_kg", "muscle_percent", "visceral_fat", "water_percent", "bmr_kcal"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {excelvan::kNotifyCharacteristic},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "the person (sex, height, age, unit) on FFF1, one CF result with the scale's body composition on FFF4",
        .build = excelvan::conversation,
        .needs_person = true,
    },
    .simulator = DeviceSimulator{
        .name = "excelvan-cf36x",
        .summary = "Excelvan CF369BLE (Electronic Scale): one result with body composition for the person sent",
        .create = excelvan::simulator,
    },
};

}  // namespace declouder
