// Conversation: QN / Yolanda scales (Renpho QN-Scale, FITINDEX ES-26M, ...). The session is
// driven by the scale's frames, as openScale QNHandler.kt and ble-scale-sync qn-scale.ts run it
// (descriptor.cpp has the frames):
//   1. enable notifications on FFF1 (type 2 layout, service 0xFFF0) or FFE1 (type 1,
//      service 0xFFE0 only)                                              <- safe point
//   2. wait for the 0x12 scale info: its protocol byte is echoed in every request and its
//      divisor says how to read the weights. Nothing is sent before it (openScale's fix for
//      a race: a config sent earlier carries the wrong protocol byte and is ignored)
//   3. 13 09 <protocol> <unit 01 kg / 02 lb> 10 00 00 00 <sum> to FFF2 (type 1: FFE3)
//   4. 02 <seconds since 2000-01-01 u32 LE> to FFF2 (type 1: FFE4)
//   5. gate: step on the scale. A 0x14 "ready" is answered with the time sync
//      20 08 <protocol> <seconds since 2000 u32 LE> <sum>; 0x10 frames settle until one is
//      stable; a 0x23 stored record (an offline weighing) is a reading of its own
//   6. acknowledge the stable weight: 1F 05 <protocol> 10 <sum>
#include "devices/descriptor.hpp"
#include "devices/conversation_util.hpp"
#include "devices/qn_scale/protocol.hpp"

namespace declouder::qn {
namespace {

Bytes time_sync(std::uint8_t protocol, std::int64_t unix_seconds) {
  Bytes out{0x20, 0x08, protocol};
  put_u32le(out, static_cast<std::uint32_t>(unix_seconds - kEpochUnix));
  out.push_back(sum8(out));
  return out;
}

std::uint8_t protocol_of(SessionContext& ctx) {
  const Bytes& info = ctx.frames["info"];
  return info.size() > 2 ? info[2] : 0x00;
}

}  // namespace

Conversation conversation(const ConversationContext& c) {
  // Type 1 only when the scale advertises 0xFFE0 without 0xFFF0 (openScale's choice).
  const bool type1 = c.advert.advertises_service(kServiceType1) && !c.advert.advertises_service(kServiceType2);
  const Uuid notify = Uuid::from16(type1 ? kNotifyType1 : kNotifyType2);
  const Uuid config = Uuid::from16(type1 ? kConfigWriteType1 : kWriteType2);
  const Uuid clock = Uuid::from16(type1 ? kTimeWriteType1 : kWriteType2);
  const PersonProfile person = person_profile(c);
  const std::int64_t now = c.unix_now;

  Conversation conv;
  conv.name = "qn-scale";
  Step subscribe = subscribe_step(notify, type1 ? "enable notifications on FFE1" : "enable notifications on FFF1");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  conv.steps.push_back(expect_step("wait for the scale info (0x12)", [notify](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != notify || !parse_scale_info(v.value)) return Verdict::ignore;
    ctx.frames["info"] = v.value;
    return Verdict::done;
  }));
  conv.steps.push_back(write_step(
      config, [unit = person.unit](SessionContext& ctx) { return build_config(protocol_of(ctx), unit); },
      WriteMode::with_response, "send the unit (13 09)"));
  conv.steps.push_back(write_step(clock, build_time(now), WriteMode::with_response, "set the clock (02)"));
  conv.steps.push_back(gate_step("step on the scale", [notify, config, now](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != notify || v.value.empty()) return Verdict::ignore;
    switch (v.value[0]) {
      case 0x14:  // ready: it wants the time once more, in a frame of its own
        ctx.link.write(config, time_sync(protocol_of(ctx), now), WriteMode::with_response);
        return Verdict::more;
      case 0x23: {
        DecodeOutcome o = decode_stored(v.value);
        if (!o.ok()) return Verdict::more;
        o.reading.address = v.address;
        ctx.emit(o.reading, v.value);
        return Verdict::more;
      }
      case 0x10: {
        // Until it settles, a live weight is progress.
        return emit_when_final(decode_live(v.value, parse_scale_info(ctx.frames["info"])), v, ctx, Verdict::more);
      }
    }
    return Verdict::ignore;
  }));
  conv.steps.push_back(write_step(
      config, [](SessionContext& ctx) { return build_weight_ack(protocol_of(ctx)); }, WriteMode::with_response,
      "acknowledge the weight (1F 05)"));
  return conv;
}

}  // namespace declouder::qn
