// Beurer BF700/BF710/BF800, Runtastic Libra, Sanitas SBF70, SilverCrest SBF75 (Beurer's own
// protocol, before the models that speak the standard profiles): asked over GATT.
//
// Service 0xFFE0, characteristic 0xFFE1 (notify, and the app writes to it with response).
// Every frame starts with the model's start byte S: F7 on the BF700/BF800/Libra, E7 on the
// BF710, SBF70, SBF75 and AICDSCALE1. The start byte with its low nibble replaced addresses the
// link itself: 6 the init (app S&F0|6 01; the scale answers with a frame starting with that same
// byte), 9 the time (app S&F0|9 <Unix time u32 BE>).
//   scale  S 58 <flag> <weight u16 BE, x 50 g>    live weight (openScale: flag 0 = stable; the
//                                                 captured SBF70 sends 01 while someone stands on it)
//   scale  S 59 <count> <part> <payload>          the finished measurement, in parts; the app
//                                                 acknowledges each, S F1 59 <count> <part>, and the
//                                                 scale sends the next only then. Part 1 names the
//                                                 scale's user (u64 BE at frame bytes 5-12); the
//                                                 payloads of parts 2..count, joined, are:
//     0-3   the time, Unix u32 BE          4-5   weight, u16 BE x 50 g
//     6-7   impedance, u16 BE ohm          8-9   fat, u16 BE x 0.1 %
//     10-11 water, u16 BE x 0.1 %          12-13 muscle, u16 BE x 0.1 %
//     14-15 bone (openScale reads x 50 g, which gives the captured frame 11.65 kg: kept raw)
//     16-21 three more values (openScale: BMR, AMR, BMI; not decoded)
// A measurement whose impedance and composition are all zero belongs to nobody the scale knows
// (people are registered on the scale by the vendor app, with a name and birth year; declouder
// does not do that): the last live weight is then the weighing. The fat, water and muscle the
// scale computed are kept as its metrics.
//
// Real vectors: SBF70 frames in ble-scale-sync tests/scales/beurer-sanitas.test.ts, captured in
// its issues #112 (live weights E7 58 01 08 5E = 107.1 kg; an unregistered person's part 1) and
// #211 (a measurement from the official app's HCI snoop: 83.55 kg, 437 ohm, fat 22.3 %, water
// 52.1 %). The F7 models have no public capture: the same frames with F7 are tested as layout.
// Sources: openScale scales/BeurerSanitasHandler.kt (the start bytes, commands, acknowledgement
// and measurement layout); ble-scale-sync src/scales/beurer-sanitas.ts and its issues #112, #211.
// Re-implemented from those facts.
#include <cmath>
#include <memory>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"
#include "devices/simulated_body.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "beurer-sanitas-bf700";
const Uuid kService = Uuid::from16(0xFFE0), kChannel = Uuid::from16(0xFFE1);
constexpr std::uint8_t kWeight = 0x58, kMeasurement = 0x59, kAppAck = 0xF1;

bool named_e7(std::string_view n) {
  using decode_util::contains_ci;
  // openScale counts a bare "BF700" (not "BF-700") among the BF710s
  return contains_ci(n, "bf710") || contains_ci(n, "sbf70") || contains_ci(n, "sbf75") || contains_ci(n, "aicdscale1") ||
         (contains_ci(n, "bf700") && !contains_ci(n, "beurer bf700"));
}
bool named_f7(std::string_view n) {
  using decode_util::contains_ci;
  return contains_ci(n, "bf-700") || contains_ci(n, "beurer bf700") || contains_ci(n, "bf-800") ||
         contains_ci(n, "beurer bf800") || contains_ci(n, "libra-b") || contains_ci(n, "libra-w");
}
// The start byte for a device name (E7 when the name says nothing: the captured models).
std::uint8_t start_byte(std::string_view name) { return named_f7(name) ? 0xF7 : 0xE7; }

double kg(ByteView b) { return be16(b.data()) * 50 / 1000.0; }

DecodeOutcome decode_live(ByteView b) {
  if (b.size() != 5) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Beurer 58 weight frames are 5 bytes");
  const double w = kg(b.subspan(3, 2));
  if (w <= 0 || w > 300) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0-300 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = w;
  r.stabilized = b[2] == 0;
  return DecodeOutcome::success(r);
}

