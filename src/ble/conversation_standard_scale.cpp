// Conversation: Bluetooth SIG standard scales (Weight Scale 0x181D, Body Composition 0x181B,
// User Data 0x181C; research/scales.md §2.3).
//   1. enable indications on the User Control Point 0x2A9F              <- safe point
//   2. enable indications on Weight Measurement 0x2A9D (and 0x2A9C when the scale has it)
//   3. consent: 02 <user index> <consent code u16 LE> -> 20 02 01 (success); 20 02 05 = the
//      code is wrong for that slot
//   4. gate: "step on the scale" until a Weight Measurement arrives
//   5. optionally a Body Composition Measurement (impedance), then one merged reading
#include "ble/conversations.hpp"

namespace declouder {
namespace {

const Uuid kWeight = Uuid::from16(0x2A9D);
const Uuid kComposition = Uuid::from16(0x2A9C);
const Uuid kControlPoint = Uuid::from16(0x2A9F);

// Interim decoder until src/devices/ has the standard-profile family.
std::optional<Reading> decode(ByteView w, ByteView bcs) {
  if (w.size() < 3) return std::nullopt;
  Reading r;
  r.model = "bluetooth-sig-scale";
  const std::uint8_t flags = w[0];
  const bool imperial = flags & 0x01;
  const std::uint16_t raw = le16(&w[1]);
  if (raw == 0xFFFF) return std::nullopt;
  r.weight_kg = imperial ? to_kg(raw * 0.01, WeightUnit::lb) : raw * 0.005;
  r.unit = imperial ? WeightUnit::lb : WeightUnit::kg;
  r.stabilized = true;
  std::size_t off = 3;
  if ((flags & 0x02) && w.size() >= off + 7) {
    DeviceClock clock;
    clock.civil = {le16(&w[off]), w[off + 2], w[off + 3], w[off + 4], w[off + 5], w[off + 6]};
    if (clock.civil.valid()) r.device_time = clock;
    off += 7;
  }
  if ((flags & 0x04) && w.size() >= off + 1 && w[off] != 0xFF) r.user_slot = w[off];
  if (bcs.size() >= 4) {
    // flags u16, fat % x0.1, then optional fields in order; impedance is bit 9.
    const std::uint16_t f = le16(&bcs[0]);
    std::size_t o = 4;
    if (f & 0x0002) o += 7;
    if (f & 0x0004) o += 1;
    for (int bit = 3; bit <= 8; ++bit)
      if (f & (1u << bit)) o += 2;
    if ((f & 0x0200) && bcs.size() >= o + 2) r.impedance_ohm = le16(&bcs[o]) / 10.0;
    if (le16(&bcs[2]) != 0xFFFF) r.add_device_metric("fat_percent", le16(&bcs[2]) / 10.0);
  }
  return r;
}

bool matches(const Advertisement& adv) {
  for (const auto& u : adv.service_uuids)
    if (u.is16() && (u.short16() == 0x181D || u.short16() == 0x181B)) return adv.service_data_for(0x181D) == nullptr;
  return false;
}

Conversation build(const ConversationParams& p) {
  Conversation c;
  c.name = "sig-scale";
  Step ucp = subscribe_step(kControlPoint, "enable indications on the User Control Point");
  ucp.resume_here = true;
  c.steps.push_back(ucp);
  c.steps.push_back(subscribe_step(kWeight, "enable indications on Weight Measurement"));
  c.steps.push_back(action_step("enable Body Composition Measurement if present", [](SessionContext& ctx) {
    if (ctx.link.has_characteristic(kComposition)) ctx.link.subscribe(kComposition);
  }));
  const auto index = static_cast<std::uint8_t>(p.user_index);
  const std::uint16_t consent = p.consent_code;
  c.steps.push_back(write_step(
      kControlPoint,
      [index, consent](SessionContext&) {
        Bytes b{0x02, index};
        put_u16le(b, consent);
        return b;
      },
      WriteMode::with_response, "give consent for user " + std::to_string(index)));
  c.steps.push_back(expect_step("wait for the consent answer", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kControlPoint || v.value.size() < 3 || v.value[0] != 0x20 || v.value[1] != 0x02)
      return Verdict::ignore;
    if (v.value[2] == 0x01) return Verdict::done;
    if (ctx.tell)
      ctx.tell(v.value[2] == 0x05 ? "the scale refused the consent code for this user (--user-index/--consent)"
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
  c.steps.push_back(action_step("merge the measurements", [](SessionContext& ctx) {
    const Bytes& w = ctx.frames["weight"];
    const Bytes& b = ctx.frames["composition"];
    if (auto r = decode(w, b)) {
      Bytes raw = w;
      raw.insert(raw.end(), b.begin(), b.end());
      ctx.emit(*r, raw);
    }
  }));
  return c;
}

const ConversationRegistration reg{{
    .id = "sig-scale",
    .summary = "Bluetooth SIG Weight Scale / Body Composition with User Data consent",
    .matches = matches,
    .build = build,
}};

}  // namespace
}  // namespace declouder
