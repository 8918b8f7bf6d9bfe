// Digoo DG-SO38H ("Mengii"): asked over GATT; the scale computes its own metrics.
//
// Service 0xFFF0: 0xFFF1 notify (20-byte frames), 0xFFF2 write.
//   frame: 3-4 weight u16 BE, kg x 100; 5 control: bit0 weight stable, bit1 all values present;
//          with all values: 6-7 fat % x 10 (0: none measured), 10 visceral fat x 10,
//          11-12 water % x 10, 16-17 muscle x 10 (not decoded), 18 bone kg x 10
// When the weight is stable the app writes the person, 16 bytes:
//   09 10 12 11 0D 01 <height cm> <age> <sex: 0 male, 1 female> <unit: 1 kg, 2 lb, 8 st> 00 00 00
//   00 00 <sum of bytes 3-14>
// and the scale answers with the all-values frame. Its fat, water, bone and visceral fat are kept
// as the scale's own metrics. (openScale notes that the unit needs the vendor app once to be
// initialised; declouder writes the same bytes.)
//
// No public capture was found; the tests use frames built from this layout and every frame of
// ble-scale-sync's tests/scales/digoo.test.ts (constructed by its authors, not captured).
// Sources: openScale scales/DigooDGSO38HHandler.kt. Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "digoo-dg-so38h";
const Uuid kService = Uuid::from16(0xFFF0), kFrames = Uuid::from16(0xFFF1), kCommands = Uuid::from16(0xFFF2);

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() != 20) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Digoo frames are 20 bytes");
  const std::uint16_t raw = be16(&b[3]);
  if (raw == 0 || raw > 30000) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0-300 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = raw / 100.0;
  const bool all = b[5] & 0x02;
  r.stabilized = all;  // the all-values frame is the result; a stable weight alone asks for it
  if (all) {
    const double fat = be16(&b[6]) / 10.0;
    if (fat > 0 && fat < 80) {
      r.add_device_metric("fat_percent", fat);
      if (b[10] > 0) r.add_device_metric("visceral_fat", b[10] / 10.0);
      const double water = be16(&b[11]) / 10.0;
      if (water > 0 && water < 90) r.add_device_metric("water_percent", water);
      if (b[18] > 0 && b[18] < 100) r.add_device_metric("bone_kg", b[18] / 10.0);
    }
  }
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kFrames) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFFF1");
  return decode_frame(v.value);
}

bool claims(const Advertisement& adv) { return decode_util::equals_ci(adv.name, "Mengii"); }

Bytes person(const ConversationContext& c) {
  const int height = c.person ? static_cast<int>(std::lround(c.person->height_cm)) : 170;
  const int age = c.person ? age_on(c.person->birth_date, c.unix_now * 1000000) : 30;
  std::uint8_t unit = 0x01;
  if (c.person && c.person->unit == WeightUnit::lb) unit = 0x02;
  if (c.person && c.person->unit == WeightUnit::st) unit = 0x08;
  Bytes p{0x09, 0x10, 0x12, 0x11, 0x0D, 0x01, static_cast<std::uint8_t>(height), static_cast<std::uint8_t>(age),
          static_cast<std::uint8_t>(c.person && c.person->sex == Sex::female ? 1 : 0), unit, 0, 0, 0, 0, 0, 0};
  p[15] = sum8(ByteView(p).subspan(3, 12));
  return p;
}

Conversation conversation(const ConversationContext& c) {
  Conversation conv;
  conv.name = kModel;
  Step subscribe = subscribe_step(kFrames, "notifications on FFF1");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  conv.steps.push_back(gate_step("step on the scale", [](const GattValue& v, SessionContext&) {
    DecodeOutcome o = decode_gatt(v);
    if (!o.ok()) return Verdict::ignore;
    return (v.value[5] & 0x01) ? Verdict::done : Verdict::more;  // the weight is stable
  }));
  conv.steps.push_back(write_step(kCommands, person(c), WriteMode::with_response, "the person (09 10 12)"));
  conv.steps.push_back(expect_step("all values", [](const GattValue& v, SessionContext& ctx) {
    return emit_when_final(decode_gatt(v), v, ctx, Verdict::ignore);
  }));
  return conv;
}

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "digoo-dg-so38h";
  s.name = "Mengii";
  s.default_address = "A4:C1:38:D6:00:38";
  s.advertised_services = {kService};
  s.services = {{kService, {{kFrames, kNotify, {}}, {kCommands, kWrite, {}}}}};
  auto frame = [](double kg, std::uint8_t control) {
    Bytes f(3, 0);
    put_u16be(f, static_cast<std::uint16_t>(std::lround(kg * 100)));
    f.push_back(control);
    if (control & 0x02) {
      put_u16be(f, 219);          // 21.9 % fat
      f.push_back(0), f.push_back(0);
      f.push_back(75);            // visceral 7.5
      put_u16be(f, 548);          // 54.8 % water
      f.push_back(0), f.push_back(0), f.push_back(0);
      put_u16be(f, 402);
      f.push_back(30);            // bone 3.0 kg
    }
    f.resize(20, 0);
    return f;
  };
  s.on_subscribe = [frame](const Uuid& c, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    if (c != kFrames) return out;
    out.push_back({std::chrono::milliseconds(400), kFrames, frame(o.weight_kg * 0.8, 0x00)});
    out.push_back({std::chrono::milliseconds(900), kFrames, frame(o.weight_kg, 0x01)});
    return out;
  };
  s.on_write = [frame](const Uuid& c, const Bytes& v, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    if (c == kCommands && v.size() == 16 && v[0] == 0x09 && v[15] == sum8(ByteView(v).subspan(3, 12)))
      out.push_back({std::chrono::milliseconds(1200), kFrames, frame(o.weight_kg, 0x03)});
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kDigooDgSo38h = {
    .id = kModel,
    .name = "Digoo DG-SO38H (Mengii)",
    .manufacturer = "Digoo",
    .names = {"Mengii"},
    .recognised_by = "name Mengii; service 0xFFF0, 20-byte frames on 0xFFF1",
    .reports = {"weight_kg", "fat_percent", "visceral_fat", "water_percent", "bone_kg"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0xFFF1},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "frames on FFF1 until the weight is stable; the person on FFF2; the all-values result",
        .build = conversation,
        .needs_person = true,
    },
    .simulator = DeviceSimulator{
        .name = "digoo-dg-so38h",
        .summary = "Digoo DG-SO38H (Mengii): weights on FFF1, the all-values result once given the person",
        .create = simulator,
    },
};

}  // namespace declouder
