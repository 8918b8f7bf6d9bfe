// ICOMON / Lefu "FFB0" 20-byte frames: Crenot Gofit S2 (ICOMON FG2210LB, also
// sold as Runstar FG2210), other FG22xx, Runstar R6, Robi S9. Weight (and, on
// models that run BIA, impedance and heart rate) over GATT.
//
// Service 0xFFB0: 0xFFB1 write, 0xFFB2 notify (live), 0xFFB3 indicate (results).
// Every frame is 20 bytes:
//
//   byte 0      sequence number
//   byte 1      1 + payload length
//   byte 2      0x00
//   byte 3      type
//   bytes 4..   payload, zero padded
//   byte 19     checksum = sum(bytes 3..18) & 0x1F
//
// Types from the scale:
//   A2 live (FFB2):   4 state (Crenot: 0x02 = stable; R6 uses 0x01 measuring,
//                     0x02 settling, 0x04 locked), 6-8 weight u24 big-endian (see below)
//   A3 result (FFB3): 4 flag (not a status: any value), 5-7 weight u24 BE grams, 8 heart rate
//                     bpm, 9-10 impedance u16 BE ohm (zero when no BIA ran)
//   A4 history:       4-7 Unix time u32 BE, 9-11 weight u24 BE grams (ack with B0)
//   A0 ack, A1 device info: no reading
// The app acknowledges with type B0, payload <seq> 00.
// Every weight is ICOMON's packed weight word: grams in its low 18 bits, the display precision
// in the bits above (the Insmart scale's native library, disassembled in openScale issue #593:
// weight = value & 0x3FFFF). The Crenot's and the Robi's top byte is 00 or 01; the Runstar R5's
// is 0x68 or 0x69, which openScale's RunstarR5Handler.kt removes as a "base" of 0x680000. Read
// whole, an R5 weighing of 81.1 kg came out as 6896.84 kg.
//
// We call an A2 frame stabilized only when its state is 0x02 (the Crenot's
// "stable" in sroemer's write-up below); the A3 result is the final value in any case.
//
// Vectors: Robi S9 captures in openScale RobiS9HandlerTest (from ble-scale-sync):
// A3 030800a300012dc2000000000000000000000013 = 77.25 kg;
// A2 1d0700a20400012c000000000000000000000013 = 76.8 kg (state 04);
// B0 hello 000300b000000000000000000000000000000010.
//
// Sources: sroemer, "Reverse engineering a BLE body fat scale protocol" (2024), and
// sroemer/scale-communication (FFB2 weight at bytes 6-8, byte 4 == 2 stable; FFB3
// type A3 weight at 5-7; no handshake needed); openScale MGBHandler.kt,
// RobiS9Handler.kt, RunstarR6Handler.kt. The Dr. Trust SSW532 / FG2211 variant on the same
// service (byte 1 = 0x18/0x23 frames longer than a payload can be here, segmental impedances)
// is its own family, drtrust_ssw532/: its names are not claimed here and its frames are refused.
#include "devices/icomon/protocol.hpp"

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/ffb0_families.hpp"

namespace declouder {

namespace icomon {

namespace {
constexpr const char* kModel = "icomon-ffb0";
constexpr std::uint32_t kGramsMask = 0x3FFFF;  // the packed weight's grams (see above)
}

std::uint8_t checksum(ByteView f) {
  unsigned s = 0;
  for (std::size_t i = 3; i < 19 && i < f.size(); ++i) s += f[i];
  return static_cast<std::uint8_t>(s & 0x1F);
}

Bytes build_frame(std::uint8_t seq, std::uint8_t type, ByteView payload) {
  const std::size_t n = payload.size() < 15 ? payload.size() : 15;
  Bytes out(kFrameSize, 0);
  out[0] = seq;
  out[1] = static_cast<std::uint8_t>(1 + n);
  out[2] = 0x00;
  out[3] = type;
  for (std::size_t i = 0; i < n; ++i) out[4 + i] = payload[i];
  out[19] = checksum(out);
  return out;
}

Bytes build_ack(std::uint8_t seq, std::uint8_t acked_seq) {
  const std::uint8_t payload[] = {acked_seq, 0x00};
  return build_frame(seq, kTypeAppAck, payload);
}

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() != kFrameSize) return DecodeOutcome::reject(DecodeStatus::wrong_length, "ICOMON frames are 20 bytes");
  if (b[2] != 0x00) return DecodeOutcome::reject(DecodeStatus::not_this_device, "byte 2 of an ICOMON frame is 0x00");
  // 1 + a payload that fits bytes 4..18: at most 0x10. The SSW532's 0x18/0x23 frames are longer.
  if (b[1] > 0x10)
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "byte 1 above 0x10: a Dr. Trust SSW532 frame, not ICOMON's");
  const std::uint8_t type = b[3];
  if ((type & 0xF0) != 0xA0 && (type & 0xF0) != 0xB0)
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not an ICOMON frame type (A0..AF)");
  if (checksum(b) != b[19]) return DecodeOutcome::reject(DecodeStatus::bad_checksum, "sum of bytes 3..18 & 0x1F differs from byte 19");

  Reading r;
  r.model = kModel;
  std::uint32_t grams = 0;
  switch (type) {
    case kTypeLive:
      grams = *u24be_at(b, 6) & kGramsMask;
      r.stabilized = b[4] == 0x02;
      break;
    case kTypeResult: {
      // Byte 4 is a flag whose values are not documented (00 on the Crenot and the Robi S9,
      // other values on Fitdays FG2202WB units); neither openScale RobiS9Handler.kt nor
      // ble-scale-sync robi-s9.ts checks it, and a result with a plausible weight is kept.
      grams = *u24be_at(b, 5) & kGramsMask;
      r.stabilized = true;
      if (b[8] >= 30 && b[8] <= 230) r.heart_rate_bpm = b[8];
      const double ohm = be16(&b[9]);
      if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
      break;
    }
    case kTypeHistory:
      grams = *u24be_at(b, 9) & kGramsMask;
      r.stabilized = true;
      r.device_time = decode_util::unix_clock(be32(&b[4]));
      break;
    default:
      return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "an ICOMON frame without a weight (ack, device info)");
  }
  if (grams == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight (nobody on the scale)");
  r.weight_kg = grams / 1000.0;
  return DecodeOutcome::success(r);
}

bool has_icomon_name(std::string_view name) {
  using decode_util::starts_with_ci;
  if (has_own_ffb0_protocol(name)) return false;  // FG2211 and SSW… (drtrust_ssw532/), Taylor, Hoffen
  return starts_with_ci(name, "Crenot") || starts_with_ci(name, "FG22") || starts_with_ci(name, "Runstar") ||
         decode_util::contains_ci(name, "robi");
}

// By name; a device that only advertises 0xFFB0 under an unknown name could
// speak this or the legacy MGB protocol, so both families claim it (the frames
// themselves tell them apart: 20 bytes with a 5-bit checksum vs 8 bytes AC 02).
bool claims(const Advertisement& adv) {
  if (has_own_ffb0_protocol(adv.name)) return false;
  if (has_icomon_name(adv.name)) return true;
  if (!adv.advertises_service(icomon::kService)) return false;
  using decode_util::starts_with_ci;
  const bool mgb_name = starts_with_ci(adv.name, "swan") || decode_util::contains_ci(adv.name, "icomon") ||
                        starts_with_ci(adv.name, "yg");
  return !mgb_name;
}

DecodeOutcome decode_gatt(const GattValue& v) { return icomon::decode_frame(v.value); }

}  // namespace icomon

}  // namespace declouder
