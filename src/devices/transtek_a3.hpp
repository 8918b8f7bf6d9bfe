// What Transtek's "A3" scales share, written once for the families that speak it: the Trisa Body
// Analyze 4.0 (trisa_body_analyze/) and the Weight Gurus 0376 (weight_gurus_a3/). Each family's
// descriptor.cpp has its own protocol in its opening comment; this is the common part:
//
//   0x8A81 commands (app -> scale, write), 0x8A82 events (scale -> app, indicate);
//   events  A0 <password, 4 bytes> (pairing mode), A1 <challenge, 4 bytes>;
//   commands 02 <seconds since 2010-01-01 on the scale's clock, u32 LE>,
//            20 <challenge XOR password>, 21 <account ("broadcast") id, 4 bytes>, 22 (the scale
//            may end the connection);
//   the weight frame: flags, then the weight as a 32-bit FLOAT, then per flag bit 0 a time
//   (u32 LE, seconds since 2010), bit 1 a 32-bit FLOAT (Trisa "R1", Weight Gurus "weight
//   difference", unused by both), bit 2 the resistance (32-bit FLOAT, ohm), bit 3 a user number
//   (u8), bit 4 a status (u8: bit 0 stable; bits 1-3 the impedance measurement, 0 idle,
//   1 processing, 2 shoes, 3 barefoot, 4 finished, 5 error; bit 4 a body-composition frame
//   follows); flag bits 5-6 are the display unit (00 kg, 01 lb, 10 st, 11 kg) and take no bytes.
//
// The 32-bit FLOAT is IEEE 11073-20601's: a 24-bit mantissa (little-endian) and a signed
// base-10 exponent byte; these scales only send positive values, and every peer reads the
// mantissa unsigned. The 16-bit SFLOAT is the same standard's: a 12-bit two's-complement mantissa
// and a 4-bit two's-complement exponent; mantissas 0x7FF, 0x800, 0x7FE, 0x802 and 0x801 with
// exponent 0 are its NaN, NRes, +INF, -INF and reserved codes, never a measurement.
//
// Sources: openScale TrisaBodyAnalyzeHandler.kt, WeightGurusA3Handler.kt and its test
// WeightGurusA3HandlerTest.kt, the Weight Gurus protocol write-up of openScale pull request #1467
// (docs/misc/weight_gurus_a3_protocol.md at commit 7f2d4368), maksverver/trisa-body-analyze
// NOTES.txt. Re-implemented from these facts; no code copied.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "core/bytes.hpp"
#include "core/reading.hpp"

