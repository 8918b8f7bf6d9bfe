// Picooc Mini (and the other connect-and-ask Picooc models: names "PICOOC-<model>",
// e.g. PICOOC-CQ, PICOOC-C1, PICOOC-PQ, or "Latin-…"): weight, impedance, the
// scale's Unix clock, over GATT.
//
// Advertisement: name "PICOOC-…", service 0xFFF0, and manufacturer data with
// company id 10 whose 6 bytes are the MAC in printed order (D0 49 00 3F A1 5C
// = D0:49:00:3F:A1:5C).
//
// Conversation (service 0xFFF0; the scale indicates on 0xFFF1, the app writes
// without response to 0xFFF2):
//   request   F1 09 3A <unix seconds u32 BE> A5 00   (prefix F1, length 9, opcode 3A)
//   response  39 0D <unix u32 BE> <weight u16 BE, kg x20> <rest>
//     lynx.st: 39 0D 65 F7 4B A5 06 56 15 04 86 FC 00
//             = 2024-03-17T19:59:33Z, 0x0656 / 20 = 81.1 kg
//   ack       F1 03 <opcode>
//
// The rest of the response, per openScale's PicoocHandler.kt:
// bytes 8-9 impedance u16 BE /10 ohm, 10-11 pounds ((u16 BE & 0x7FFF) /10),
// 12 display unit (0 kg, 1 jin, 2 lb); longer frames add 13-14 phase angle and
// 15 a flag (0 = settled). The lynx.st capture confirms the layout: 0x86FC & 0x7FFF = 1788
// -> 178.8 lb = 81.1 kg. We decode the impedance (0x1504 / 10 = 538 ohm) only
// when that pounds cross-check agrees with the weight; otherwise the rest stays
// raw (the pipeline stores every frame's raw bytes). A 13-byte response is the
// answer to our request, i.e. the final measurement, so it counts as stabilized.
// Opcode 0x52 (A1-prefix models) has the same layout; 0x3C is heart rate
// (3C 05 <bpm u16 BE> <status 1 measuring, 2 final>) and must be acked; only a final one
// with a bpm in 30..230 is a heart rate.
//
// 0x32 is the scale's own body composition, which models with an on-board BIA engine send
// after the final live frame (it too wants an ack), all big-endian:
//   32 <length, >= 20> <weight u16 /20 kg> <fat u16 /10 %> <water u16 /10 %> <2 bytes ?>
//      <bone u16 /20 kg> <2 bytes ?> <visceral fat u8> <metabolic age u8> <2 bytes ?>
//      <impedance u16, ohm>
// (openScale PicoocHandler.kt parseComposition, from the public analysis of the decompiled
// Picooc app it cites; no capture of one is public). The scale's figures are kept as device
// metrics; a zero field is one the scale did not compute, not a zero, and is left out.
//
// Sources: lynx.st, "De-clouding Bluetooth smart scales" (the request,
// the response, the advertisement with the MAC in company 10, service 0xFFF0 with
// 0xFFF1 indicate and 0xFFF2 write-without-response); openScale issues #401/#544
// and PicoocHandler.kt.
#include <cmath>

#include "devices/picooc_mini/protocol.hpp"
#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"

