// Conversation: Medisana BS430 / BS440 / BS444 (openScale MedisanaBs44xHandler.kt,
// keptenkurk/BS440; descriptor.cpp has the frames). The scale recognises its users (1-8,
// set up on the scale) itself and connects after a weighing; once it has the time it sends
// its measurements, each as a weight frame and a body frame of the same time and user:
//   1. enable indications on 0x8A22 (body), 0x8A21 (weight)                <- safe point
//      and 0x8A82 (custom) when the scale has it
//   2. the time on 0x8A81: 02 <timestamp u32 LE> in the model's epoch (BS440/444: seconds since
//      2010-01-01; BS430 "0203B…": Unix)
//   3. gate: the first weight frame and the body frame with its time and user -> one reading
//   4. more measurements (stored ones) the same way, until the scale is quiet for 3 s
#include "devices/descriptor.hpp"
#include "devices/medisana_bs44x/protocol.hpp"

namespace declouder::medisana {
namespace {

const Uuid kWeight = Uuid::from16(kWeightCharacteristic);
const Uuid kBody = Uuid::from16(kBodyCharacteristic);
const Uuid kCustom = Uuid::from16(kCustomCharacteristic);
const Uuid kCommand = Uuid::from16(kCommandCharacteristic);

// A weight frame waits for the body frame of the same measurement (time and user); a weight
// frame with no body frame before the next one (a scale without BIA, socks) is a reading alone.
Verdict on_measurement_frame(const GattValue& v, SessionContext& ctx) {
  if (v.characteristic == kWeight) {
    DecodeOutcome w = decode_weight(v.value);
    if (!w.ok()) return Verdict::ignore;
    if (auto pending = ctx.frames.find("weight"); pending != ctx.frames.end()) {
      DecodeOutcome alone = decode_weight(pending->second);
      alone.reading.address = v.address;
      ctx.emit(alone.reading, pending->second);
      ++ctx.counters["measurements"];
    }
    ctx.frames["weight"] = v.value;
    return Verdict::more;
  }
  if (v.characteristic != kBody) return Verdict::ignore;
  auto pending = ctx.frames.find("weight");
  DecodeOutcome b = decode_body(v.value);
  if (pending == ctx.frames.end() || !b.ok()) return Verdict::ignore;
  DecodeOutcome w = decode_weight(pending->second);
  const bool same = w.reading.user_slot == b.reading.user_slot &&
                    (!w.reading.device_time || !b.reading.device_time ||
                     iso8601(*w.reading.device_time) == iso8601(*b.reading.device_time));
  if (!same) return Verdict::ignore;
  Reading r = w.reading;
  r.address = v.address;
  for (std::uint8_t i = 0; i < b.reading.device_metric_count; ++i)
    r.add_device_metric(b.reading.device_metrics[i].name, b.reading.device_metrics[i].value);
  Bytes raw = pending->second;
  raw.insert(raw.end(), v.value.begin(), v.value.end());
  ctx.emit(r, raw);
  ctx.frames.erase(pending);
  ++ctx.counters["measurements"];
  return Verdict::done;
}

}  // namespace

Conversation conversation(const ConversationContext& c) {
  Conversation conv;
  conv.name = "medisana-bs44x";
  Step body = subscribe_step(kBody, "enable indications on 0x8A22 (body)");
  body.resume_here = true;
  conv.steps.push_back(body);
  conv.steps.push_back(subscribe_step(kWeight, "enable indications on 0x8A21 (weight)"));
  conv.steps.push_back(action_step("enable indications on 0x8A82 if present", [](SessionContext& ctx) {
    if (ctx.link.has_characteristic(kCustom)) ctx.link.subscribe(kCustom);
  }));
  conv.steps.push_back(write_step(kCommand, build_time_command(c.unix_now, epoch_for_name(c.advert.name)),
                                  WriteMode::with_response, "send the time (02)"));
  conv.steps.push_back(gate_step("step on the scale", on_measurement_frame));
  Step more = expect_step("receive the stored measurements", [](const GattValue& v, SessionContext& ctx) {
    return on_measurement_frame(v, ctx) == Verdict::ignore ? Verdict::ignore : Verdict::more;
  }, std::chrono::seconds(3));
  more.optional = true;  // the scale's quiet: everything it had was sent
  conv.steps.push_back(more);
  conv.steps.push_back(action_step("a last weight frame without its body frame", [](SessionContext& ctx) {
    auto pending = ctx.frames.find("weight");
    if (pending == ctx.frames.end()) return;
    DecodeOutcome w = decode_weight(pending->second);
    if (w.ok()) ctx.emit(w.reading, pending->second);
    ctx.frames.erase(pending);
  }));
  return conv;
}

}  // namespace declouder::medisana
