// Conversation: Picooc Mini (seeds/000; research/scales.md §2.12).
//   1. enable indications on FFF1 (the scale's answers)          <- safe point
//   2. write F1 09 3A <unix time u32 BE> A5 00 to FFF2, without response
//   3. wait for the 0x39 measurement frame on FFF1 -> a reading
//   4. acknowledge it: F1 03 39 (the generic ack; unacked frames are re-sent)
#include "ble/conversations.hpp"
#include "core/time.hpp"

namespace declouder {
namespace {

const Uuid kAnswer = Uuid::from16(0xFFF1);
const Uuid kRequest = Uuid::from16(0xFFF2);

// Interim decoder of the 0x39 frame, until src/devices/ has the Picooc family:
// 39 0D <time u32 BE> <weight u16 BE /20 kg> <impedance u16 BE /10 ohm> <lb> <unit>.
std::optional<Reading> decode_measurement(ByteView b) {
  if (b.size() < 10 || b[0] != 0x39) return std::nullopt;
  Reading r;
  r.model = "picooc-mini";
  r.weight_kg = be16(&b[6]) / 20.0;
  const std::uint16_t z = be16(&b[8]);
  if (z != 0 && z != 0xFFFF) r.impedance_ohm = z / 10.0;
  r.stabilized = true;
  DeviceClock clock;
  clock.civil = civil_from_unix(be32(&b[2]));
  clock.utc = true;
  r.device_time = clock;
  return r;
}

bool matches(const Advertisement& adv) {
  return adv.name.rfind("PICOOC", 0) == 0 && adv.name != "PICOOC-L";  // PICOOC-L only broadcasts
}

Conversation build(const ConversationParams& p) {
  Conversation c;
  c.name = "picooc-mini";
  Step sub = subscribe_step(kAnswer, "enable indications on FFF1");
  sub.resume_here = true;
  c.steps.push_back(sub);
  const std::int64_t now = p.unix_now;
  c.steps.push_back(write_step(
      kRequest,
      [now](SessionContext&) {
        Bytes req{0xF1, 0x09, 0x3A};
        put_u32be(req, static_cast<std::uint32_t>(now));
        req.push_back(0xA5);
        req.push_back(0x00);
        return req;
      },
      WriteMode::without_response, "request the measurement (F1 09 3A <time> A5 00 on FFF2)"));
  c.steps.push_back(expect_step("wait for the measurement (0x39 on FFF1)", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kAnswer) return Verdict::ignore;
    auto r = decode_measurement(v.value);
    if (!r) return Verdict::ignore;
    r->address = v.address;
    ctx.emit(*r, v.value);
    return Verdict::done;
  }));
  c.steps.push_back(write_step(kRequest, Bytes{0xF1, 0x03, 0x39}, WriteMode::without_response,
                               "acknowledge the measurement (F1 03 39)"));
  return c;
}

const ConversationRegistration reg{{
    .id = "picooc-mini",
    .summary = "Picooc Mini: request on FFF2, measurement on FFF1",
    .matches = matches,
    .build = build,
}};

}  // namespace
}  // namespace declouder