namespace declouder {

namespace picooc {

namespace {
constexpr const char* kModel = "picooc-mini";
constexpr double kKgPerLb = 0.45359237;
}  // namespace

Bytes build_request(std::uint32_t unix_seconds) {
  Bytes out = {0xF1, 0x09, 0x3A};
  put_u32be(out, unix_seconds);
  out.push_back(0xA5);
  out.push_back(0x00);
  return out;
}

Bytes build_ack(std::uint8_t opcode) { return {0xF1, 0x03, opcode}; }

namespace {
// The 0x32 frame (see the top of this file); `f` is cut to its length byte.
DecodeOutcome decode_composition(ByteView f) {
  if (f.size() < 20) return DecodeOutcome::reject(DecodeStatus::wrong_length, "a Picooc 0x32 frame has 20 bytes");
  const std::uint16_t raw_weight = be16(&f[2]);
  if (raw_weight == 0 || raw_weight == 0xFFFF) return DecodeOutcome::reject(DecodeStatus::invalid_value, "no weight in the frame");
  Reading r;
  r.model = kModel;
  r.weight_kg = raw_weight / 20.0;
  r.stabilized = true;  // the scale computes its composition from the final weight
  const double fat = be16(&f[4]) / 10.0, water = be16(&f[6]) / 10.0, bone = be16(&f[10]) / 20.0;
  if (fat >= 3 && fat <= 75) r.add_device_metric("fat_percent", fat);
  if (water > 0 && water <= 80) r.add_device_metric("water_percent", water);
  if (bone > 0 && bone <= 10) r.add_device_metric("bone_kg", bone);
  if (f[14] > 0 && f[14] <= 60) r.add_device_metric("visceral_fat", f[14]);
  if (f[15] >= 10 && f[15] <= 99) r.add_device_metric("metabolic_age", f[15]);
  const double ohm = be16(&f[18]);
  if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  return DecodeOutcome::success(r);
}
}  // namespace

DecodeOutcome parse_response(ByteView b) {
  if (b.size() < 2) return DecodeOutcome::reject(DecodeStatus::wrong_length, "a Picooc frame has at least 2 bytes");
  const std::uint8_t opcode = b[0];
  const std::size_t length = b[1];
  if (opcode != 0x39 && opcode != 0x52 && opcode != 0x3C && opcode != 0x32) {
    if (opcode == 0x3A || opcode == 0x3B || opcode == 0x35 || opcode == 0x36 || opcode == 0x37 ||
        opcode == 0x51)
      return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "a Picooc frame without a weight (handshake, battery, history)");
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a Picooc response opcode");
  }
  if (length > b.size()) return DecodeOutcome::reject(DecodeStatus::wrong_length, "frame shorter than its length byte");
  ByteView f = b.first(length);

  Reading r;
  r.model = kModel;
  if (opcode == 0x3C) {
    if (f.size() < 5) return DecodeOutcome::reject(DecodeStatus::wrong_length, "heart-rate frame needs 5 bytes");
    // Status 1 is "still measuring": its bpm field is 0 or a running value, not a heart
    // rate (openScale PicoocHandler.kt: 1 measuring, 2 final). It still has to be acked.
    if (f[4] != 2) return DecodeOutcome::reject(DecodeStatus::not_stabilized, "heart rate still measuring (status 1)");
    const std::uint16_t bpm = be16(&f[2]);
    if (bpm < 30 || bpm > 230) return DecodeOutcome::reject(DecodeStatus::invalid_value, "heart rate outside 30..230 bpm");
    r.heart_rate_bpm = bpm;
    r.stabilized = true;
    return DecodeOutcome::success(r);
  }
  if (opcode == 0x32) return decode_composition(f);
  if (f.size() < 8) return DecodeOutcome::reject(DecodeStatus::wrong_length, "measurement frame needs at least 8 bytes");
  const std::uint16_t raw_weight = be16(&f[6]);
  if (raw_weight == 0 || raw_weight == 0xFFFF) return DecodeOutcome::reject(DecodeStatus::invalid_value, "no weight in the frame");
  r.weight_kg = raw_weight / 20.0;
  r.device_time = decode_util::unix_clock(be32(&f[2]));
  r.stabilized = f.size() < 16 || f[15] == 0;

  if (f.size() >= 12) {
    const double pounds = (be16(&f[10]) & 0x7FFF) / 10.0;
    const bool layout_confirmed = std::fabs(pounds * kKgPerLb - *r.weight_kg) < 0.1;
    if (layout_confirmed) {
      const double ohm = be16(&f[8]) / 10.0;
      if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
      if (f.size() >= 13) {
        if (f[12] == 1) r.unit = WeightUnit::jin;
        if (f[12] == 2) r.unit = WeightUnit::lb;
      }
    }
  }
  return DecodeOutcome::success(r);
}

std::optional<MacAddress> mac_from_advert(const Advertisement& adv) {
  const Bytes* data = adv.manufacturer_data_for(kMacCompanyId);
  if (!data || data->size() < 6) return std::nullopt;
  return MacAddress::from_be(data->data());
}

bool is_mini_lite_name(std::string_view name) { return decode_util::equals_ci(name, "PICOOC-L"); }

bool is_mini_name(std::string_view name) {
  return (decode_util::starts_with_ci(name, "PICOOC-") || decode_util::starts_with_ci(name, "Latin-")) &&
         !is_mini_lite_name(name);
}

bool claims(const Advertisement& adv) { return picooc::is_mini_name(adv.name); }

DecodeOutcome decode_gatt(const GattValue& v) {
  if (!v.characteristic.is16() || v.characteristic.short16() != picooc::kNotifyCharacteristic)
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not the Picooc 0xFFF1 characteristic");
  return picooc::parse_response(v.value);
}

}  // namespace picooc

}  // namespace declouder
