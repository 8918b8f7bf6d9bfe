// Conversation: Bluetooth SIG standard scales (Weight Scale 0x181D, Body Composition 0x181B,
// User Data 0x181C; the Bluetooth SIG Weight Scale Profile and User Data Service specifications).
//   1. enable indications on the User Control Point 0x2A9F              <- safe point
//   2. enable indications on Weight Measurement 0x2A9D (and 0x2A9C when the scale has it)
//   3. consent: 02 <user index> <consent code u16 LE> -> 20 02 01 (success); 20 02 05 = the
//      code is wrong for that slot
//   4. gate: "step on the scale" until a Weight Measurement arrives
//   5. optionally a Body Composition Measurement (impedance), then one merged reading
//   6. when the scale has Battery Level 0x2A19 (Battery Service 0x180F), read it: a second
//      reading with only battery_percent (scales without it report no battery at all)
#include "devices/bluetooth_sig_scale/protocol.hpp"
#include "devices/descriptor.hpp"

namespace declouder {
namespace {

const Uuid kWeight = Uuid::from16(sig_scale::kWeightMeasurement);
const Uuid kComposition = Uuid::from16(sig_scale::kBodyCompositionMeasurement);
const Uuid kControlPoint = Uuid::from16(sig_scale::kUserControlPoint);
const Uuid kBattery = Uuid::from16(sig_scale::kBatteryLevel);

// One reading from the Weight Measurement, completed by the Body Composition Measurement
// when the scale sent one (impedance and what the scale computed).
std::optional<Reading> merge(ByteView weight, ByteView composition, const char* model,
                             const sig_scale::Resolution& res) {
  DecodeOutcome w = sig_scale::decode_weight_measurement(weight, model, res);
  if (!w.ok()) return std::nullopt;
  Reading r = w.reading;
  if (!composition.empty()) {
    DecodeOutcome b = sig_scale::decode_body_composition(composition, model, res);
    if (b.ok()) {
      if (b.reading.impedance_ohm) r.impedance_ohm = b.reading.impedance_ohm;
      for (std::uint8_t i = 0; i < b.reading.device_metric_count; ++i)
        r.add_device_metric(b.reading.device_metrics[i].name, b.reading.device_metrics[i].value);
    }
  }
  return r;
}

}  // namespace

namespace sig_scale {

Conversation conversation(const ConversationContext& p) {
  // Beurer/Sanitas models speak these profiles under their own device id.
  const char* model = is_beurer_sanitas_standard_name(p.advert.name) ? "beurer-sanitas-standard" : kModel;
  Conversation c;
  c.name = "sig-scale";
  Step ucp = subscribe_step(kControlPoint, "enable indications on the User Control Point");
  ucp.resume_here = true;
  c.steps.push_back(ucp);
  c.steps.push_back(subscribe_step(kWeight, "enable indications on Weight Measurement"));
  c.steps.push_back(action_step("enable Body Composition Measurement if present", [](SessionContext& ctx) {
    if (ctx.link.has_characteristic(kComposition)) ctx.link.subscribe(kComposition);
  }));
  const auto index = static_cast<std::uint8_t>(p.user.slot);
  const std::uint16_t consent = p.user.consent_code;
  c.steps.push_back(write_step(
      kControlPoint,
      [index, consent](SessionContext&) { return sig_scale::build_consent(index, consent); },
      WriteMode::with_response, "give consent for user " + std::to_string(index)));
  c.steps.push_back(expect_step("wait for the consent answer", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kControlPoint) return Verdict::ignore;
    auto answer = sig_scale::parse_user_control_response(v.value);
    if (!answer || answer->request_opcode != 0x02) return Verdict::ignore;
    if (answer->success()) return Verdict::done;
    if (ctx.tell)
      ctx.tell(answer->result == 0x05 ? "the scale refused the consent code for this user (--user-index/--consent)"
                                      : "the scale refused the consent request");
    return Verdict::fail;
  }));
  c.steps.push_back(gate_step("step on the scale", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kWeight) return Verdict::ignore;
    ctx.frames["weight"] = v.value;
    return Verdict::done;
  }));
  Step bcs = expect_step("wait for the body composition", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kComposition) return Verdict::ignore;
    ctx.frames["composition"] = v.value;
    return Verdict::done;
  }, std::chrono::seconds(3));
  bcs.optional = true;
  c.steps.push_back(bcs);
  const sig_scale::Resolution res = sig_scale::resolution_for_name(p.advert.name);
  c.steps.push_back(action_step("merge the measurements", [model, res](SessionContext& ctx) {
    const Bytes& w = ctx.frames["weight"];
    const Bytes& b = ctx.frames["composition"];
    if (auto r = merge(w, b, model, res)) {
      Bytes raw = w;
      raw.insert(raw.end(), b.begin(), b.end());
      ctx.emit(*r, raw);
    }
  }));
  c.steps.push_back(action_step("read the battery level if present", [model](SessionContext& ctx) {
    if (!ctx.link.has_characteristic(kBattery)) return;
    const Bytes level = ctx.link.read(kBattery);
    DecodeOutcome b = sig_scale::decode_battery_level(level, model);
    if (b.ok())
      ctx.emit(b.reading, level);
    else if (ctx.tell)
      ctx.tell(std::string("battery level ignored: ") + b.detail);
  }));
  return c;
}

}  // namespace sig_scale
}  // namespace declouder
