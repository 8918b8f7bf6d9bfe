// Conversation: ICOMON "FFB0" scales, e.g. the Crenot GoFit S2 (seeds/001; research/scales.md
// §2.11, §4). No handshake: enable FFB2 (live, notify) and FFB3 (results, indicate), then the
// person steps on: A2 frames on FFB2 while the weight settles, then one A3 result on FFB3.
//   1. enable notifications on FFB2                                <- safe point
//   2. enable indications on FFB3 (the scale sends an A1 info frame at once: ignored)
//   3. gate: "step on the scale" until the first A2 frame
//   4. wait for the A3 result (A2 frames meanwhile are progress) -> a reading
#include "ble/conversations.hpp"

namespace declouder {
namespace {

const Uuid kLive = Uuid::from16(0xFFB2);
const Uuid kResult = Uuid::from16(0xFFB3);

bool frame_ok(ByteView b, std::uint8_t type) {
  if (b.size() != 20 || b[3] != type) return false;
  unsigned sum = 0;
  for (std::size_t i = 3; i <= 18; ++i) sum += b[i];
  return (sum & 0x1F) == b[19];
}

// Interim decoder of the A3 result until src/devices/ has the ICOMON family:
// byte 4 status, 5-7 weight u24 BE grams, 8 heart rate, 9-10 impedance u16 BE ohms.
std::optional<Reading> decode_result(ByteView b) {
  if (!frame_ok(b, 0xA3) || b[4] != 0x00) return std::nullopt;
  Reading r;
  r.model = "icomon";
  r.weight_kg = (((b[5] << 16) | (b[6] << 8) | b[7]) & 0x3FFFF) / 1000.0;
  if (b[8]) r.heart_rate_bpm = b[8];
  const std::uint16_t z = be16(&b[9]);
  if (z != 0 && z != 0xFFFF) r.impedance_ohm = z;
  r.stabilized = true;
  return r;
}

bool matches(const Advertisement& adv) {
  return adv.advertises_service(0xFFB0) || adv.name == "Crenot Gofit S2";
}

Conversation build(const ConversationParams&) {
  Conversation c;
  c.name = "icomon";
  Step live = subscribe_step(kLive, "enable notifications on FFB2 (live weight)");
  live.resume_here = true;
  c.steps.push_back(live);
  c.steps.push_back(subscribe_step(kResult, "enable indications on FFB3 (results)"));
  c.steps.push_back(gate_step("step on the scale", [](const GattValue& v, SessionContext&) {
    return v.characteristic == kLive && frame_ok(v.value, 0xA2) ? Verdict::done : Verdict::ignore;
  }));
  c.steps.push_back(expect_step("wait for the result (A3 on FFB3)", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic == kLive && frame_ok(v.value, 0xA2)) return Verdict::more;
    if (v.characteristic != kResult) return Verdict::ignore;
    auto r = decode_result(v.value);
    if (!r) return Verdict::ignore;
    r->address = v.address;
    ctx.emit(*r, v.value);
    return Verdict::done;
  }, std::chrono::seconds(20)));
  return c;
}

const ConversationRegistration reg{{
    .id = "icomon",
    .summary = "ICOMON FFB0 scales (Crenot GoFit S2): A2 live on FFB2, A3 result on FFB3",
    .matches = matches,
    .build = build,
}};

}  // namespace
}  // namespace declouder
