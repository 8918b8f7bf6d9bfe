// Bluetooth SIG Weight Scale and Body Composition profiles, for ANY scale that
// uses them, whatever its name (openScale only uses them as a base class for a
// few Beurer/Sanitas models; an unknown standard scale is not claimed there).
//
// Weight Measurement 0x2A9D (indicated):
//   byte 0      flags: bit0 imperial (lb / inch), bit1 timestamp present,
//               bit2 user id present, bit3 BMI and height present
//   u16le       weight: 0.005 kg or 0.01 lb; 0xFFFF = "measurement unsuccessful"
//   [7 bytes]   timestamp: year u16le (0 = unknown), month, day, hour, minute, second
//   [u8]        user id (0xFF = unknown user)
//   [u16le x2]  BMI x0.1, height 0.001 m or 0.1 inch
//
// Body Composition Measurement 0x2A9C (indicated):
//   u16le       flags: bit0 imperial, bit1 timestamp, bit2 user id, bit3 basal
//               metabolism, bit4 muscle %, bit5 muscle mass, bit6 fat-free mass,
//               bit7 soft lean mass, bit8 body water mass, bit9 impedance,
//               bit10 weight, bit11 height, bit12 multiple-packet measurement
//   u16le       body fat % x0.1 (mandatory; 0xFFFF = unsuccessful)
//   then, when flagged and in this order: timestamp (7), user id (u8), BMR u16le
//   in kJ, muscle % x0.1, muscle mass, fat-free mass, soft lean mass, body water
//   mass (each u16le, 0.005 kg or 0.01 lb), impedance u16le x0.1 ohm, weight
//   (mass units), height (0.001 m or 0.1 inch).
//
// A multi-packet measurement splits these fields over two indications, each with
// its own flags; each packet decodes on its own and is flagged "multi_packet" so
// the pipeline merges it with its partner.
//
// Battery Level 0x2A19 (Battery Service 0x180F, read): one byte, 0-100 %; anything above
// 100 is not a level.
//
// User Data Service 0x181C: User Control Point 0x2A9F takes 01 <consent u16le>
// (register new user) and 02 <index> <consent u16le> (consent, needed in every
// session before data flows) and answers 20 <request op> <result> [index].
// Current Time 0x2A2B: year u16le, month, day, h, m, s, day of week, fractions256,
// adjust reason.
//
// Placeholders are left out, never reported as values: a BMI or height of 0, a zero
// muscle %, mass or water in a body-composition frame, and a whole body-composition frame
// whose body fat is 0 (the Beurer BF788 sends 35 such stubs, `9803 0000 <bmr> 0000...`, with
// its backfilled history; ble-scale-sync beurer-bf720.ts and its test, from the capture in
// ble-scale-sync issue #229).
//
// Vendor resolutions (struct Resolution): the Renpho ES-WBE28 ("Renpho-Scale", services
// 0x181B/0x181D without QN's 0xFFE0/0xFFF0) counts masses in 0.05 kg / 0.1 lb steps and
// reports its app's consent slot 0xAA as the user: 4E 6A07 EA07 07 04 0C 1A 06 AA 0000 0000 is
// 94.9 kg on 2026-07-04 12:26:06 (ble-scale-sync renpho.ts and its test, a capture of the
// physical scale).
//
// Sources: Bluetooth GATT Specification Supplement (Weight Measurement, Body
// Composition Measurement, Battery Level, User Control Point, Current Time), as implemented in
// openScale StandardWeightProfileHandler.kt, and the flag constants of eisaev/blevalueparser. The 0xFFFF "unsuccessful" value is in
// the SIG supplement; openScale does not check it.
#include "devices/bluetooth_sig_scale/protocol.hpp"

#include <array>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"

namespace declouder {

namespace sig_scale {
namespace {

constexpr double kKjPerKcal = 4.1868;

// Reads the fields in order; any read past the end marks the value truncated.
struct FieldReader {
  ByteView b;
  std::size_t pos = 0;
  bool truncated = false;

