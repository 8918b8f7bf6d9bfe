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
  const WeightUnit unit = person_profile(c).unit;  // the unit the handshake sets
  Conversation conv;
  conv.name = kModel;
  conv.pacing = std::chrono::milliseconds(50);
  Step subscribe = subscribe_step(kFrames, "enable notifications on FFB2");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  icomon::append_mgb_handshake(conv, c, true);
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
