// Conversation: the Hoffen BS-8107 / PC-PW 3008 BT (protocol.cpp has the protocol and its
// sources). Everything goes over the one characteristic 0xFFB2, as openScale's handler does it:
//   1. enable notifications on FFB2                                          <- safe point
//   2. write the person, FA 85 04 00 <sex> <age> <height>; wait for the scale's ack (FA 03)
//   3. write the unit, FA 83 02 <1 kg, 2 lb, 3 st> 00; wait for its ack
//   4. gate: step on the scale; live weights (FA 01) until the final frame (FA 02). A final frame
//      one byte short waits for its checksum in the next notification; joined, its checksum must
//      hold, or it is refused and the person told (the scale's next final frame still counts)
//   5. write FA 82 01 00 (measurement received) and take its ack; the scale then powers down
// The reading: the weight (the scale counts tenths of a pound for lb and st), the unit it was
// told, and its own fat, water, muscle, bone and visceral fat when the person stood barefoot.
#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/hoffen_bs8107/protocol.hpp"

namespace declouder::hoffen {
namespace {

const Uuid kFrames = Uuid::from16(kCharacteristic);

Step ack_step(std::string label) {
  return expect_step(std::move(label), [](const GattValue& v, SessionContext&) {
    if (v.characteristic != kFrames || frame_state(v.value) != FrameState::whole || v.value[1] != kAck)
      return Verdict::ignore;
    return Verdict::done;
  });
}

bool is_final_frame(ByteView b) { return b.size() >= 2 && b[0] == kMagic && b[1] == kFinal; }

}  // namespace

Conversation conversation(const ConversationContext& c) {
  const PersonProfile person = person_profile(c);
  const WeightUnit unit = person.unit;
  Conversation conv;
  conv.name = kModel;
  Step subscribe = subscribe_step(kFrames, "enable notifications on FFB2");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  const Bytes user = user_frame(person.male, person.age, person.height_cm);
  conv.steps.push_back(write_step(kFrames, [user](SessionContext& ctx) {
    ctx.buffer.clear();  // a new connection: no half frame of the last one
    return user;
  }, WriteMode::with_response, "the person (FA 85: sex, age, height)"));
  conv.steps.push_back(ack_step("the scale's ack of the person (FA 03)"));
  conv.steps.push_back(write_step(kFrames, unit_frame(unit), WriteMode::with_response, "the unit (FA 83)"));
  conv.steps.push_back(ack_step("the scale's ack of the unit (FA 03)"));

  conv.steps.push_back(gate_step("step on the scale", [unit](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kFrames) return Verdict::ignore;
    Bytes value = v.value;
    if (!ctx.buffer.empty()) {  // a final frame waiting for its checksum: this value should be it
      Bytes joined = ctx.buffer;
      joined.insert(joined.end(), value.begin(), value.end());
      ctx.buffer.clear();
      if (frame_state(joined) == FrameState::whole) {
        value = std::move(joined);
      } else if (ctx.tell) {
        ctx.tell("a final frame whose checksum (in the next notification) did not hold: refused");
      }
    }
    switch (frame_state(value)) {
      case FrameState::checksum_follows:
        ctx.buffer = value;
        return Verdict::more;
      case FrameState::bad:
        if (is_final_frame(value) && ctx.tell) ctx.tell("a final frame whose checksum did not hold: refused");
        return Verdict::ignore;
      case FrameState::whole: break;
    }
    DecodeOutcome o = decode_frame(value, unit);
    if (!o.ok()) return Verdict::ignore;  // an ack, a zero weight
    if (!o.reading.stabilized) return Verdict::more;  // a live weight: the person is settling
    o.reading.address = v.address;
    ctx.emit(o.reading, value);
    return Verdict::done;
  }));

  conv.steps.push_back(action_step("measurement received (FA 82 01 00)", [](SessionContext& ctx) {
    try {
      ctx.link.write(kFrames, done_frame(), WriteMode::with_response);
    } catch (const std::exception&) {  // the scale may already have switched itself off
    }
  }));
  Step done_ack = ack_step("the scale's ack of the end (it powers down)");
  done_ack.timeout = std::chrono::seconds(3);
  done_ack.optional = true;
  done_ack.hang_up_moves_on = true;
  conv.steps.push_back(done_ack);
  return conv;
}

}  // namespace declouder::hoffen
