// Soehnle Shape 200/100/50 and Style 100 body-analysis scales: asked over GATT.
//
// The standard services for the time and the person, Soehnle's own for the weighings:
//   0x1805/0x2A2B  the app writes the time: year u16 LE, month, day, hour, minute, second,
//                  day of week, 0
//   0x181C         User Data: the app selects its user on 0x2A9F (02 <index> 00 00; the scale
//                  indicates 20 02 01 on success) or creates one (01 00 00 -> 20 01 01 <index>),
//                  then writes age 0x2A80, gender 0x2A8C (0 male, 1 female), height 0x2A8E u16 LE cm
//   352e3000-28e9-40b8-a361-6db4cca4147c  notify 352e3001 (weighings) and 352e3004, write 352e3002
//                  the app writes 09 <user index> for each of the 7 users: the scale sends their
//                  stored weighings on 3001, 15 bytes each:
//     0   0x09          1  the user index (1-7)
//     2-3 year u16 BE   4-8  month, day, hour, minute, second (the scale's wall clock)
//     9-10  weight u16 BE, kg x 10
//     11-12 impedance at 5 kHz, u16 BE ohm (kept raw)   13-14  impedance at 50 kHz (the one kept)
// The user index is the reading's user slot: [[person]] scale_user picks the person.
//
// Real vector: a stored weighing in a Shape Sense Connect 200's btsnoop log, openScale issue
// #487 (`09 01 07E0 01 09 0A 33 1C 0555 01DC 019D`: 136.5 kg as its owner read it, user 1, 476
// and 413 ohm). The same log's live weight (`30 01 00 0565 …`, 138.1 kg) is another message on
// 3001, left undecoded: the stored weighings are the finished ones.
// Sources: openScale scales/SoehnleHandler.kt and issue #487. Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "soehnle";
const Uuid kTimeService = Uuid::from16(0x1805), kTime = Uuid::from16(0x2A2B);
const Uuid kUserData = Uuid::from16(0x181C), kControl = Uuid::from16(0x2A9F), kAge = Uuid::from16(0x2A80),
           kGender = Uuid::from16(0x2A8C), kHeight = Uuid::from16(0x2A8E);
const Uuid kSoehnle = *Uuid::parse("352e3000-28e9-40b8-a361-6db4cca4147c");
const Uuid kWeighings = *Uuid::parse("352e3001-28e9-40b8-a361-6db4cca4147c");
const Uuid kCommands = *Uuid::parse("352e3002-28e9-40b8-a361-6db4cca4147c");
const Uuid kOther = *Uuid::parse("352e3004-28e9-40b8-a361-6db4cca4147c");

DecodeOutcome decode_frame(ByteView b) {
  if (b.empty() || b[0] != 0x09) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a 09 weighing");
  if (b.size() != 15) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Soehnle weighings are 15 bytes");
  const std::uint16_t raw = be16(&b[9]);
  if (raw == 0 || raw > 3000) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0-300 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = raw / 10.0;
  r.stabilized = true;
  if (b[1] >= 1 && b[1] <= 7) r.user_slot = b[1];
  r.device_time = decode_util::wall_clock(be16(&b[2]), b[4], b[5], b[6], b[7], b[8]);
  const double ohm = be16(&b[13]);
  if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kWeighings) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 352e3001");
  return decode_frame(v.value);
}

bool claims(const Advertisement& adv) {
  using decode_util::starts_with_ci;
  return starts_with_ci(adv.name, "Shape200") || starts_with_ci(adv.name, "Shape100") || starts_with_ci(adv.name, "Shape50") ||
         starts_with_ci(adv.name, "Style100");
}

