// Senssun body-fat scales ("SENSSUN FAT"): asked over GATT; the scale computes its own metrics.
//
// Service 0xFFF0: 0xFFF1 notify, 0xFFF2 write (some units serve the same on 0xFFB0/0xFFB2).
// The app writes 9-byte messages A5 <command> <3 bytes> 00 00 <sum of bytes 1-6> 00:
//   A5 30 <year % 100> <day of year u16 BE>   the date
//   A5 31 <hour> <minute> <second>            the time
//   A5 10 <sex (15 male, 0 female) x 16 + user> <age> <height cm>   the person, after the weight
// The scale notifies FF A5 <d1> <d2> <d3> <d4> <type> ...:
//   type A0 live weight, AA stable weight: d1-d2 u16 BE, kg x 10
//   B0: d1-d2 fat %, d3-d4 water %, both x 10 (u16 BE)
//   C0: d1-d2 muscle x 10 (not decoded: openScale reads it as a percentage of unclear kind),
//       d3-d4 bone u16 LE, kg x 10
//   D0: d1-d2 energy u16 BE, kcal
//   BE: an error (the conversation ends)
// The four frames after the person are the scale's own body composition, kept as its metrics
// (`fat_percent`, `water_percent`, `bone_kg`, `bmr_kcal`) of the weighing.
//
// No public capture was found; the tests use frames built from this layout and every frame of
// ble-scale-sync's tests/scales/senssun.test.ts (constructed by its authors, not captured).
// Sources: openScale scales/SenssunHandler.kt. Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "senssun";
const Uuid kService = Uuid::from16(0xFFF0), kFrames = Uuid::from16(0xFFF1), kCommands = Uuid::from16(0xFFF2);

Bytes message(std::uint8_t command, std::uint8_t a, std::uint8_t b, std::uint8_t c) {
  Bytes m{0xA5, command, a, b, c, 0x00, 0x00, 0x00, 0x00};
  m[7] = sum8(ByteView(m).subspan(1, 6));
  return m;
}

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() < 7 || b[0] != 0xFF || b[1] != 0xA5) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not an FF A5 frame");
  Reading r;
  r.model = kModel;
  switch (b[6]) {
    case 0xA0:
    case 0xAA: {
      const std::uint16_t raw = be16(&b[2]);
      if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
      r.weight_kg = raw / 10.0;
      r.stabilized = b[6] == 0xAA;
      return DecodeOutcome::success(r);
    }
    case 0xB0:
      r.add_device_metric("fat_percent", be16(&b[2]) / 10.0);
      r.add_device_metric("water_percent", be16(&b[4]) / 10.0);
      return DecodeOutcome::success(r);
    case 0xC0:
      r.add_device_metric("bone_kg", le16(&b[4]) / 10.0);
      return DecodeOutcome::success(r);
    case 0xD0:
      r.add_device_metric("bmr_kcal", be16(&b[2]));
      return DecodeOutcome::success(r);
  }
  return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "a Senssun frame other than weight or metrics");
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kFrames) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFFF1");
  return decode_frame(v.value);
}

bool claims(const Advertisement& adv) { return decode_util::equals_ci(adv.name, "SENSSUN FAT"); }

