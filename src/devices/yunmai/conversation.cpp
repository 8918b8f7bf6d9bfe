// Conversation: Yunmai SE / Mini / Signal (openScale YunmaiHandler.kt; descriptor.cpp has the
// frames). The scale weighs for the user the app sets, and its final frame names that user:
//   1. enable notifications on FFE4 (service 0xFFE0)                      <- safe point
//   2. set the user on FFE9 (service 0xFFE5): 0D 12 10 01 00 00 <uid u16 BE> <height>
//      <sex 1 m / 2 f> <age> 55 5A 00 00 <unit 1 kg / 2 lb> <activity 0> <xor>; the uid is the
//      person's user slot, so the final frame's user id (user_slot) is that slot
//   3. set the clock: 0D 0D 11 <unix u32 BE> 00 00 00 00 00 <xor>
//   4. start: 0D 05 13 00 16
//   5. gate: step on the scale; type 01 frames while it measures, then the type 02 final
//      frame for this user (one for another uid means the scale weighed someone else: ignored,
//      as openScale does)
#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/yunmai/protocol.hpp"

namespace declouder::yunmai {

Conversation conversation(const ConversationContext& c) {
  const Uuid notify = Uuid::from16(kNotifyCharacteristic);
  const Uuid write = Uuid::from16(kWriteCharacteristic);
  const PersonProfile person = person_profile(c);
  UserProfile user;
  user.user_id = static_cast<std::uint16_t>(person.slot);
  user.height_cm = person.height_cm;
  user.male = person.male;
  user.age = person.age;
  user.unit = person.unit == WeightUnit::kg ? WeightUnit::kg : WeightUnit::lb;  // stones shown as lb

  Conversation conv;
  conv.name = "yunmai";
  Step subscribe = subscribe_step(notify, "enable notifications on FFE4");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  conv.steps.push_back(write_step(write, build_set_user(user), WriteMode::with_response,
                                  "set the user (0D 12 10, uid " + std::to_string(user.user_id) + ")"));
  conv.steps.push_back(write_step(write, build_set_time(static_cast<std::uint32_t>(c.unix_now)), WriteMode::with_response,
                                  "set the clock (0D 0D 11)"));
  conv.steps.push_back(write_step(write, build_start(), WriteMode::with_response, "start (0D 05 13)"));
  conv.steps.push_back(gate_step("step on the scale", [notify, uid = user.user_id](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != notify) return Verdict::ignore;
    DecodeOutcome o = decode_frame(v.value);
    if (o.status == DecodeStatus::not_stabilized) return Verdict::more;  // measuring
    if (!o.ok()) return Verdict::ignore;
    if (o.reading.user_slot != static_cast<int>(uid)) return Verdict::ignore;  // another user's weighing
    o.reading.address = v.address;
    ctx.emit(o.reading, v.value);
    return Verdict::done;
  }));
  return conv;
}

}  // namespace declouder::yunmai
