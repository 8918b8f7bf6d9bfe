// Conversation: ICOMON "FFB0" scales, e.g. the Crenot GoFit S2 (sroemer, "Reverse engineering a
// BLE body fat scale protocol", 2024; protocol.cpp). No handshake: enable FFB2 (live, notify) and FFB3 (results, indicate), then the
// person steps on: A2 frames on FFB2 while the weight settles, then one A3 result on FFB3.
//   1. enable notifications on FFB2                                <- safe point
//   2. enable indications on FFB3 (the scale sends an A1 info frame at once: ignored)
//   3. gate: "step on the scale" until the first A2 frame
//   4. wait for the A3 result (A2 frames meanwhile are progress) -> a reading
#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/icomon/protocol.hpp"

namespace declouder {
namespace {

const Uuid kLive = Uuid::from16(icomon::kLiveCharacteristic);
const Uuid kResult = Uuid::from16(icomon::kResultCharacteristic);

// A well-formed frame of this type (length, checksum), per the ICOMON decoder.
bool is_frame(ByteView b, std::uint8_t type) {
  return b.size() == icomon::kFrameSize && b[3] == type && icomon::checksum(b) == b[19];
}

}  // namespace

namespace icomon {

Conversation conversation(const ConversationContext&) {
  Conversation c;
  c.name = "icomon";
  Step live = subscribe_step(kLive, "enable notifications on FFB2 (live weight)");
  live.resume_here = true;
  c.steps.push_back(live);
  c.steps.push_back(subscribe_step(kResult, "enable indications on FFB3 (results)"));
  c.steps.push_back(gate_step("step on the scale", [](const GattValue& v, SessionContext&) {
    return v.characteristic == kLive && is_frame(v.value, icomon::kTypeLive) ? Verdict::done : Verdict::ignore;
  }));
  c.steps.push_back(expect_step("wait for the result (A3 on FFB3)", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic == kLive && is_frame(v.value, icomon::kTypeLive)) return Verdict::more;
    if (v.characteristic != kResult) return Verdict::ignore;
    if (!is_frame(v.value, icomon::kTypeResult)) return Verdict::ignore;
    DecodeOutcome o = icomon::decode_frame(v.value);
    if (!o.ok()) return Verdict::ignore;
    o.reading.address = v.address;
    ctx.emit(o.reading, v.value);
    return Verdict::done;
  }, std::chrono::seconds(20)));
  return c;
}

}  // namespace icomon
void icomon::append_mgb_handshake(Conversation& conv, const ConversationContext& c, bool with_response) {
  const PersonProfile person = person_profile(c);
  const CivilTime now = local_wall_clock(c.unix_now);
  const Uuid commands = Uuid::from16(0xFFB1);
  const WriteMode mode = with_response ? WriteMode::with_response : WriteMode::without_response;
  auto command = [&](std::uint8_t b2, int b3, int b4, int b5, std::string label) {
    conv.steps.push_back(write_step(commands,
                                    build_mgb_command(b2, static_cast<std::uint8_t>(b3), static_cast<std::uint8_t>(b4),
                                                      static_cast<std::uint8_t>(b5)),
                                    mode, std::move(label)));
  };
  command(0xF7, 0, 0, 0, "init (F7)");
  command(0xFA, 0, 0, 0, "init (FA)");
  command(0xFB, person.male ? 1 : 2, person.age, person.height_cm, "the person (FB)");
  command(0xFD, now.year - 2000, now.month, now.day, "the date (FD)");
  command(0xFC, now.hour, now.minute, now.second, "the time (FC)");
  command(0xFE, 6, mgb_unit_code(person.unit), 0, "the unit (FE 06)");
}

}  // namespace declouder
