// Conversation: Picooc Mini (lynx.st, "De-clouding Bluetooth smart scales"; openScale
// PicoocHandler.kt). The bytes come from protocol.hpp (request and ack builders, the
// response decoder).
//   1. enable indications on FFF1 (the scale's answers)          <- safe point
//   2. write F1 09 3A <unix time u32 BE> A5 00 to FFF2, without response
//   3. wait for the 0x39 measurement frame on FFF1 -> a reading
//   4. acknowledge it: F1 03 39 (the generic ack; unacked frames are re-sent)
#include "devices/descriptor.hpp"
#include "devices/picooc_mini/protocol.hpp"

namespace declouder {
namespace {

const Uuid kAnswer = Uuid::from16(picooc::kNotifyCharacteristic);
const Uuid kRequest = Uuid::from16(picooc::kWriteCharacteristic);

}  // namespace

namespace picooc {

Conversation conversation(const ConversationContext& p) {
  Conversation c;
  c.name = "picooc-mini";
  Step sub = subscribe_step(kAnswer, "enable indications on FFF1");
  sub.resume_here = true;
  c.steps.push_back(sub);
  const std::int64_t now = p.unix_now;
  c.steps.push_back(write_step(
      kRequest,
      [now](SessionContext&) { return picooc::build_request(static_cast<std::uint32_t>(now)); },
      WriteMode::without_response, "request the measurement (F1 09 3A <time> A5 00 on FFF2)"));
  c.steps.push_back(expect_step("wait for the measurement (0x39 on FFF1)", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kAnswer) return Verdict::ignore;
    DecodeOutcome o = picooc::parse_response(v.value);
    if (!o.ok() || !o.reading.weight_kg) return Verdict::ignore;
    o.reading.address = v.address;
    ctx.emit(o.reading, v.value);
    return Verdict::done;
  }));
  c.steps.push_back(write_step(kRequest, picooc::build_ack(0x39), WriteMode::without_response,
                               "acknowledge the measurement (F1 03 39)"));
  return c;
}

}  // namespace picooc
}  // namespace declouder
