// Conversation: Dr. Trust SSW532 / ICOMON FG2211WB (protocol.cpp has the protocol and its
// sources). Each connection is a new session, so a reconnect starts again from the top:
//   1. enable indications on FFB3                                  <- safe point
//   2. expect setup frame 0 (<session> 18 00) on FFB3: the session id
//   3. enable notifications on FFB2
//   4. expect setup frame 1 (18 01) on FFB3
//   5. write 00 03 00 B0 <session>, the profile (B8: time, height, age), the app id (B1 "icomon")
//   6. gate: "step on the scale" until the first live weight on FFB2
//   7. expect the result on FFB3: part 00 (weight), part 01 (segments, when the handles were
//      held), part 02 (end); a stored weighing the scale replays first is acknowledged and skipped
//   8. without segments: 5 s for the person to take the handles (a new result follows), then the
//      weight alone; at once when the live weight drops below 2 kg (the person stepped off)
//   9. write the teardown 04 03 00 B0 <the result's byte 0>: the scale stops blinking
// The reading: the weight, the foot-to-foot impedance Z3 + Z4 + Z5 when there was one, the
// scale's time of the weighing, stabilized.
#include <memory>

#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/drtrust_ssw532/protocol.hpp"

namespace declouder::drtrust {
namespace {

const Uuid kCommand = Uuid::from16(kCommandCharacteristic);
const Uuid kLive = Uuid::from16(kLiveCharacteristic);
const Uuid kResult = Uuid::from16(kResultCharacteristic);

constexpr std::uint8_t kProfileSequence = 0x01;  // the app's second message (protocol.cpp)
constexpr auto kHandlesWait = std::chrono::seconds(5);

// What one connection has heard so far; made anew by setup frame 0.
struct Weighing {
  std::uint8_t session = 0;      // byte 0 of setup frame 0
  std::uint8_t result_id = 0;    // byte 0 of the result being received, which its teardown names
  bool locked = false;         // a locked live weight came (a result is this weighing's)
  bool live_result = false;    // the result being received is of a weighing made now (A3/A7)
  std::optional<Reading> reading;  // its part 00
  Bytes raw;                       // part 00, then part 01
  std::optional<double> impedance;  // from its part 01
  std::optional<Reading> without_impedance;  // ended without segments: kept while the person may take the handles
  Bytes without_impedance_raw;
  std::optional<MacAddress> address;  // the scale's, as its values came
  bool emitted = false;
};

enum class Heard { nothing, live, result_part, replay_ended, weighing_ended, stepped_off };

void teardown(SessionContext& ctx, std::uint8_t result_id) {
  try {
    ctx.link.write(kCommand, teardown_frame(result_id), WriteMode::with_response);
  } catch (const std::exception&) {  // the scale may already have switched itself off
  }
}

void emit(SessionContext& ctx, Weighing& w, const Reading& r, const Bytes& raw) {
  Reading out = r;
  out.address = w.address;
  ctx.emit(out, raw);
  w.emitted = true;
}

// One value of the scale, into the weighing.
Heard hear(const GattValue& v, SessionContext& ctx, Weighing& w) {
  const ByteView b = v.value;
  if (v.address) w.address = v.address;
  if (v.characteristic == kLive) {
    const DecodeOutcome o = decode_frame(b);
    if (o.ok()) {
      if (o.reading.stabilized) w.locked = true;
      if (*o.reading.weight_kg < kSteppedOffKg && w.without_impedance) return Heard::stepped_off;
      return Heard::live;
    }
    // A zero weight is the person gone as well.
    if (o.status == DecodeStatus::invalid_value && w.without_impedance) return Heard::stepped_off;
    return Heard::nothing;
  }
  if (v.characteristic != kResult || !is_frame(b) || b[1] != kResultFrame) return Heard::nothing;
  switch (b[2]) {
    case kPartWeight: {
      w.result_id = b[0];
      w.live_result = is_live_result(b);
      w.reading.reset();
      w.impedance.reset();
      w.raw.assign(b.begin(), b.end());
      if (!w.live_result) return Heard::result_part;  // a stored weighing replayed
      if (DecodeOutcome o = decode_frame(b); o.ok()) w.reading = o.reading;
      return Heard::result_part;
    }
    case kPartSegments:
      if (!w.live_result || !w.reading) return Heard::nothing;
      if (auto z = segments(b)) w.impedance = foot_to_foot(*z);
      w.raw.insert(w.raw.end(), b.begin(), b.end());
      return Heard::result_part;
    case kPartEnd: {
      const bool ours = w.live_result && w.locked && w.reading;
      w.live_result = false;
      if (!ours) {
        // openScale acknowledges a replayed (or unlocked) result so the scale stops showing it.
        w.reading.reset();
        teardown(ctx, w.result_id);
        return Heard::replay_ended;
      }
      if (w.impedance) {
        Reading r = *w.reading;
        r.impedance_ohm = w.impedance;
        emit(ctx, w, r, w.raw);
      } else {
        w.without_impedance = w.reading;
        w.without_impedance_raw = w.raw;
      }
      w.reading.reset();
      return Heard::weighing_ended;
    }
    default:
      return Heard::nothing;
  }
}

}  // namespace

Conversation conversation(const ConversationContext& c) {
  Conversation conv;
  conv.name = kModel;
  const PersonProfile person = person_profile(c);
  const auto now = static_cast<std::uint32_t>(c.unix_now);
  auto w = std::make_shared<Weighing>();

  Step results = subscribe_step(kResult, "enable indications on FFB3 (setup frames, results)");
  results.resume_here = true;
  conv.steps.push_back(results);
  conv.steps.push_back(expect_step("setup frame 0 on FFB3 (the session id)", [w](const GattValue& v, SessionContext&) {
    if (v.characteristic != kResult || !is_frame(v.value) || v.value[1] != kSetupFrame || v.value[2] != 0x00)
      return Verdict::ignore;
    *w = Weighing{};
    w->session = w->result_id = v.value[0];
    return Verdict::done;
  }));
  conv.steps.push_back(subscribe_step(kLive, "enable notifications on FFB2 (live weight)"));
  conv.steps.push_back(expect_step("setup frame 1 on FFB3 (ready for the profile)", [](const GattValue& v, SessionContext&) {
    if (v.characteristic != kResult || !is_frame(v.value) || v.value[1] != kSetupFrame || v.value[2] != 0x01)
      return Verdict::ignore;
    return Verdict::done;
  }));
  conv.steps.push_back(write_step(kCommand, [w](SessionContext&) { return session_frame(w->session); },
                                  WriteMode::with_response, "00 03 00 B0 <session>"));
  conv.steps.push_back(write_step(kCommand, profile_frame(kProfileSequence, now, person.height_cm, person.age),
                                  WriteMode::with_response, "the profile (B8: time, height, age)"));
  conv.steps.push_back(write_step(kCommand, app_id_frame(kProfileSequence), WriteMode::with_response, "the app id (B1)"));

  conv.steps.push_back(gate_step("step on the scale", [w](const GattValue& v, SessionContext& ctx) {
    switch (hear(v, ctx, *w)) {
      case Heard::live: return Verdict::done;
      case Heard::nothing: return Verdict::ignore;
      default: return Verdict::more;  // a stored weighing the scale replays meanwhile
    }
  }));

  conv.steps.push_back(expect_step("the result on FFB3 (0x23: weight, segments, end)",
                                   [w](const GattValue& v, SessionContext& ctx) {
    switch (hear(v, ctx, *w)) {
      case Heard::weighing_ended: return Verdict::done;
      case Heard::nothing: return Verdict::ignore;
      default: return Verdict::more;
    }
  }, std::chrono::seconds(30)));

  conv.steps.push_back(action_step("without segments: 5 s for the handles, then the weight alone",
                                   [w](SessionContext& ctx) {
    if (w->emitted || !w->without_impedance) return;
    const auto deadline = GattLink::Clock::now() + kHandlesWait;
    while (auto v = ctx.link.next_value(deadline)) {
      if (ctx.handlers.on_gatt_value) ctx.handlers.on_gatt_value(*v);
      const Heard h = hear(*v, ctx, *w);
      if (w->emitted) return;  // a new result with the segments
      if (h == Heard::stepped_off) break;
    }
    if (ctx.tell) ctx.tell("no impedance (the handles were not held): the weight alone");
    emit(ctx, *w, *w->without_impedance, w->without_impedance_raw);
  }));

  conv.steps.push_back(action_step("the teardown (04 03 00 B0 <the result's byte 0>)", [w](SessionContext& ctx) {
    teardown(ctx, w->result_id);
  }));
  return conv;
}

}  // namespace declouder::drtrust
