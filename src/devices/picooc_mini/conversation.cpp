// Conversation: Picooc Mini (lynx.st, "De-clouding Bluetooth smart scales"; openScale
// PicoocHandler.kt). The bytes come from protocol.hpp (request and ack builders, the
// response decoder).
//   1. enable indications on FFF1 (the scale's answers)          <- safe point
//   2. write F1 09 3A <unix time u32 BE> A5 00 to FFF2, without response
//   3. wait for the 0x39 measurement frame on FFF1, kept
//   4. acknowledge it: F1 03 39 (the generic ack; unacked frames are re-sent)
//   5. for a few seconds, the scale's own body composition (0x32), acknowledged; heart-rate
//      frames (0x3C) meanwhile are acknowledged too (unacked, the scale resends them at 1 Hz
//      and hangs up), and a final one adds its bpm
//   6. one reading: the weighing, with what 0x32 and 0x3C added
// Models without an on-board BIA engine send no 0x32: step 5 then ends after its few seconds.
// Models that do hang up by themselves once done; a hang-up in step 5 is the end of the
// weighing, not a reason to reconnect and ask for it again.
#include "devices/descriptor.hpp"
#include "devices/picooc_mini/protocol.hpp"

namespace declouder {
namespace {

const Uuid kAnswer = Uuid::from16(picooc::kNotifyCharacteristic);
const Uuid kRequest = Uuid::from16(picooc::kWriteCharacteristic);

// How long a weighing waits for a 0x32 that may not come. The lynx.st Mini sends none (its app
// computes the composition on the phone), so this is time every Mini weighing adds; a scale
// that computes one has it when it sends its final weight, and sends it right after the ack.
constexpr std::chrono::seconds kCompositionWait{3};

// An ack the scale may no longer be there to receive: it hangs up when it is done.
void acknowledge(SessionContext& ctx, std::uint8_t opcode) {
  try {
    ctx.link.write(kRequest, picooc::build_ack(opcode), WriteMode::without_response);
  } catch (const LinkLost&) {
  }
}

// The weighing (the 0x39 frame) with the scale's composition and heart rate added.
Reading merged(SessionContext& ctx) {
  Reading r = picooc::parse_response(ctx.frames["measurement"]).reading;
  if (auto it = ctx.frames.find("composition"); it != ctx.frames.end()) {
    const Reading c = picooc::parse_response(it->second).reading;
    for (std::uint8_t i = 0; i < c.device_metric_count; ++i)
      r.add_device_metric(c.device_metrics[i].name, c.device_metrics[i].value);
    if (!r.impedance_ohm) r.impedance_ohm = c.impedance_ohm;
  }
  if (auto it = ctx.frames.find("heart rate"); it != ctx.frames.end())
    r.heart_rate_bpm = picooc::parse_response(it->second).reading.heart_rate_bpm;
  return r;
}

}  // namespace

namespace picooc {

Conversation conversation(const ConversationContext& p) {
  Conversation c;
  c.name = "picooc-mini";
  Step sub = subscribe_step(kAnswer, "enable indications on FFF1");
  sub.resume_here = true;
  c.steps.push_back(sub);
  const std::int64_t now = p.unix_now;
  c.steps.push_back(write_step(
      kRequest,
      [now](SessionContext&) { return picooc::build_request(static_cast<std::uint32_t>(now)); },
      WriteMode::without_response, "request the measurement (F1 09 3A <time> A5 00 on FFF2)"));
  c.steps.push_back(expect_step("wait for the measurement (0x39 on FFF1)", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kAnswer || v.value.empty() || (v.value[0] != 0x39 && v.value[0] != 0x52))
      return Verdict::ignore;
    DecodeOutcome o = picooc::parse_response(v.value);
    if (!o.ok() || !o.reading.weight_kg) return Verdict::ignore;
    ctx.frames["measurement"] = v.value;
    ctx.frames["measurement opcode"] = {v.value[0]};
    if (v.address) ctx.frames["address"] = Bytes(v.address->bytes.begin(), v.address->bytes.end());
    return Verdict::done;
  }));
  c.steps.push_back(write_step(
      kRequest, [](SessionContext& ctx) { return picooc::build_ack(ctx.frames["measurement opcode"].at(0)); },
      WriteMode::without_response, "acknowledge the measurement (F1 03 39)"));
  Step extras = expect_step(
      "the scale's body composition (0x32 on FFF1), if it computes one",
      [](const GattValue& v, SessionContext& ctx) {
        if (v.characteristic != kAnswer || v.value.empty()) return Verdict::ignore;
        const std::uint8_t opcode = v.value[0];
        if (opcode == 0x3C) {
          acknowledge(ctx, opcode);
          if (picooc::parse_response(v.value).ok()) ctx.frames["heart rate"] = v.value;
          return Verdict::more;
        }
        if (opcode != 0x32) return Verdict::ignore;
        acknowledge(ctx, opcode);
        if (picooc::parse_response(v.value).ok()) ctx.frames["composition"] = v.value;
        return Verdict::done;
      },
      kCompositionWait);
  extras.optional = true;
  extras.hang_up_moves_on = true;
  c.steps.push_back(extras);
  c.steps.push_back(action_step("the weighing, with the scale's composition", [](SessionContext& ctx) {
    Reading r = merged(ctx);
    if (const Bytes& a = ctx.frames["address"]; a.size() == 6) r.address = MacAddress::from_be(a.data());
    Bytes raw = ctx.frames["measurement"];
    if (auto it = ctx.frames.find("composition"); it != ctx.frames.end()) raw.insert(raw.end(), it->second.begin(), it->second.end());
    ctx.emit(r, raw);
  }));
  return c;
}

}  // namespace picooc
}  // namespace declouder
