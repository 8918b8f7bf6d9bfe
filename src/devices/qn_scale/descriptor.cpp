// QN / Yolanda family (Renpho "QN-Scale"/"Renpho-Scale", FITINDEX ES-26M, Sencor,
// SEB "Goodvibes", GE "Fit Plus"): weight and two raw resistances over GATT.
//
// Layouts: type 1 = service 0xFFE0 (0xFFE1 notify, 0xFFE3 config write, 0xFFE4
// time write); type 2 = service 0xFFF0 (0xFFF1 notify, 0xFFF2 write). Frames:
//
//   [opcode][length = whole frame][protocol type][...][checksum = sum of all
//   previous bytes mod 256]
//
//   0x12 scale info: the short (11-byte) frame: byte 10 == 1 -> weight divisor 100,
//        else 10. The long frames of newer firmware (18 bytes: Renpho ES-26M, 20: GE CS 10
//        G) carry the MAC at 3-8 instead; their weights are hundredths (the ES-26M's
//        barefoot frame 10 0E FF 01 02 26 39 … is 97.85 kg, the GE's 10 0F FF FE 02 21 57 …
//        85.35 kg). Without a 0x12 the divisor is guessed: raw weights from 2500 up are
//        /100, smaller ones /10; a known divisor that gives 250 kg or more is the other one.
//   0x10 live weight, classic layout (10-11 bytes):
//        3-4 weight u16 big-endian / divisor, 5 stable (1), 6-7 R1 u16 BE, 8-9 R2 u16 BE
//   0x10 live weight, ES-30M layout (14-15 bytes, byte 4 a state <= 2): 3 the display
//        unit (01 kg; 0xFE filler on the GE), 4 state (2 stable; 1 also stable except on
//        protocol 0xFF), 5-6 weight BE, 7-8 R1, 9-10 R2. A Renpho Elis 1 at 60.0 kg:
//        10 0E FF 01 02 02 58 01 FD 01 FB 00 33 A7 (R1 509).
//   0x23 stored record, 19 bytes (23 13 …, Renpho): 6-9 time u32 LE (seconds since
//        2000-01-01), 10-11 weight u16 BE / 100 kg, 13-14 R1 u16 LE, 15-16 R2 u16 LE
//   0x23 stored record, 20 bytes (23 14 …, Etekcity ESF-24): 3 records in the batch (0 =
//        none stored), 4 this record's index, 5-8 time u32 LE, 9-10 weight u16 BE / 100
//        kg, 11-12 R1 u16 BE, 13-14 R2 u16 BE. Captured: 23 14 15 06 01 01 3D 5B 30 2B B6 00…FD
//        = 111.90 kg without BIA (etekcity_esf551_ble esf24/protocol.py and its test, from
//        btsnoop captures of the vendor app). Delivering a record deletes it on the scale.
//   0xB1/0xB4 result records of the extended firmware (GE CS 10 G, 20-byte 0x12), 44 bytes each,
//        sent after a completed body-composition weigh-in instead of a stable 0x10:
//        B1 2C 03 01: the weigh-in just made: 5-6 weight u16 LE / 100 kg; then a multi-frequency
//        sweep of segment impedances in raw units (not decoded: no source calibrates them)
//        B1 2C 03 02 / 03 03: further records of the same weigh-in (03 03 carries the BMI)
//        B4 2C 04 01: a stored record: 7-10 time u32 LE (seconds since 2000-01-01), 11-12
//        weight u16 LE / 100 kg. It is history, not the weigh-in: in the capture the first
//        connect's B4 is 67.10 kg from six days before, beside a B1 of 75.25 kg. It is kept as a
//        stored weighing with its own time (the store recognises one it already holds).
//        Real: three connects of a GE CS 10 G whose display read 75.20 kg, in ble-scale-sync
//        issue #235, pull requests #332/#334 and tests/scales/qn-scale.test.ts.
//
// Real frames: GE CS 10 G "Fit Plus" capture in openScale QNHandlerProtocolTest:
// 10 0F FF FE 02 21 57 10 FE 10 FC 00 AC 00 5C = stable 85.35 kg, R1 4350, R2 4348; the
// Renpho Elis 1 and ES-26M captures (including the ES-26M's 18-byte 0x12,
// 12 12 FF 0F AC 14 00 04 FF 0F 07 0A 00 00 05 9F 30 E9) in ble-scale-sync qn-scale.test.ts.
//
// R1/R2 are reported raw as device metrics (qn_r1, qn_r2): the vendor's own
// body-composition maths is not reverse-engineered (openScale feeds a guessed
// impedance into the Trisa formulas), so we do not call them an impedance.
//
// App -> scale: config 13 09 <proto> <unit> 10 00 00 00 <sum>; time 02 <u32 LE
// seconds since 2000-01-01>; weight ack 1F 05 <proto> 10 <sum>.
//
// Sources: openScale QNHandler.kt and QNHandlerProtocolTest (vendor SDK and a
// real capture); ble-scale-sync qn-scale.ts and its tests (captures of Renpho units).
#include "devices/qn_scale/protocol.hpp"

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"