// The joined payloads of parts 2..count.
DecodeOutcome decode_measurement(ByteView m) {
  if (m.size() < 16) return DecodeOutcome::reject(DecodeStatus::wrong_length, "a Beurer measurement has 16 bytes or more");
  const std::uint16_t ohm = be16(&m[6]), fat = be16(&m[8]), water = be16(&m[10]), muscle = be16(&m[12]);
  if (ohm == 0 && fat == 0 && water == 0 && muscle == 0)
    return DecodeOutcome::reject(DecodeStatus::invalid_value, "an empty measurement: a person the scale does not know");
  const double w = kg(m.subspan(4, 2));
  if (w <= 0 || w > 300) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0-300 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = w;
  r.stabilized = true;
  if (const std::uint32_t t = be32(&m[0])) r.device_time = decode_util::unix_clock(t);
  if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  if (fat > 0 && fat < 800) r.add_device_metric("fat_percent", fat / 10.0);
  if (water > 0 && water < 900) r.add_device_metric("water_percent", water / 10.0);
  if (muscle > 0 && muscle < 900) r.add_device_metric("muscle_percent", muscle / 10.0);
  return DecodeOutcome::success(r);
}

// Frames one at a time: live weights decode; the parts of a measurement are joined by the
// conversation, so alone they are unsupported.
DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kChannel) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFFE1");
  const ByteView b = v.value;
  if (b.size() < 2 || (b[0] != 0xE7 && b[0] != 0xF7)) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not an E7/F7 frame");
  if (!v.device_name.empty() && b[0] != start_byte(v.device_name))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "the other models' start byte");
  if (b[1] == kWeight) return decode_live(b);
  if (b[1] == kMeasurement)
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "one part of a measurement (joined by the conversation)");
  return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "a Beurer frame other than a weight");
}

bool claims(const Advertisement& adv) { return named_e7(adv.name) || named_f7(adv.name); }

Bytes ack_of(std::uint8_t s, ByteView part) { return Bytes{s, kAppAck, part[1], part[2], part[3]}; }

Conversation conversation(const ConversationContext& c) {
  const std::uint8_t s = start_byte(c.advert.name);
  const auto init = static_cast<std::uint8_t>((s & 0xF0) | 6), set_time = static_cast<std::uint8_t>((s & 0xF0) | 9);
  Conversation conv;
  conv.name = kModel;
  Step subscribe = subscribe_step(kChannel, "notifications on FFE1");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  conv.steps.push_back(write_step(kChannel, Bytes{init, 0x01}, WriteMode::with_response, "init"));
  conv.steps.push_back(expect_step("the scale's init answer", [init](const GattValue& v, SessionContext&) {
    return v.characteristic == kChannel && !v.value.empty() && v.value[0] == init ? Verdict::done : Verdict::ignore;
  }));
  Bytes time{set_time};
  put_u32be(time, static_cast<std::uint32_t>(c.unix_now));
  conv.steps.push_back(write_step(kChannel, time, WriteMode::with_response, "the time"));
  conv.steps.push_back(gate_step("step on the scale", [s](const GattValue& v, SessionContext& ctx) {
    const ByteView b = v.value;
    if (v.characteristic != kChannel || b.size() < 2 || b[0] != s) return Verdict::ignore;
    if (b[1] == kWeight) {
      if (decode_live(b).ok()) ctx.frames["weight"] = v.value;
      return Verdict::more;
    }
    if (b[1] != kMeasurement || b.size() < 4) return Verdict::ignore;
    const std::uint8_t count = b[2], part = b[3];
    ctx.link.write(kChannel, ack_of(s, b), WriteMode::with_response);
    Bytes& joined = ctx.frames["measurement"];
    if (part <= 1) joined.clear();
    else joined.insert(joined.end(), b.begin() + 4, b.end());
    if (joined.size() > 256) return Verdict::fail;  // a measurement is 22 bytes: this is no scale of the family
    if (part < count) return Verdict::more;
    DecodeOutcome o = decode_measurement(joined);
    Bytes raw = joined;
    if (!o.ok()) {  // nobody the scale knows: the last live weight is the weighing
      const Bytes& last = ctx.frames["weight"];
      if (last.empty()) return Verdict::fail;
      o = decode_live(last);
      o.reading.stabilized = true;
      raw = last;
    }
    o.reading.address = v.address;
    ctx.emit(o.reading, raw);
    return Verdict::done;
  }));
  return conv;
}

