// Dr. Trust SSW532 ("Dr. Trust USA 532", an ICOMON FG2211WB): an 8-electrode body-composition
// scale on ICOMON's service 0xFFB0, asked over GATT while the person weighs. The same service
// as the Robi S9 / Crenot family (icomon/), but its own frames: the scale gives a session id,
// the app must write the person's profile before it weighs, and a result comes as three parts.
//
// Service 0xFFB0: 0xFFB1 command (write with response), 0xFFB2 live weight (notify), 0xFFB3
// setup and results (indicate). Every frame either way is 20 bytes whose byte 19 holds
// sum(bytes 3..18) mod 32 in its low five bits. (The top three bits are not part of the sum:
// openScale writes the sum alone and never checks the scale's, while the FG2211WBF capture
// below has 001 there in many frames of both directions; the decoder checks the five bits,
// the conversation writes 0 there as openScale does.)
//
// The conversation (openScale's state machine):
//   app   subscribe 0xFFB3
//   scale 0xFFB3  <session> 18 00 …            setup frame 0: byte 0 is the session id
//   app   subscribe 0xFFB2
//   scale 0xFFB3  <session> 18 01 …            setup frame 1: the scale takes the profile now
//   app   0xFFB1  00 03 00 B0 <session> 00…
//   app   0xFFB1  01 1A 00 B8 <unix u32 BE> 01 4A 01 <height cm> 17 70 <0x80|age> 13 88 0F 00
//   app   0xFFB1  01 1A 01 00 00 00 06 "icomon" 00…
//   scale 0xFFB2  .. 07 00 A2 <state> .. <grams u24 BE at 6-8>   live weight; state 00 taring or
//                                                                  live, 01 settling, 03 locked
//   scale 0xFFB3  .. 23 00 <cmd> <unix u32 BE at 4-7> .. <grams u24 BE at 9-11> .. <valid at 14>
//                 <whole-body channels A, B: u16 LE / 10 ohm at 15-16, 17-18>
//   scale 0xFFB3  .. 23 01 <Z1..Z8: u16 LE / 10 ohm at 3-18>      only when the handles were held
//   scale 0xFFB3  .. 23 02 …                                       end marker
//   app   0xFFB1  04 03 00 B0 <the result's byte 0> 00…            teardown: the scale stops
// Gender is not sent: the scale measures raw impedances and the app computes the rest.
// A weight part whose command is not A3 or A7 belongs to a stored weighing the scale replays;
// openScale skips those (acknowledging their end marker all the same), and so do we.
// Without a locked live weight a result is not this weighing's either.
// When the end marker comes without segments, openScale waits 5 s for the person to take the
// handles (a new result follows) and keeps the weight alone after that, or at once when the
// live weight drops below 2 kg (the person stepped off).
//
// Which impedance: the segments' Z3 (trunk) + Z4 (right leg) + Z5 (left leg), the foot-to-foot
// path, as openScale's handler (built from four HCI captures of this scale) hands to its BIA
// formulas. declouder's body layer uses Mi Fit's formulas, which were made for a 4-electrode
// scale's foot-to-foot impedance, so that is the quantity it needs; the whole-body channels A
// and B of part 00 are another path (openScale reads them as about 400-500 ohm; the FG2211WBF
// capture below has 302.2 and 296.7 ohm, below any adult's foot-to-foot value), and mixing the
// two between weighings would move body fat by several points. A weighing without segments
// (the handles not held) has no impedance. The segments themselves are not reported:
// docs/schema.md has no keys for them.
//
// Frames are parts of messages: byte 1 is the message's length, byte 2 the part, 16 bytes of it
// in each part's bytes 3..18. So the result (0x23 = 35 bytes) is 16 + 16 + 3 and its "end
// marker" holds the last 3 (not decoded: openScale does not know them either), setup (0x18) is
// 16 + 8, and the profile (0x1A = 26) is 16 + 10: openScale's "B0" and "B1" are parts 00 and 01
// of one B8 message, their "slot" 01 the message's number. The FG2211WBF capture's app numbers
// its messages in byte 0 (00, 01, 02, … 06), and its B0 messages acknowledge one of the scale's
// by that message's byte 0, as ICOMON's other 20-byte frames do (icomon/): the last one,
// 06 03 00 B0 4D, names the A7 result's byte 0 (its first, 00 03 00 B0 00, a message of the
// scale's the capture does not show). openScale names the
// setup frame's byte 0 a session id and sends it in its teardown too; on a scale that keeps
// byte 0 for the whole session the two are the same, and where they differ the vendor app's
// choice is the result's. So the teardown carries the result's byte 0 (04 03 00 B0 <it>), and
// the frames are otherwise openScale's, which its author weighed with.
//
// Byte 14 of part 00: openScale's SSW532 captures have 01 there and it takes only those. The
// only other real part 00 in public (the FG2211WBF, cmd A7) has 00 there with a full weight and
// both channels, so neither the decoder nor the conversation rejects a weighing for it (the
// segments after any part 00 of a weighing made now give its impedance; openScale's only after
// one with 01).
// Bytes 4-7 of part 00: the weighing's time on the clock the profile frame set (the FG2211WBF's
// 6A96D1FF is 23 s after the 6A96D1E8 its app wrote): reported as the device time.
//
// Vectors: FG2211WBF (Speediance Smart Scale, the same FG2211 frames), a PacketLogger capture
// in ble-scale-sync pull request #383 (tests/scales/speediance.test.ts):
//   4d2300a76a96d1ff25012a3e000a00ce0b970b2a   part 00, A7: 76.350 kg, channels 302.2 / 296.7
//   071000a2012501252a0000000000000000000038   live A2, state 01: 75.050 kg
//   011a00b86a96d1e880f001ac17709813880f0017   the app's profile frame: 172 cm, age 24
// Other frames: the layout of openScale DrTrustSSW532Handler.kt (no frames of its captures are
// published; openScale issue #1470 and pull requests #1381/#1384 describe them in words).
//
// Sources: openScale android_app/.../bluetooth/scales/DrTrustSSW532Handler.kt; ble-scale-sync
// src/scales/speediance.ts and tests/scales/speediance.test.ts. Re-implemented from these
// facts; no code copied.
#include "devices/drtrust_ssw532/protocol.hpp"

