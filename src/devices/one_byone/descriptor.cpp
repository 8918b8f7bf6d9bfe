// 1byone classic "Health Scale" and Eufy Smart Scale C1/P1/A1 ("eufy T9146",
// "eufy T9147", "eufy T9120"): weight and impedance over GATT.
//
// Service 0xFFF0: notify 0xFFF4, write 0xFFF1.
//
// CF frame (scale -> app):
//   byte 0      0xCF
//   bytes 1-2   impedance u16 little-endian x0.1 ohm (0 = no BIA, e.g. socks)
//   bytes 3-4   weight u16 LE / 100 kg
//   byte 9      state: 0x00 or 0x36 = locked (final); anything else still settling
//   live frame, 11 bytes: byte 10 = XOR of bytes 0..9. The final frame is often
//               sent twice and two may arrive coalesced in one 20-byte value
//               (byte 11 = CF again); the first copy is decoded.
//   history frame, 18+ bytes (byte 11 is not CF): byte 10 is data, 11-12 year
//               u16 big-endian, 13 month, 14 day, 15-17 hour, minute, second.
//
// App -> scale: mode FD 37 <unit> <group> 00 x6 <xor>; clock F1 <year u16 BE> <mo>
// <d> <h> <mi> <s> (acked F1 00); history F2 00, then F2 01 to clear.
//
// Vectors (openScale OneByoneHandlerTest, session logs of a real 1byone):
// CF 50 0F B0 27 10 13 51 00 00 55 = 101.60 kg, 392.0 ohm;
// CF 00 00 28 28 00 00 00 01 00 CE = 102.80 kg without impedance;
// CF 60 0E 9C 27 04 02 F0 00 00 11 07 EA 08 0C 09 0B 2B = history 2026-08-12 09:11:43.
//
// Sources: openScale OneByoneHandler.kt and its test.
// (Summaries of it say "byte 9 == 1 means no impedance"; its test frames show
// byte 8 = 01 with and without impedance, so an impedance of 0 is what we use.)
#include "devices/one_byone/protocol.hpp"

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"

namespace declouder {

namespace one_byone {

Bytes build_mode(WeightUnit unit, std::uint8_t group) {
  const std::uint8_t code = unit == WeightUnit::lb ? 1 : unit == WeightUnit::st ? 2 : 0;
  Bytes out = {0xFD, 0x37, code, group, 0, 0, 0, 0, 0, 0};
  out.push_back(xor8(out));
  return out;
}

Bytes build_clock(const CivilTime& t) {
  Bytes out = {0xF1};
  put_u16be(out, static_cast<std::uint16_t>(t.year));
  for (int v : {t.month, t.day, t.hour, t.minute, t.second}) put_u8(out, static_cast<std::uint8_t>(v));
  return out;
}

Bytes build_history_request() { return {0xF2, 0x00}; }
Bytes build_history_clear() { return {0xF2, 0x01}; }

DecodeOutcome decode_frame(ByteView b) {
  if (b.empty() || b[0] != 0xCF) return DecodeOutcome::reject(DecodeStatus::not_this_device, "1byone frames start with CF");
  if (b.size() < 11) return DecodeOutcome::reject(DecodeStatus::wrong_length, "1byone CF frames have at least 11 bytes");
  const bool history = b.size() >= 18 && b[11] != 0xCF;
  Reading r;
  r.model = "1byone";
  if (history) {
    r.device_time = decode_util::wall_clock(be16(&b[11]), b[13], b[14], b[15], b[16], b[17]);
    if (!r.device_time) return DecodeOutcome::reject(DecodeStatus::invalid_value, "history frame with an impossible date");
    r.stabilized = true;
  } else {
    if (xor8(b.first(10)) != b[10]) return DecodeOutcome::reject(DecodeStatus::bad_checksum, "XOR of bytes 0..9 differs from byte 10");
    r.stabilized = b[9] == 0x00 || b[9] == 0x36;
  }
  const std::uint16_t raw = le16(&b[3]);
  if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight (nobody on the scale)");
  r.weight_kg = raw / 100.0;
  const double ohm = le16(&b[1]) * 0.1;
  if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  return DecodeOutcome::success(r);
}

}  // namespace one_byone

namespace {


bool claims(const Advertisement& adv) {
  using decode_util::equals_ci;
  return equals_ci(adv.name, "Health Scale") || equals_ci(adv.name, "eufy T9146") || equals_ci(adv.name, "eufy T9147") ||
         equals_ci(adv.name, "eufy T9120");
}

DecodeOutcome decode_gatt(const GattValue& v) { return one_byone::decode_frame(v.value); }

}  // namespace

extern const DeviceDescriptor kOneByone = {
    .id = "1byone",
    .name = "1byone Health Scale and Eufy Smart Scale C1/P1/A1 (T9146, T9147, T9120)",
    .manufacturer = "1byone, Eufy",
    .names = {"Health Scale", "eufy T9146", "eufy T9147", "eufy T9120"},
    .recognised_by = "names \"Health Scale\", \"eufy T9146/T9147/T9120\"; characteristic 0xFFF4, CF frames with XOR checksum",
    .reports = {"weight_kg", "impedance_ohm", "device_time"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {one_byone::kNotifyCharacteristic},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "the unit and the clock on FFF1, the stored weighings (F2 00, cleared with F2 01), then live CF "
                   "frames on FFF4 until locked",
        .build = one_byone::conversation,
    },
    .simulator = DeviceSimulator{
        .name = "1byone",
        .summary = "1byone Health Scale (FFF0): one stored weighing from the day before, then live CF frames",
        .create = one_byone::simulator,
    },
};

}  // namespace declouder
