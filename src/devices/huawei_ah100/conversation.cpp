// Conversation: Huawei AH100 / CH100 (descriptor.cpp has the protocol and its sources).
//   0. notifications on 0xFAA2                                              <- safe point
//   1. the scale's wake-up (op 00); a scale that woke before notifications were on says
//      nothing more, so 5 s of silence moves on too
//   2. AUTH with the person's token (their user slot)
//   3. op 26: authorised; refused: AUTH again up to twice, then BIND (op 27: bound) and AUTH;
//      a scale that refuses a bound token ends the conversation
//   4. SET_UNIT (the person's: kg, or lb for lb and st), SET_SCALE_CLOCK (local time),
//      USER_INFO (AES: age, sex, height, the weight this slot last had on this scale),
//      GET_VERSION
//   5. gate: the first half of the encrypted measurement (BC 0E) for the person's slot is the
//      reading, acknowledged (FAT_RESULT_ACK); stored records (BC 10) are taken and the next
//      asked for on the way; another slot's weighing is not this person's (ignored); op 20
//      asks for the user info again
// The slot's last weight is kept in the device's memory for the next USER_INFO.
#include <cmath>

#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/huawei_ah100/protocol.hpp"

namespace declouder::huawei_ah100 {
namespace {

constexpr const char* kAuthTries = "ah100 auth tries";
constexpr const char* kBound = "ah100 bound";
constexpr int kAuthRetries = 2;
constexpr double kNeutralWeightKg = 70;  // USER_INFO before this slot has weighed on this scale

std::string weight_key(int slot) { return "ah100_weight_slot" + std::to_string(slot); }

bool is_plain(const GattValue& v, std::uint8_t op) {
  return v.characteristic == kNotifications && v.value.size() >= 3 && v.value[0] == kScalePlain && v.value[2] == op;
}

}  // namespace

Conversation conversation(const ConversationContext& c) {
  Conversation conv;
  conv.name = kModel;
  const std::shared_ptr<DeviceMemory> memory = c.memory ? c.memory : std::make_shared<DeviceMemory>();
  const PersonProfile person = person_profile(c);
  const int slot = person.slot;
  const MacAddress mac = c.advert.address.value_or(MacAddress{});
  const bool has_address = c.advert.address.has_value();
  const Bytes token = auth_token(slot);
  const Key key = magic_key(token, mac);
  const WeightUnit unit = person.unit == WeightUnit::kg ? WeightUnit::kg : WeightUnit::lb;  // stones shown as lb

  Step subscribe = subscribe_step(kNotifications, "notifications on 0xFAA2");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  conv.steps.push_back(action_step("the scale's address", [has_address](SessionContext&) {
    if (!has_address) throw SessionError("the AH100's frames are obfuscated with its address, and none is known");
  }));

  Step awake = expect_step("the scale awake (00)", [](const GattValue& v, SessionContext&) {
    return is_plain(v, kOpWakeUp) ? Verdict::done : Verdict::ignore;
  }, std::chrono::seconds(5));
  awake.optional = true;
  conv.steps.push_back(awake);

  const Bytes auth = plain_command(kCmdAuth, token, mac);
  conv.steps.push_back(action_step("authenticate (24)", [auth](SessionContext& ctx) {
    ctx.counters[kAuthTries] = 0;
    ctx.counters[kBound] = 0;
    ctx.link.write(kCommands, auth, WriteMode::with_response);
  }));

  const Bytes bind = plain_command(kCmdBind, token, mac);
  conv.steps.push_back(expect_step("authorised (26), binding (25, 27) when refused",
                                   [auth, bind, mac, slot](const GattValue& v, SessionContext& ctx) {
    if (is_plain(v, kOpBound)) {
      ctx.counters[kBound] = 1;
      if (ctx.tell) ctx.tell("bound user " + std::to_string(slot) + " to the scale");
      ctx.link.write(kCommands, auth, WriteMode::with_response);
      return Verdict::more;
    }
    if (!is_plain(v, kOpAuthResult)) return Verdict::ignore;
    const auto f = open_frame(v.value, mac);
    if (!f->payload.empty() && f->payload[0] == 1) return Verdict::done;
    if (ctx.counters[kAuthTries]++ < kAuthRetries) {
      ctx.link.write(kCommands, auth, WriteMode::with_response);
      return Verdict::more;
    }
    if (ctx.counters[kBound])
      throw SessionError("the scale refused user " + std::to_string(slot) +
                         " even after binding it: is the address right, and is the scale awake?");
    ctx.counters[kAuthTries] = 0;
    ctx.link.write(kCommands, bind, WriteMode::with_response);
    return Verdict::more;
  }, std::chrono::seconds(15)));

  conv.steps.push_back(write_step(kCommands, plain_command(kCmdSetUnit, unit_payload(unit), mac), WriteMode::with_response,
                                  "set the unit (02)"));
  conv.steps.push_back(write_step(kCommands, plain_command(kCmdSetClock, clock_payload(local_wall_clock(c.unix_now)), mac),
                                  WriteMode::with_response, "set the clock (08)"));
  auto user_info = [memory, slot, person, key, mac]() {
    UserInfo u;
    u.user_id = slot;
    u.age = person.age;
    u.male = person.male;
    u.height_cm = person.height_cm;
    u.weight_kg = kNeutralWeightKg;
    if (const auto kept = memory->get(weight_key(slot)); kept && kept->size() == 2) u.weight_kg = le16(kept->data()) / 10.0;
    return encrypted_command(kCmdUserInfo, user_info_payload(u), key, mac);
  };
  conv.steps.push_back(write_step(kCommands, [user_info](SessionContext&) { return user_info(); }, WriteMode::with_response,
                                  "the user info (09, encrypted)"));
  conv.steps.push_back(write_step(kCommands, plain_command(kCmdGetVersion, {}, mac), WriteMode::with_response,
                                  "ask the version (0C)"));

  const Bytes ack = plain_command(kCmdResultAck, Bytes{0x00}, mac);
  const Bytes next_record = plain_command(kCmdGetRecord, Bytes{0x01}, mac);
  conv.steps.push_back(gate_step("step on the scale", [=](const GattValue& v, SessionContext& ctx) {
    if (is_plain(v, kOpUserInfoWanted)) {
      ctx.link.write(kCommands, user_info(), WriteMode::with_response);
      return Verdict::more;
    }
    if (v.characteristic != kNotifications || v.value.size() < 3 || v.value[0] != kScaleEncrypted) return Verdict::ignore;
    const std::uint8_t op = v.value[2];
    if (op != kOpMeasurement && op != kOpHistory) return Verdict::ignore;  // a second half: the first carried it
    DecodeOutcome o = decode_first_half(v.value, mac, key);
    if (!o.ok()) {
      if (ctx.tell) ctx.tell(std::string("a measurement the scale sent was refused: ") + o.detail);
      return Verdict::more;
    }
    if (o.reading.user_slot != slot) {
      if (ctx.tell)
        ctx.tell("the scale weighed its user " + std::to_string(*o.reading.user_slot) + ", not user " +
                 std::to_string(slot) + ": not this person's weighing");
      return Verdict::more;
    }
    o.reading.address = v.address ? v.address : std::optional<MacAddress>(mac);
    o.reading.unit = unit;
    ctx.emit(o.reading, v.value);
    Bytes kept;
    put_u16le(kept, static_cast<std::uint16_t>(std::lround(*o.reading.weight_kg * 10)));
    memory->put(weight_key(slot), kept);
    ctx.link.write(kCommands, ack, WriteMode::with_response);
    if (op == kOpHistory) {
      ctx.link.write(kCommands, next_record, WriteMode::with_response);
      return Verdict::more;
    }
    return Verdict::done;
  }));
  return conv;
}

}  // namespace declouder::huawei_ah100