  std::uint16_t u16() {
    auto v = u16le_at(b, pos);
    if (!v) {
      truncated = true;
      return 0;
    }
    pos += 2;
    return *v;
  }
  std::uint8_t u8() {
    auto v = u8_at(b, pos);
    if (!v) {
      truncated = true;
      return 0;
    }
    pos += 1;
    return *v;
  }
  std::optional<DeviceClock> timestamp() {
    const std::uint16_t year = u16();
    const std::uint8_t mo = u8(), d = u8(), h = u8(), mi = u8(), s = u8();
    if (truncated || year == 0) return std::nullopt;  // year 0: the device does not know the date
    return decode_util::wall_clock(year, mo, d, h, mi, s);
  }
};

double mass(std::uint16_t raw, bool imperial, const Resolution& res) {
  return imperial ? raw * res.lb_step : raw * res.kg_step;
}
double mass_kg(std::uint16_t raw, bool imperial, const Resolution& res) {
  return imperial ? to_kg(raw * res.lb_step, WeightUnit::lb) : raw * res.kg_step;
}
bool names_someone(std::uint8_t user, const Resolution& res) {
  return user != 0xFF && static_cast<int>(user) != res.placeholder_user;
}
double height_cm(std::uint16_t raw, bool imperial) { return imperial ? raw * 0.1 * 2.54 : raw * 0.1; }

}  // namespace

Resolution resolution_for_name(std::string_view device_name) {
  return decode_util::contains_ci(device_name, "renpho") ? kRenphoResolution : kSigResolution;
}

DecodeOutcome decode_weight_measurement(ByteView value, const char* model, const Resolution& res) {
  if (value.size() < 3) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Weight Measurement needs at least 3 bytes");
  FieldReader f{value};
  const std::uint8_t flags = f.u8();
  const bool imperial = flags & 0x01;
  const std::uint16_t raw_weight = f.u16();
  if (raw_weight == 0xFFFF) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight 0xFFFF: measurement unsuccessful");

  Reading r;
  r.model = model;
  r.stabilized = true;  // the profile indicates finished measurements only
  decode_util::set_weight(r, mass(raw_weight, imperial, res), imperial ? WeightUnit::lb : WeightUnit::kg);
  if (flags & 0x02) r.device_time = f.timestamp();
  if (flags & 0x04) {
    const std::uint8_t user = f.u8();
    if (!f.truncated && names_someone(user, res)) r.user_slot = user;
  }
  if (flags & 0x08) {
    const std::uint16_t bmi = f.u16();
    const std::uint16_t height = f.u16();
    if (!f.truncated) {
      if (bmi != 0) r.add_device_metric("bmi", bmi * 0.1);  // 0: the scale does not know the person
      if (height != 0) r.add_device_metric("height_cm", height_cm(height, imperial));
    }
  }
  if (f.truncated)
    return DecodeOutcome::reject(DecodeStatus::wrong_length, "Weight Measurement shorter than its flags announce");
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_battery_level(ByteView value, const char* model) {
  if (value.size() != 1) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Battery Level is 1 byte");
  if (value[0] > 100) return DecodeOutcome::reject(DecodeStatus::invalid_value, "battery level above 100 %");
  Reading r;
  r.model = model;
  r.battery_percent = value[0];
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_standard_characteristic(const GattValue& v, const char* model) {
  if (!v.characteristic.is16()) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a standard characteristic");
  switch (v.characteristic.short16()) {
    case kWeightMeasurement: return decode_weight_measurement(v.value, model, resolution_for_name(v.device_name));
    case kBodyCompositionMeasurement: return decode_body_composition(v.value, model, resolution_for_name(v.device_name));
    case kBatteryLevel: return decode_battery_level(v.value, model);
  }
  return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a standard scale characteristic");
}

DecodeOutcome decode_body_composition(ByteView value, const char* model, const Resolution& res) {
  if (value.size() < 4)
    return DecodeOutcome::reject(DecodeStatus::wrong_length, "Body Composition Measurement needs at least 4 bytes");
  FieldReader f{value};
  const std::uint16_t flags = f.u16();
  const bool imperial = flags & 0x0001;
  const bool multi_packet = flags & 0x1000;
  const std::uint16_t fat = f.u16();
  if (fat == 0xFFFF && !multi_packet)
    return DecodeOutcome::reject(DecodeStatus::invalid_value, "body fat 0xFFFF: measurement unsuccessful");
  if (fat == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "body fat 0: a placeholder frame, no measurement");

  Reading r;
  r.model = model;
  r.stabilized = true;
  r.unit = imperial ? WeightUnit::lb : WeightUnit::kg;
  if (multi_packet) r.add_device_metric("multi_packet", 1);
  if (fat != 0xFFFF) r.add_device_metric("fat_percent", fat * 0.1);
  if (flags & 0x0002) r.device_time = f.timestamp();
  if (flags & 0x0004) {
    const std::uint8_t user = f.u8();
    if (!f.truncated && names_someone(user, res)) r.user_slot = user;
  }
  // A zero (or the SIG's 0xFFFF) in a field the flags announce is the scale's "no value".
  auto field = [&](const char* metric, double scale, bool is_mass) {
    const std::uint16_t raw = f.u16();
    if (raw == 0 || raw == 0xFFFF || f.truncated) return;
    r.add_device_metric(metric, is_mass ? mass_kg(raw, imperial, res) : raw * scale);
  };
  if (flags & 0x0008) field("bmr_kcal", 1 / kKjPerKcal, false);
  if (flags & 0x0010) field("muscle_percent", 0.1, false);
  if (flags & 0x0020) field("muscle_kg", 0, true);
  if (flags & 0x0040) field("lean_body_mass_kg", 0, true);
  if (flags & 0x0080) field("soft_lean_mass_kg", 0, true);
  std::optional<double> water_kg;
  if (flags & 0x0100) {
    const std::uint16_t raw = f.u16();
    if (raw != 0 && raw != 0xFFFF) water_kg = mass_kg(raw, imperial, res);
  }
  if (flags & 0x0200) {
    const double ohm = f.u16() * 0.1;
    if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  }
  if (flags & 0x0400) {
    const std::uint16_t w = f.u16();
    if (w != 0xFFFF && w != 0) decode_util::set_weight(r, mass(w, imperial, res), r.unit);
  }
  std::optional<double> height;
  if (flags & 0x0800) {
    const std::uint16_t raw = f.u16();
    if (raw != 0 && raw != 0xFFFF) height = height_cm(raw, imperial);
  }
  if (f.truncated)
    return DecodeOutcome::reject(DecodeStatus::wrong_length, "Body Composition Measurement shorter than its flags announce");
  if (water_kg) {
    if (r.weight_kg && *r.weight_kg > 0)
      r.add_device_metric("water_percent", *water_kg / *r.weight_kg * 100.0);
    else
      r.add_device_metric("water_kg", *water_kg);
  }
  if (height) r.add_device_metric("height_cm", *height);  // last: the first to go if all 13 fields come at once
  return DecodeOutcome::success(r);
}

Bytes build_register_user(std::uint16_t consent_code) {
  Bytes out;
  put_u8(out, 0x01);
  put_u16le(out, consent_code);
  return out;
}

Bytes build_consent(std::uint8_t user_index, std::uint16_t consent_code) {
  Bytes out;
  put_u8(out, 0x02);
  put_u8(out, user_index);
  put_u16le(out, consent_code);
  return out;
}

Bytes build_current_time(const CivilTime& t) {
  Bytes out;
  put_u16le(out, static_cast<std::uint16_t>(t.year));
  for (int v : {t.month, t.day, t.hour, t.minute, t.second}) put_u8(out, static_cast<std::uint8_t>(v));
  // 1970-01-01 was a Thursday (4); the SIG counts Monday = 1 ... Sunday = 7.
  const std::int64_t days = days_from_civil(t.year, t.month, t.day);
  const int dow = static_cast<int>(((days % 7) + 7 + 3) % 7) + 1;
  put_u8(out, static_cast<std::uint8_t>(dow));
  put_u8(out, 0);  // fractions256
  put_u8(out, 0);  // adjust reason
  return out;
}

std::optional<UserControlResponse> parse_user_control_response(ByteView value) {
  if (value.size() < 3 || value[0] != 0x20) return std::nullopt;
  UserControlResponse r;
  r.request_opcode = value[1];
  r.result = value[2];
  if (r.request_opcode == 0x01 && r.success() && value.size() >= 4) r.user_index = value[3];
  return r;
}

bool is_beurer_sanitas_standard_name(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kModels = {
      "bf105", "bf450", "bf500", "bf600", "bf720", "bf850", "bf915", "bf950", "sbf72", "sbf73", "sbf76", "sbf77"};
  for (auto m : kModels)
    if (decode_util::contains_ci(name, m)) return true;
  return false;
}

// Any device that advertises the standard services, unless a more specific
// device owns it (a Mi scale's passive service data, a Beurer/Sanitas name).
bool claims(const Advertisement& adv) {
  const bool standard = adv.advertises_service(sig_scale::kWeightScaleService) ||
                        adv.advertises_service(sig_scale::kBodyCompositionService) ||
                        adv.advertises_service(sig_scale::kUserDataService);
  if (!standard) return false;
  if (adv.service_data_for(0x181D) || adv.service_data_for(0x181B)) return false;  // Xiaomi passive frames
  return !sig_scale::is_beurer_sanitas_standard_name(adv.name);
}

DecodeOutcome decode_gatt(const GattValue& v) {
  return sig_scale::decode_standard_characteristic(v, kModel);
}

}  // namespace sig_scale

}  // namespace declouder