// The scale's side: answers the init; once it has the time, live weights, then the measurement
// in three parts, each after the app acknowledged the one before.
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "beurer-sanitas-bf700";
  s.name = "SANITAS SBF70";
  s.default_address = "C4:B9:64:70:00:01";
  s.advertised_services = {kService};
  s.services = {{kService, {{kChannel, kNotify | kWrite, {}}}}};
  auto clock = std::make_shared<std::uint32_t>(0);
  s.on_write = [clock](const Uuid& c, const Bytes& v, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    using std::chrono::milliseconds;
    if (c != kChannel || v.size() < 2) return out;
    auto weight = [](std::uint8_t flag, double kg) {
      Bytes f{0xE7, kWeight, flag};
      put_u16be(f, static_cast<std::uint16_t>(std::lround(kg * 20)));
      return f;
    };
    if (v[0] == 0xE6 && v[1] == 0x01) out.push_back({milliseconds(100), kChannel, Bytes{0xE6, 0x00}});
    if (v[0] == 0xE9 && v.size() == 5) {
      *clock = be32(&v[1]);
      out.push_back({milliseconds(400), kChannel, weight(0x01, o.weight_kg * 0.6)});
      out.push_back({milliseconds(800), kChannel, weight(0x01, o.weight_kg)});
      out.push_back({milliseconds(1200), kChannel, weight(0x00, o.weight_kg)});
      Bytes part1{0xE7, kMeasurement, 0x03, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x65};  // user id 0x65
      out.push_back({milliseconds(2500), kChannel, part1});
    }
    if (v[0] == 0xE7 && v.size() == 5 && v[1] == kAppAck && v[2] == kMeasurement && v[3] == 0x03 && v[4] < 3) {
      const SimulatedBody body = simulated_body(o.weight_kg, o.impedance_ohm, 178, 40, true);
      Bytes m;
      put_u32be(m, *clock);
      put_u16be(m, static_cast<std::uint16_t>(std::lround(o.weight_kg * 20)));
      put_u16be(m, static_cast<std::uint16_t>(std::lround(o.impedance_ohm)));
      for (double pct : {body.fat_percent, body.water_percent, body.muscle_percent})
        put_u16be(m, static_cast<std::uint16_t>(std::lround(pct * 10)));
      put_u16be(m, static_cast<std::uint16_t>(std::lround(body.bone_kg * 100)));
      put_u16be(m, static_cast<std::uint16_t>(std::lround(body.bmr_kcal)));
      put_u16be(m, static_cast<std::uint16_t>(std::lround(body.bmr_kcal * 1.5)));
      put_u16be(m, static_cast<std::uint16_t>(std::lround(o.weight_kg / (1.78 * 1.78) * 10)));
      const std::uint8_t next = v[4] + 1;  // parts 2 and 3 carry 11 bytes each
      Bytes part{0xE7, kMeasurement, 0x03, next};
      part.insert(part.end(), m.begin() + (next - 2) * 11, m.begin() + (next - 1) * 11);
      out.push_back({milliseconds(150), kChannel, part});
    }
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kBeurerSanitasBf700 = {
    .id = kModel,
    .name = "Beurer BF700/BF710/BF800, Runtastic Libra, Sanitas SBF70, SilverCrest SBF75 (Beurer's own protocol)",
    .manufacturer = "Beurer, Sanitas, Runtastic, SilverCrest",
    .names = {"SANITAS SBF70", "BEURER BF710", "SBF75", "AICDSCALE1", "BEURER BF700", "BF-700", "BF-800", "RT-Libra-B"},
    .recognised_by = "names …BF710…, …SBF70…, …SBF75…, AICDSCALE1, …BF-700/BF700/BF-800…, …Libra-B/W…; "
                     "E7 or F7 frames on 0xFFE1",
    .reports = {"weight_kg", "impedance_ohm", "device_time", "fat_percent", "water_percent", "muscle_percent"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0xFFE1},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "init and the time on FFE1; live weights, then the measurement's parts, each acknowledged (F1)",
        .build = conversation,
    },
    .simulator = DeviceSimulator{
        .name = "beurer-sanitas-bf700",
        .summary = "Sanitas SBF70: live weights on FFE1 once given the time, then a measurement in three acknowledged parts",
        .create = simulator,
    },
};

}  // namespace declouder