#include <algorithm>
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"

namespace declouder::drtrust {

namespace {

// The clock bytes of a weight part, when they read as a time this scale could have been set to.
constexpr std::uint32_t kEarliestClock = 1577836800;  // 2020-01-01, before any FG2211 was sold
constexpr std::uint32_t kLatestClock = 4102444800;    // 2100-01-01

Bytes app_frame(std::initializer_list<std::uint8_t> head) {
  Bytes f(kFrameSize, 0x00);
  std::size_t i = 0;
  for (std::uint8_t b : head) f[i++] = b;
  f[19] = checksum(f);
  return f;
}

}  // namespace

std::uint8_t checksum(ByteView f) {
  unsigned s = 0;
  for (std::size_t i = 3; i < 19 && i < f.size(); ++i) s += f[i];
  return static_cast<std::uint8_t>(s % 32);
}

bool checksum_ok(ByteView f) { return f.size() == kFrameSize && (f[19] & 0x1F) == checksum(f); }

bool is_frame(ByteView b) { return checksum_ok(b); }

bool has_name(std::string_view name) {
  return decode_util::starts_with_ci(name, "SSW") || decode_util::contains_ci(name, "FG2211");
}

Bytes session_frame(std::uint8_t session) { return app_frame({0x00, 0x03, 0x00, 0xB0, session}); }

Bytes profile_frame(std::uint8_t sequence, std::uint32_t unix_seconds, int height_cm, int age_years) {
  const auto height = static_cast<std::uint8_t>(std::clamp(height_cm, 100, 220));
  const auto age = static_cast<std::uint8_t>(0x80 | std::clamp(age_years, 0, 127));
  return app_frame({sequence, 0x1A, 0x00, 0xB8, static_cast<std::uint8_t>(unix_seconds >> 24),
                    static_cast<std::uint8_t>(unix_seconds >> 16), static_cast<std::uint8_t>(unix_seconds >> 8),
                    static_cast<std::uint8_t>(unix_seconds), 0x01, 0x4A, 0x01, height, 0x17, 0x70, age, 0x13, 0x88,
                    0x0F, 0x00});
}

Bytes app_id_frame(std::uint8_t sequence) {
  return app_frame({sequence, 0x1A, 0x01, 0x00, 0x00, 0x00, 0x06, 'i', 'c', 'o', 'm', 'o', 'n'});
}

Bytes teardown_frame(std::uint8_t id) { return app_frame({0x04, 0x03, 0x00, 0xB0, id}); }

std::optional<Segments> segments(ByteView b) {
  if (!is_frame(b) || b[1] != kResultFrame || b[2] != kPartSegments) return std::nullopt;
  Segments z{};
  for (std::size_t i = 0; i < z.size(); ++i) z[i] = le16(&b[3 + 2 * i]) / 10.0;
  return z;
}

std::optional<double> foot_to_foot(const Segments& z) {
  const double trunk = z[2], right_leg = z[3], left_leg = z[4];
  if (trunk <= 0 || right_leg <= 0 || left_leg <= 0) return std::nullopt;  // an electrode without contact
  const double sum = std::round((trunk + right_leg + left_leg) * 10) / 10;  // the scale's tenths
  if (sum < 1 || sum > 3999) return std::nullopt;  // 0xFFFF placeholders, no body
  return sum;
}

bool is_live_result(ByteView b) {
  return is_frame(b) && b[1] == kResultFrame && b[2] == kPartWeight && (b[3] == kCommandLive || b[3] == kCommandLiveBia);
}

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() != kFrameSize) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Dr. Trust SSW532 frames are 20 bytes");
  const bool live = b[3] == kTypeLive && b[1] <= 0x10 && b[2] == 0x00;
  const bool scale_frame = b[1] == kSetupFrame || b[1] == kResultFrame;
  if (!live && !scale_frame)
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "neither an A2 live frame nor a 0x18/0x23 frame of 0xFFB3");
  if (!checksum_ok(b)) return DecodeOutcome::reject(DecodeStatus::bad_checksum, "sum of bytes 3..18 mod 32 differs from byte 19");

  Reading r;
  r.model = kModel;
  std::uint32_t grams = 0;
  if (live) {
    grams = *u24be_at(b, 6);
    r.stabilized = b[4] == kLiveLocked;
  } else if (b[1] == kSetupFrame) {
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "a setup frame (the session id), no weight");
  } else {
    switch (b[2]) {
      case kPartWeight:
        if (!is_live_result(b))
          return DecodeOutcome::reject(DecodeStatus::unsupported_frame,
                                       "a stored weighing the scale replays (command not A3/A7): skipped");
        grams = *u24be_at(b, 9);
        r.stabilized = true;
        if (const std::uint32_t t = be32(&b[4]); t >= kEarliestClock && t < kLatestClock)
          r.device_time = decode_util::unix_clock(t);
        break;
      case kPartSegments:
        return DecodeOutcome::reject(DecodeStatus::unsupported_frame,
                                     "segmental impedances: the conversation joins them to the weighing");
      case kPartEnd:
        return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "the end marker of a result");
      default:
        return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "an unknown part of a result");
    }
  }
  if (grams == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight (nobody on the scale)");
  r.weight_kg = grams / 1000.0;
  return DecodeOutcome::success(r);
}

bool claims(const Advertisement& adv) {
  if (!has_name(adv.name)) return false;
  // openScale also wants the service; a name heard alone (a GATT value's device name) is enough.
  return adv.service_uuids.empty() || adv.advertises_service(kService);
}

DecodeOutcome decode_gatt(const GattValue& v) { return decode_frame(v.value); }

}  // namespace declouder::drtrust