namespace declouder {

namespace qn {

namespace {
constexpr const char* kModel = "qn-scale";

// Checks the frame's own length byte and sum checksum; on success `frame` is
// the frame without any trailing padding.
DecodeOutcome check_frame(ByteView b, ByteView& frame) {
  if (b.size() < 4) return DecodeOutcome::reject(DecodeStatus::wrong_length, "QN frames have at least 4 bytes");
  const std::size_t len = b[1];
  if (len < 4 || len > b.size()) return DecodeOutcome::reject(DecodeStatus::wrong_length, "QN length byte does not fit the frame");
  frame = b.first(len);
  if (sum8(frame.first(len - 1)) != frame[len - 1])
    return DecodeOutcome::reject(DecodeStatus::bad_checksum, "QN sum checksum differs from the last byte");
  return DecodeOutcome::success({});
}
}  // namespace

std::optional<ScaleInfo> parse_scale_info(ByteView b) {
  if (b.empty() || b[0] != 0x12) return std::nullopt;
  ByteView f;
  if (!check_frame(b, f).ok() || f.size() < 11) return std::nullopt;
  ScaleInfo info{f[2], std::nullopt};
  info.weight_divisor = f.size() >= 18 ? 100 : (f[10] == 1 ? 100 : 10);
  return info;
}

DecodeOutcome decode_live(ByteView b, std::optional<ScaleInfo> info) {
  if (b.empty() || b[0] != 0x10) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a QN 0x10 weight frame");
  ByteView f;
  if (DecodeOutcome c = check_frame(b, f); !c.ok()) return c;
  const std::uint8_t proto = f[2];
  // The frame's own length tells the layouts apart: the classic frame ends by byte 10.
  const bool es30m = f.size() >= 12 && f[4] <= 2;
  Reading r;
  r.model = kModel;
  std::uint16_t raw = 0, r1 = 0, r2 = 0;
  if (es30m) {
    raw = be16(&f[5]);
    r1 = be16(&f[7]);
    r2 = be16(&f[9]);
    r.stabilized = f[4] == 2 || (f[4] == 1 && proto != 0xFF);
  } else {
    if (f.size() < 11) return DecodeOutcome::reject(DecodeStatus::wrong_length, "classic QN weight frame needs 11 bytes");
    raw = be16(&f[3]);
    r.stabilized = f[5] == 1;
    r1 = be16(&f[6]);
    r2 = be16(&f[8]);
  }
  if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight (nobody on the scale)");
  int divisor = info && info->weight_divisor ? *info->weight_divisor : (raw >= 2500 ? 100 : 10);
  if (divisor == 10 && raw >= 2500) divisor = 100;  // 250 kg or more is no weighing
  r.weight_kg = static_cast<double>(raw) / divisor;
  if (r1) r.add_device_metric("qn_r1", r1);
  if (r2) r.add_device_metric("qn_r2", r2);
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_stored(ByteView b) {
  if (b.empty() || b[0] != 0x23) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a QN 0x23 stored record");
  ByteView f;
  if (DecodeOutcome c = check_frame(b, f); !c.ok()) return c;
  if (f.size() < 18) return DecodeOutcome::reject(DecodeStatus::wrong_length, "QN stored records need 18 bytes");
  Reading r;
  r.model = kModel;
  r.stabilized = true;
  std::uint16_t raw = 0, r1 = 0, r2 = 0;
  if (f.size() == 20) {  // Etekcity ESF-24: count and index before the time, resistances BE
    if (f[3] == 0) return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "the scale has no stored records (count 0)");
    raw = be16(&f[9]);
    r.device_time = decode_util::unix_clock(kEpochUnix + le32(&f[5]));
    r1 = be16(&f[11]);
    r2 = be16(&f[13]);
  } else {
    raw = be16(&f[10]);
    r.device_time = decode_util::unix_clock(kEpochUnix + le32(&f[6]));
    r1 = le16(&f[13]);
    r2 = le16(&f[15]);
  }
  if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
  r.weight_kg = raw / 100.0;
  if (r1) r.add_device_metric("qn_r1", r1);
  if (r2) r.add_device_metric("qn_r2", r2);
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_extended_result(ByteView b) {
  if (b.empty() || (b[0] != 0xB1 && b[0] != 0xB4))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a QN 0xB1/0xB4 result record");
  ByteView f;
  if (DecodeOutcome c = check_frame(b, f); !c.ok()) return c;
  if (f.size() != 44) return DecodeOutcome::reject(DecodeStatus::wrong_length, "QN result records are 44 bytes");
  Reading r;
  r.model = kModel;
  r.stabilized = true;
  std::uint16_t raw = 0;
  if (f[0] == 0xB1 && f[2] == 0x03 && f[3] == 0x01) {
    raw = le16(&f[5]);
  } else if (f[0] == 0xB4 && f[2] == 0x04 && f[3] == 0x01) {
    raw = le16(&f[11]);
    r.device_time = decode_util::unix_clock(kEpochUnix + le32(&f[7]));
  } else {
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "a QN result record without the weight (B1 03 02/03 03)");
  }
  if (raw == 0 || raw > 30000) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0-300 kg");
  r.weight_kg = raw / 100.0;
  return DecodeOutcome::success(r);
}

Bytes build_config(std::uint8_t protocol_type, WeightUnit unit) {
  Bytes out = {0x13, 0x09, protocol_type, static_cast<std::uint8_t>(unit == WeightUnit::lb ? 0x02 : 0x01), 0x10, 0, 0, 0};
  out.push_back(sum8(out));
  return out;
}

Bytes build_time(std::int64_t unix_seconds) {
  Bytes out = {0x02};
  put_u32le(out, static_cast<std::uint32_t>(unix_seconds - kEpochUnix));
  return out;
}

Bytes build_weight_ack(std::uint8_t protocol_type) {
  Bytes out = {0x1F, 0x05, protocol_type, 0x10};
  out.push_back(sum8(out));
  return out;
}

}  // namespace qn

namespace {


bool claims(const Advertisement& adv) {
  using decode_util::starts_with_ci;
  if (adv.advertises_service(qn::kNewFirmwareService)) return true;
  if (!adv.advertises_service(qn::kServiceType1) && !adv.advertises_service(qn::kServiceType2)) return false;
  return starts_with_ci(adv.name, "QN-Scale") || starts_with_ci(adv.name, "Renpho-Scale") ||
         starts_with_ci(adv.name, "SEB-Scale");
}

DecodeOutcome decode_gatt(const GattValue& v) {
  const ByteView b = v.value;
  if (b.empty()) return DecodeOutcome::reject(DecodeStatus::wrong_length, "empty value");
  switch (b[0]) {
    case 0x10: return qn::decode_live(b);
    case 0x23: return qn::decode_stored(b);
    case 0xB1:
    case 0xB4: return qn::decode_extended_result(b);
    case 0x12:
    case 0x14:
    case 0x21: {
      ByteView f;
      if (DecodeOutcome c = qn::check_frame(b, f); !c.ok()) return c;
      return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "QN session frame without a weight (scale info, time request)");
    }
  }
  return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a QN opcode");
}

}  // namespace

extern const DeviceDescriptor kQnScale = {
    .id = "qn-scale",
    .name = "QN/Yolanda scales: Renpho QN-Scale, FITINDEX ES-26M, Sencor, SEB Goodvibes, GE Fit Plus",
    .manufacturer = kVariousMakers,
    .names = {"QN-Scale", "Renpho-Scale", "SEB-Scale"},
    .recognised_by = "service 0xFFE0 or 0xFFF0 and name QN-Scale/Renpho-Scale/SEB-Scale, or service 0xAE00; "
                     "characteristics 0xFFE1, 0xFFF1; sum checksum",
    .reports = {"weight_kg", "device_time", "qn_r1", "qn_r2"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {qn::kNotifyType1, qn::kNotifyType2},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "waits for the 0x12 scale info, sends the unit and the clock (13, 02, 20), 0x10 frames until "
                   "stable, acknowledged (1F)",
        .build = qn::conversation,
    },
    .simulator = DeviceSimulator{
        .name = "qn-scale",
        .summary = "Renpho QN-Scale (FFF0): scale info, ready, then 0x10 weight frames with two resistances",
        .create = qn::simulator,
    },
};

}  // namespace declouder