namespace declouder::transtek {

constexpr std::uint16_t kCommandCharacteristic = 0x8A81;  // write: app -> scale
constexpr std::uint16_t kEventCharacteristic = 0x8A82;    // indicate: scale -> app

constexpr std::uint8_t kEventPassword = 0xA0;
constexpr std::uint8_t kEventChallenge = 0xA1;

constexpr std::uint8_t kCommandTime = 0x02;
constexpr std::uint8_t kCommandVerification = 0x20;
constexpr std::uint8_t kCommandAccountId = 0x21;
constexpr std::uint8_t kCommandDisconnect = 0x22;

constexpr std::int64_t kEpoch2010Unix = 1262304000;  // 2010-01-01 00:00:00 UTC
constexpr int kImpedanceFinished = 4;                 // status bits 1-3

// 10^e, from a table for the exponents these scales send (std::pow costs more than the rest of
// a frame's decoding).
inline double pow10(int e) {
  static constexpr double kTable[] = {1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0,
                                      1e1,   1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10};
  return e >= -10 && e <= 10 ? kTable[e + 10] : std::pow(10.0, e);
}

// The 32-bit FLOAT at p (4 bytes).
inline double float32(const std::uint8_t* p) {
  const std::uint32_t mantissa = p[0] | (p[1] << 8) | (p[2] << 16);
  const int exponent = static_cast<std::int8_t>(p[3]);
  return exponent < 0 ? mantissa / pow10(-exponent) : mantissa * pow10(exponent);
}

// `value` as a 32-bit FLOAT with `exponent` (-2: hundredths).
inline void put_float32(Bytes& out, double value, int exponent) {
  const long long m = std::llround(value / std::pow(10.0, exponent));
  const auto mantissa = static_cast<std::uint32_t>(std::clamp(m, 0LL, 0xFFFFFFLL));
  out.push_back(mantissa & 0xFF);
  out.push_back((mantissa >> 8) & 0xFF);
  out.push_back((mantissa >> 16) & 0xFF);
  out.push_back(static_cast<std::uint8_t>(static_cast<std::int8_t>(exponent)));
}

// The 16-bit SFLOAT at p (2 bytes, little-endian), as arithmetic (0x0800 is -2048).
inline double sfloat16(const std::uint8_t* p) {
  const int raw = p[0] | (p[1] << 8);
  int exponent = raw >> 12;
  if (exponent >= 8) exponent -= 16;
  int mantissa = raw & 0x0FFF;
  if (mantissa >= 0x0800) mantissa -= 0x1000;
  return exponent < 0 ? mantissa / pow10(-exponent) : mantissa * pow10(exponent);
}

// One of the SFLOAT's special codes (NaN, NRes, +-INF, reserved): no value.
inline bool sfloat16_special(const std::uint8_t* p) {
  const int raw = p[0] | (p[1] << 8);
  const int mantissa = raw & 0x0FFF;
  return (raw >> 12) == 0 && mantissa >= 0x07FE && mantissa <= 0x0802;
}

// `value` as an SFLOAT with `exponent` (-1: tenths), the mantissa clamped to what 12 signed bits
// hold (a 204.8 cm height at exponent -3 would turn negative).
inline std::uint16_t sfloat16_bits(double value, int exponent) {
  const long long m = std::clamp(std::llround(value / std::pow(10.0, exponent)), -2046LL, 2045LL);
  return static_cast<std::uint16_t>(((exponent & 0x0F) << 12) | (static_cast<int>(m) & 0x0FFF));
}

// 20 <challenge XOR password>, byte by byte (4 bytes; a missing byte counts as 0).
inline Bytes verification(ByteView challenge, ByteView password) {
  Bytes out{kCommandVerification};
  for (std::size_t i = 0; i < 4; ++i)
    out.push_back(static_cast<std::uint8_t>((i < challenge.size() ? challenge[i] : 0) ^
                                            (i < password.size() ? password[i] : 0)));
  return out;
}

// 02 <seconds since 2010-01-01>; `clock_seconds` counts the scale's clock as Unix seconds do
// (UTC for a scale that keeps UTC, the local wall clock for one that keeps local time).
inline Bytes time_command(std::int64_t clock_seconds) {
  Bytes out{kCommandTime};
  put_u32le(out, static_cast<std::uint32_t>(clock_seconds - kEpoch2010Unix));
  return out;
}

// The fields of a weight frame, as sent.
struct WeightFrame {
  double kg = 0;
  WeightUnit unit = WeightUnit::kg;  // what the scale displays (the weight is kg whatever it shows)
  std::optional<std::uint32_t> time;  // seconds since 2010 on the scale's clock
  std::optional<double> resistance;   // ohm; 0 without a body's
  std::optional<std::uint8_t> user;
  std::optional<std::uint8_t> status;

  bool stable() const { return !status || (*status & 0x01); }  // no status: a finished weighing
  bool impedance_finished() const { return !status || ((*status >> 1) & 0x07) == kImpedanceFinished; }
  bool composition_follows() const { return status && (*status & 0x10); }
};

// Why a frame is not a weight frame: its length (nullptr when it parsed).
inline const char* weight_frame_problem(ByteView b) {
  if (b.size() < 5) return "a Transtek weight frame has 5 bytes or more";
  std::size_t need = 5;
  const std::uint8_t flags = b[0];
  for (auto [bit, size] : {std::pair{0x01, 4}, {0x02, 4}, {0x04, 4}, {0x08, 1}, {0x10, 1}})
    if (flags & bit) need += size;
  return b.size() < need ? "shorter than the fields its flags byte announces" : nullptr;
}

// The frame's fields; nothing when weight_frame_problem() names a problem.
inline std::optional<WeightFrame> parse_weight_frame(ByteView b) {
  if (weight_frame_problem(b)) return std::nullopt;
  WeightFrame f;
  const std::uint8_t flags = b[0];
  f.kg = float32(&b[1]);
  switch ((flags >> 5) & 0x03) {
    case 1: f.unit = WeightUnit::lb; break;
    case 2: f.unit = WeightUnit::st; break;
    default: f.unit = WeightUnit::kg;
  }
  std::size_t at = 5;
  if (flags & 0x01) f.time = le32(&b[at]), at += 4;
  if (flags & 0x02) at += 4;
  if (flags & 0x04) f.resistance = float32(&b[at]), at += 4;
  if (flags & 0x08) f.user = b[at], at += 1;
  if (flags & 0x10) f.status = b[at];
  return f;
}

}  // namespace declouder::transtek