Conversation conversation(const ConversationContext& c) {
  Conversation conv;
  conv.name = kModel;
  const CivilTime now = civil_from_unix(c.unix_now);
  const int weekday = static_cast<int>(((days_from_civil(now.year, now.month, now.day) % 7) + 10) % 7) + 1;  // 1 Monday
  Bytes time;
  put_u16le(time, static_cast<std::uint16_t>(now.year));
  for (int v : {now.month, now.day, now.hour, now.minute, now.second, weekday, 0}) put_u8(time, static_cast<std::uint8_t>(v));
  conv.steps.push_back(write_step(kTime, time, WriteMode::with_response, "the time (0x2A2B)"));
  Step control = subscribe_step(kControl, "indications on 0x2A9F");
  control.resume_here = true;
  conv.steps.push_back(control);
  const auto slot = static_cast<std::uint8_t>(c.user.slot);
  conv.steps.push_back(write_step(kControl, Bytes{0x02, slot, 0x00, 0x00}, WriteMode::with_response, "select the user"));
  conv.steps.push_back(expect_step("the user selected (or created)", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kControl || v.value.size() < 3 || v.value[0] != 0x20) return Verdict::ignore;
    if (v.value[1] == 0x02 && v.value[2] != 0x01) {  // not known: create one
      ctx.link.write(kControl, Bytes{0x01, 0x00, 0x00}, WriteMode::with_response);
      return Verdict::more;
    }
    if (v.value[1] == 0x01 && v.value[2] != 0x01) return Verdict::fail;
    return Verdict::done;
  }));
  const int height = c.person ? static_cast<int>(std::lround(c.person->height_cm)) : 170;
  const int age = c.person ? age_on(c.person->birth_date, c.unix_now * 1000000) : 30;
  Bytes h;
  put_u16le(h, static_cast<std::uint16_t>(height));
  conv.steps.push_back(write_step(kAge, Bytes{static_cast<std::uint8_t>(age)}, WriteMode::with_response, "age"));
  conv.steps.push_back(write_step(kGender, Bytes{static_cast<std::uint8_t>(c.person && c.person->sex == Sex::female ? 1 : 0)},
                                  WriteMode::with_response, "gender"));
  conv.steps.push_back(write_step(kHeight, h, WriteMode::with_response, "height"));
  conv.steps.push_back(subscribe_step(kWeighings, "notifications on 352e3001"));
  for (std::uint8_t i = 1; i <= 7; ++i)
    conv.steps.push_back(write_step(kCommands, Bytes{0x09, i}, WriteMode::with_response, "stored weighings of a user"));
  conv.steps.push_back(gate_step("step on the scale", [slot](const GattValue& v, SessionContext& ctx) {
    DecodeOutcome o = decode_gatt(v);
    if (!o.ok()) return Verdict::ignore;
    o.reading.address = v.address;
    ctx.emit(o.reading, v.value);
    return o.reading.user_slot == slot ? Verdict::done : Verdict::more;  // others' weighings are kept too
  }));
  return conv;
}

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "soehnle";
  s.name = "Shape200";
  s.default_address = "F4:11:D5:20:00:01";
  s.advertised_services = {kSoehnle};
  s.services = {{kTimeService, {{kTime, kWrite | kRead, {}}}},
                {kUserData, {{kControl, kWrite | kIndicate, {}}, {kAge, kWrite, {}}, {kGender, kWrite, {}}, {kHeight, kWrite, {}}}},
                {kSoehnle, {{kWeighings, kNotify, {}}, {kCommands, kWrite, {}}, {kOther, kNotify, {}}}}};
  s.on_write = [](const Uuid& c, const Bytes& v, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    using std::chrono::milliseconds;
    if (c == kControl && !v.empty() && v[0] == 0x02) out.push_back({milliseconds(100), kControl, Bytes{0x20, 0x02, 0x01}});
    if (c == kControl && !v.empty() && v[0] == 0x01) out.push_back({milliseconds(100), kControl, Bytes{0x20, 0x01, 0x01, 0x01}});
    if (c == kCommands && v.size() == 2 && v[0] == 0x09 && v[1] == 0x01) {  // user 1 weighed this morning
      Bytes f{0x09, 0x01};
      put_u16be(f, 2026);
      for (std::uint8_t b : {12, 1, 7, 15, 30}) f.push_back(b);
      put_u16be(f, static_cast<std::uint16_t>(std::lround(o.weight_kg * 10)));
      put_u16be(f, static_cast<std::uint16_t>(std::lround(o.impedance_ohm * 1.2)));  // higher at 5 kHz
      put_u16be(f, static_cast<std::uint16_t>(std::lround(o.impedance_ohm)));
      out.push_back({milliseconds(400), kWeighings, f});
    }
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kSoehnle = {
    .id = kModel,
    .name = "Soehnle Shape 200/100/50, Style 100",
    .manufacturer = "Soehnle",
    .names = {"Shape200", "Shape100", "Shape50", "Style100"},
    .recognised_by = "names Shape200…, Shape100…, Shape50…, Style100…; 15-byte 09 weighings on 352e3001-…",
    .reports = {"weight_kg", "impedance_ohm", "user_slot", "device_time"},
    .link = LinkMode::gatt,
    .gatt_uuids = {kWeighings},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "the time, the user (User Data: select or create, age, gender, height); each user's weighings on 352e3001",
        .build = conversation,
        .needs_person = true,
    },
    .simulator = DeviceSimulator{
        .name = "soehnle",
        .summary = "Soehnle (Shape200): user 1's weighing on 352e3001 once the app asks (09 01)",
        .create = simulator,
    },
};

}  // namespace declouder