Conversation conversation(const ConversationContext& c) {
  const CivilTime now = civil_from_unix(c.unix_now);
  const int day_of_year = static_cast<int>((days_from_civil(now.year, now.month, now.day) - days_from_civil(now.year, 1, 1)) + 1);
  const int height = c.person ? static_cast<int>(std::lround(c.person->height_cm)) : 170;
  const int age = c.person ? age_on(c.person->birth_date, c.unix_now * 1000000) : 30;
  const int sex = c.person && c.person->sex == Sex::female ? 0 : 15;
  const auto user = static_cast<std::uint8_t>(sex * 16 + (c.user.slot & 0x0F));

  Conversation conv;
  conv.name = kModel;
  Step subscribe = subscribe_step(kFrames, "notifications on FFF1");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  conv.steps.push_back(write_step(kCommands, message(0x30, static_cast<std::uint8_t>(now.year % 100),
                                                     static_cast<std::uint8_t>(day_of_year >> 8),
                                                     static_cast<std::uint8_t>(day_of_year)),
                                  WriteMode::with_response, "the date (A5 30)"));
  conv.steps.push_back(write_step(kCommands, message(0x31, static_cast<std::uint8_t>(now.hour), static_cast<std::uint8_t>(now.minute),
                                                     static_cast<std::uint8_t>(now.second)),
                                  WriteMode::with_response, "the time (A5 31)"));
  conv.steps.push_back(gate_step("step on the scale", [](const GattValue& v, SessionContext& ctx) {
    if (v.value.size() >= 7 && v.value[0] == 0xFF && v.value[6] == 0xBE) return Verdict::fail;  // the scale's error
    DecodeOutcome o = decode_gatt(v);
    if (!o.ok() || !o.reading.weight_kg) return Verdict::ignore;
    if (!o.reading.stabilized) return Verdict::more;
    ctx.frames["weight"] = v.value;
    return Verdict::done;
  }));
  conv.steps.push_back(write_step(kCommands, message(0x10, user, static_cast<std::uint8_t>(age), static_cast<std::uint8_t>(height)),
                                  WriteMode::with_response, "the person (A5 10)"));
  Step metrics = expect_step("the scale's body composition", [](const GattValue& v, SessionContext& ctx) {
    DecodeOutcome o = decode_gatt(v);
    if (!o.ok() || o.reading.weight_kg || o.reading.device_metric_count == 0) return Verdict::ignore;
    ctx.frames[std::string("metrics ") + o.reading.device_metrics[0].name] = v.value;
    return ctx.frames.size() >= 4 ? Verdict::done : Verdict::more;  // weight + B0, C0, D0
  }, std::chrono::seconds(8));
  metrics.optional = true;
  conv.steps.push_back(metrics);
  conv.steps.push_back(action_step("the weighing", [](SessionContext& ctx) {
    DecodeOutcome w = decode_frame(ctx.frames["weight"]);
    if (!w.ok()) return;
    Bytes raw = ctx.frames["weight"];
    for (const auto& [name, frame] : ctx.frames) {
      if (name == "weight") continue;
      const Reading m = decode_frame(frame).reading;
      for (std::uint8_t i = 0; i < m.device_metric_count; ++i) w.reading.add_device_metric(m.device_metrics[i].name, m.device_metrics[i].value);
      raw.insert(raw.end(), frame.begin(), frame.end());
    }
    ctx.emit(w.reading, raw);
  }));
  return conv;
}

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "senssun";
  s.name = "SENSSUN FAT";
  s.default_address = "C8:FD:19:55:00:01";
  s.advertised_services = {kService};
  s.services = {{kService, {{kFrames, kNotify, {}}, {kCommands, kWrite, {}}}}};
  s.on_write = [](const Uuid& c, const Bytes& v, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    if (c != kCommands || v.size() != 9 || v[0] != 0xA5) return out;
    auto frame = [](std::uint8_t type, unsigned d12, std::uint8_t d3, std::uint8_t d4) {
      return Bytes{0xFF, 0xA5, static_cast<std::uint8_t>(d12 >> 8), static_cast<std::uint8_t>(d12), d3, d4, type, 0x00};
    };
    const auto w = static_cast<unsigned>(std::lround(o.weight_kg * 10));
    if (v[1] == 0x31) {  // the time: the scale is ready, the person steps on
      out.push_back({std::chrono::milliseconds(400), kFrames, frame(0xA0, w * 6 / 10, 0, 0)});
      out.push_back({std::chrono::milliseconds(800), kFrames, frame(0xA0, w, 0, 0)});
      out.push_back({std::chrono::milliseconds(1300), kFrames, frame(0xAA, w, 0, 0)});
    } else if (v[1] == 0x10) {  // the person: the scale's body composition (fixed plausible values)
      out.push_back({std::chrono::milliseconds(600), kFrames, frame(0xB0, 221, 0x02, 0x1C)});  // 22.1 %, 54.0 %
      out.push_back({std::chrono::milliseconds(900), kFrames, frame(0xC0, 402, 0x1E, 0x00)});  // bone 3.0 kg
      out.push_back({std::chrono::milliseconds(1200), kFrames, frame(0xD0, 1650, 0, 0)});
    }
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kSenssun = {
    .id = kModel,
    .name = "Senssun body-fat scales (SENSSUN FAT)",
    .manufacturer = "Senssun",
    .names = {"SENSSUN FAT"},
    .recognised_by = "name SENSSUN FAT; service 0xFFF0, FF A5 frames on 0xFFF1",
    .reports = {"weight_kg", "fat_percent", "water_percent", "bone_kg", "bmr_kcal"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0xFFF1},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "date and time on FFF2; the stable weight on FFF1; then the person, and the scale's fat, water, bone, kcal",
        .build = conversation,
        .needs_person = true,
    },
    .simulator = DeviceSimulator{
        .name = "senssun",
        .summary = "Senssun (SENSSUN FAT): weights on FFF1 after the time, its body composition after the person",
        .create = simulator,
    },
};

}  // namespace declouder
