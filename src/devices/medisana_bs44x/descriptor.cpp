// Medisana BS430 / BS440 / BS444 (Transtek OEM; numeric names "013197…",
// "013198…", "0202B6…" for BS440/444, "0203B…" for BS430): weight and the
// scale's own body composition, over GATT.
//
// Service 0x78B2: 0x8A21 weight (indicate), 0x8A22 body (indicate), 0x8A81
// command (write), 0x8A82 custom (indicate).
//
// App -> scale: 02 <timestamp u32 little-endian>, in the model's epoch
// (BS440/444: seconds since 2010-01-01; BS430: Unix seconds).
// Weight frame (0x8A21, 14+ bytes):
//   0 0x1D (bits 5-6 the display unit: 00 kg, 01 lb, 10 st); 1-2 weight u16 LE / 100 kg;
//   5-8 timestamp u32 LE (0: none); 13 user 1-8 (0xFF = none)
// Body frame (0x8A22, 16+ bytes):
//   0 0x6F; 1-4 timestamp u32 LE; 5 user; 6-7 kcal u16 LE; 8-9 fat, 10-11 water,
//   12-13 muscle (each (u16 LE & 0x0FFF) / 10 %), 14-15 bone ((u16 LE & 0x0FFF) / 10 kg)
// The two frames of one measurement share time and user; the pipeline merges them.
//
// The timestamp's epoch is told apart without a clock: a value below
// 1262304000 (2010-01-01 as Unix time) cannot be a BS430 Unix time after 2010,
// so it is read as seconds since 2010 (valid until 2050).
//
// The fixed first bytes (0x1D, 0x6F) are what keptenkurk/BS440 checks a frame's validity by.
// They keep other Transtek scales' frames on the same characteristics out: the Trisa Body
// Analyze 4.0 (names 01257B…/11257B…, service 0x7802) sends flags 0x01..0x07 and its weight as
// a base-10 float on 0x8A21 (openScale TrisaBodyAnalyzeHandler.kt), which read as this layout
// is right only when its exponent happens to be -2; a frame from a device named as a Trisa is
// refused whatever its first byte (trisa_body_analyze/ decodes it).
//
// No public capture was found; the tests use frames built from this layout and every frame of
// ble-scale-sync's tests/scales/medisana-bs44x.test.ts (constructed by its authors, not captured).
// Sources: openScale MedisanaBs44xHandler.kt, the openScale wiki "Medisana
// BS444" and keptenkurk/BS440 (Raspberry Pi).
#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/medisana_bs44x/protocol.hpp"

