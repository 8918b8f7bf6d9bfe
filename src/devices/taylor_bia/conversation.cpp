// Conversation: the Taylor 5331891 BIA scale (descriptor.cpp has the frames and their sources):
//   1. enable notifications on FFB2                                         <- safe point
//   2. on FFB1 (write with response, as openScale's handler does), the MGB handshake: F7, FA
//      (init), FB <sex> <age> <height> (the person), FD <date>, FC <time> (the local clock),
//      FE 06 <unit> (the person's display unit); the scale streams only after it
//   3. gate: step on the scale; AC 27 weights while it settles. The weight is final when a
//      locked (80) or summary (01) frame arrives, or when the same live value came four times in
//      a row (the settled value repeats verbatim, the step-on ramp does not; most weighings end
//      this way, the scale seldom sends the locked frame)
#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/icomon/protocol.hpp"
#include "devices/taylor_bia/protocol.hpp"

namespace declouder::taylor_bia {
namespace {

const Uuid kCommands = Uuid::from16(kCommandCharacteristic);
const Uuid kFrames = Uuid::from16(kFrameCharacteristic);
constexpr long long kRepeatsForFinal = 4;

}  // namespace

Conversation conversation(const ConversationContext& c) {
  const PersonProfile person = person_profile(c);
  const CivilTime now = local_wall_clock(c.unix_now);
  const WeightUnit unit = person.unit;
  Conversation conv;
  conv.name = kModel;
  conv.pacing = std::chrono::milliseconds(50);
  Step subscribe = subscribe_step(kFrames, "enable notifications on FFB2");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  auto command = [&](std::uint8_t b2, int b3, int b4, int b5, std::string label) {
    conv.steps.push_back(write_step(kCommands,
                                    icomon::build_mgb_command(b2, static_cast<std::uint8_t>(b3), static_cast<std::uint8_t>(b4),
                                                              static_cast<std::uint8_t>(b5)),
                                    WriteMode::with_response, std::move(label)));
  };
  command(0xF7, 0, 0, 0, "init (F7)");
  command(0xFA, 0, 0, 0, "init (FA)");
  command(0xFB, person.male ? 1 : 2, person.age, person.height_cm, "the person (FB)");
  command(0xFD, now.year - 2000, now.month, now.day, "the date (FD)");
  command(0xFC, now.hour, now.minute, now.second, "the time (FC)");
  command(0xFE, 6, icomon::mgb_unit_code(unit), 0, "the unit (FE 06)");
  conv.steps.push_back(gate_step("step on the scale", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kFrames) return Verdict::ignore;
    const DecodeOutcome out = decode_frame(v.value);
    if (!out.ok()) return Verdict::ignore;  // the idle frame, or not a weight
    const auto grams = static_cast<long long>(frame_grams(v.value));
    long long& repeats = ctx.counters["repeats"];
    repeats = ctx.counters["last grams"] == grams ? repeats + 1 : 1;
    ctx.counters["last grams"] = grams;
    if (!out.reading.stabilized && repeats < kRepeatsForFinal) return Verdict::more;  // settling
    ctx.frames["weight"] = v.value;
    return Verdict::done;
  }));
  conv.steps.push_back(action_step("one reading: the settled weight", [unit](SessionContext& ctx) {
    DecodeOutcome w = decode_frame(ctx.frames["weight"]);
    if (!w.ok()) return;
    Reading r = w.reading;
    r.stabilized = true;  // locked, or the same grams four times in a row
    r.unit = unit;        // what the scale was told to display (it counts grams regardless)
    ctx.emit(r, ctx.frames["weight"]);
  }));
  return conv;
}

}  // namespace declouder::taylor_bia
