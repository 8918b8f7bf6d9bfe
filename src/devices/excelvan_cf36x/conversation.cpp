// Conversation: Excelvan CF366 / CF369BLE (openScale ExcelvanCF36xHandler.kt; descriptor.cpp
// has the frames). The scale computes the body composition itself, for the person the app
// describes, so it cannot weigh without them:
//   1. enable notifications on FFF4 (service 0xFFF0)                      <- safe point
//   2. the person on FFF1: FE <user> <sex 1 m / 0 f> <activity 0> <height cm> <age>
//      <unit 1 kg / 2 lb / 4 st> <xor of bytes 1..6>
//   3. gate: step on the scale; one CF result (16 or 17 bytes), its weight in that unit
#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/excelvan_cf36x/protocol.hpp"

namespace declouder::excelvan {

Conversation conversation(const ConversationContext& c) {
  const Uuid notify = Uuid::from16(kNotifyCharacteristic);
  const Uuid write = Uuid::from16(kWriteCharacteristic);
  const PersonProfile person = person_profile(c);
  UserConfig user;
  user.user_id = static_cast<std::uint8_t>(person.slot);
  user.male = person.male;
  user.height_cm = person.height_cm;
  user.age = person.age;
  user.unit = person.unit;

  Conversation conv;
  conv.name = "excelvan-cf36x";
  Step subscribe = subscribe_step(notify, "enable notifications on FFF4");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  conv.steps.push_back(write_step(write, build_user_config(user), WriteMode::with_response, "send the person (FE)"));
  conv.steps.push_back(gate_step("step on the scale", [notify, unit = user.unit](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != notify) return Verdict::ignore;
    DecodeOutcome o = decode_result(v.value, unit);
    if (!o.ok()) return Verdict::ignore;
    o.reading.address = v.address;
    ctx.emit(o.reading, v.value);
    return Verdict::done;
  }));
  return conv;
}

}  // namespace declouder::excelvan
