// Conversation: 1byone "Health Scale" and Eufy C1/P1/A1 (openScale OneByoneHandler.kt;
// descriptor.cpp has the frames). The app computes the body composition, so the scale only
// needs the unit and its clock; it keeps weighings made while no phone was near:
//   1. enable notifications on FFF4 (service 0xFFF0)                      <- safe point
//   2. the unit on FFF1: FD 37 <unit 0 kg / 1 lb / 2 st> <group 01> 00 x6 <xor>
//   3. the clock: F1 <year u16 BE> <month> <day> <hour> <minute> <second> (local time),
//      acknowledged with F1 00
//   4. the history: F2 00; stored weighings arrive as 18-byte CF frames with their time, closed
//      by F2 00; when there were any, F2 01 clears them (only after they were all received)
//   5. gate: step on the scale; live 11-byte CF frames until one is locked (state 00 or 36)
#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/one_byone/protocol.hpp"

namespace declouder::one_byone {
namespace {

bool is(ByteView v, std::uint8_t a, std::uint8_t b) { return v.size() == 2 && v[0] == a && v[1] == b; }

}  // namespace

Conversation conversation(const ConversationContext& c) {
  const Uuid notify = Uuid::from16(kNotifyCharacteristic);
  const Uuid write = Uuid::from16(kWriteCharacteristic);
  const PersonProfile person = person_profile(c);

  Conversation conv;
  conv.name = "1byone";
  Step subscribe = subscribe_step(notify, "enable notifications on FFF4");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  conv.steps.push_back(write_step(write, build_mode(person.unit), WriteMode::with_response, "the unit (FD 37)"));
  conv.steps.push_back(write_step(write, build_clock(local_wall_clock(c.unix_now)), WriteMode::with_response,
                                  "set the clock (F1)"));
  Step ack = expect_step("wait for the clock's acknowledgement (F1 00)", [notify](const GattValue& v, SessionContext&) {
    return v.characteristic == notify && is(v.value, 0xF1, 0x00) ? Verdict::done : Verdict::ignore;
  }, std::chrono::seconds(3));
  ack.optional = true;  // some firmwares do not acknowledge; the history request still works
  conv.steps.push_back(ack);
  conv.steps.push_back(write_step(write, build_history_request(), WriteMode::with_response, "ask for stored weighings (F2 00)"));
  conv.steps.push_back(expect_step("receive the stored weighings until F2 00", [notify](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != notify) return Verdict::ignore;
    if (is(v.value, 0xF2, 0x00)) return Verdict::done;
    DecodeOutcome o = decode_frame(v.value);
    if (!o.ok() || !o.reading.device_time) return Verdict::ignore;  // live frames: the gate below takes those
    o.reading.address = v.address;
    ctx.emit(o.reading, v.value);
    ++ctx.counters["history"];
    return Verdict::more;
  }, std::chrono::seconds(10)));
  conv.steps.push_back(action_step("clear the stored weighings when there were any (F2 01)", [write](SessionContext& ctx) {
    if (ctx.counters["history"] > 0) ctx.link.write(write, build_history_clear(), WriteMode::with_response);
  }));
  conv.steps.push_back(gate_step("step on the scale", [notify](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != notify) return Verdict::ignore;
    DecodeOutcome o = decode_frame(v.value);
    if (!o.ok() || o.reading.device_time) return Verdict::ignore;  // (a late stored weighing: already asked for)
    if (!o.reading.stabilized) return Verdict::more;  // settling
    o.reading.address = v.address;
    ctx.emit(o.reading, v.value);
    return Verdict::done;
  }));
  return conv;
}

}  // namespace declouder::one_byone
