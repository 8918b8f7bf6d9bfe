// Conversation: ICOMON "FFB0" scales, e.g. the Crenot GoFit S2 (sroemer, "Reverse engineering a
// BLE body fat scale protocol", 2024; protocol.cpp). No handshake: enable FFB2 (live, notify) and FFB3 (results, indicate), then the
// person steps on: A2 frames on FFB2 while the weight settles, then one A3 result on FFB3.
//   1. enable notifications on FFB2                                <- safe point
//   2. enable indications on FFB3 (the scale sends an A1 info frame at once: ignored)
//   3. gate: "step on the scale" until the first A2 frame
//   4. wait for the A3 result (A2 frames meanwhile are progress) -> a reading
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
}  // namespace declouder