namespace declouder {

namespace medisana {

namespace {
constexpr const char* kModel = "medisana-bs44x";

std::optional<DeviceClock> clock_from(std::uint32_t raw) {
  if (raw == 0) return std::nullopt;  // the scale sent no time
  const std::int64_t unix_seconds = raw < kEpoch2010Unix ? raw + kEpoch2010Unix : raw;
  return decode_util::unix_clock(unix_seconds);
}
void set_user(Reading& r, std::uint8_t user) {
  if (user >= 1 && user <= 8) r.user_slot = user;
}
double masked(const std::uint8_t* p) { return (le16(p) & 0x0FFF) / 10.0; }
}  // namespace

Epoch epoch_for_name(std::string_view name) {
  return decode_util::starts_with_ci(name, "0203B") ? Epoch::unix1970 : Epoch::y2010;
}

Bytes build_time_command(std::int64_t unix_seconds, Epoch epoch) {
  Bytes out = {0x02};
  put_u32le(out, static_cast<std::uint32_t>(epoch == Epoch::y2010 ? unix_seconds - kEpoch2010Unix : unix_seconds));
  return out;
}

DecodeOutcome decode_weight(ByteView b) {
  if (b.size() < 14) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Medisana weight frames have 14 bytes or more");
  if ((b[0] & 0x9F) != kWeightFrameMarker)
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "a Medisana weight frame starts with 0x1D (unit in bits 5-6)");
  const std::uint16_t raw = le16(&b[1]);
  if (raw == 0 || raw == 0xFFFF) return DecodeOutcome::reject(DecodeStatus::invalid_value, "no weight in the frame");
  Reading r;
  r.model = kModel;
  r.stabilized = true;
  r.weight_kg = raw / 100.0;
  switch ((b[0] >> 5) & 0x03) {
    case 1: r.unit = WeightUnit::lb; break;
    case 2: r.unit = WeightUnit::st; break;
    default: r.unit = WeightUnit::kg;
  }
  r.device_time = clock_from(le32(&b[5]));
  set_user(r, b[13]);
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_body(ByteView b) {
  if (b.size() < 16) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Medisana body frames have 16 bytes or more");
  if (b[0] != kBodyFrameMarker) return DecodeOutcome::reject(DecodeStatus::not_this_device, "a Medisana body frame starts with 0x6F");
  Reading r;
  r.model = kModel;
  r.stabilized = true;
  r.device_time = clock_from(le32(&b[1]));
  set_user(r, b[5]);
  r.add_device_metric("bmr_kcal", le16(&b[6]));
  r.add_device_metric("fat_percent", masked(&b[8]));
  r.add_device_metric("water_percent", masked(&b[10]));
  r.add_device_metric("muscle_percent", masked(&b[12]));
  r.add_device_metric("bone_kg", masked(&b[14]));
  return DecodeOutcome::success(r);
}

}  // namespace medisana

namespace {


bool claims(const Advertisement& adv) {
  using decode_util::starts_with_ci;
  return adv.advertises_service(medisana::kService) || starts_with_ci(adv.name, "013197") ||
         starts_with_ci(adv.name, "013198") || starts_with_ci(adv.name, "0202B6") || starts_with_ci(adv.name, "0203B");
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (!v.characteristic.is16()) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a Medisana characteristic");
  // A Trisa's frame whose flags happen to read 0x1D (time, R2, user, status) is still a Trisa's.
  if (decode_util::starts_with_ci(v.device_name, "01257B") || decode_util::starts_with_ci(v.device_name, "11257B"))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "a Trisa Body Analyze (trisa-body-analyze)");
  // The Weight Gurus 0376 sends its body composition on 0x8A22 in this layout, bone as a percentage.
  if (decode_util::starts_with_ci(v.device_name, "10376B") || decode_util::starts_with_ci(v.device_name, "00376B"))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "a Weight Gurus 0376 (weight-gurus-a3)");
  switch (v.characteristic.short16()) {
    case medisana::kWeightCharacteristic: return medisana::decode_weight(v.value);
    case medisana::kBodyCharacteristic: return medisana::decode_body(v.value);
  }
  return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a Medisana characteristic");
}

}  // namespace

extern const DeviceDescriptor kMedisanaBs44x = {
    .id = "medisana-bs44x",
    .name = "Medisana BS430, BS440, BS444 (Transtek)",
    .manufacturer = "Medisana",
    .names = {"013197", "013198", "0202B6", "0203B"},
    .recognised_by = "service 0x78B2 or names 013197…, 013198…, 0202B6…, 0203B…; characteristics 0x8A21, 0x8A22",
    .reports = {"weight_kg", "user_slot", "device_time", "fat_percent", "water_percent", "muscle_percent", "bone_kg", "bmr_kcal"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {medisana::kWeightCharacteristic, medisana::kBodyCharacteristic},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "the time on 0x8A81, then each measurement as a weight (0x8A21) and a body (0x8A22) frame",
        .build = medisana::conversation,
    },
    .simulator = DeviceSimulator{
        .name = "medisana-bs444",
        .summary = "Medisana BS444 (0202B6…, 0x78B2): its measurement for user 1 once given the time",
        .create = medisana::simulator,
    },
};

}  // namespace declouder
