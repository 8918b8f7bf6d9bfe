// Weight Gurus Bluetooth Smart Scale 0376 (Greater Goods / DMD Brands; a Transtek "A3" scale):
// weight, impedance and the scale's own body composition over GATT, after a one-time pairing
// whose password the app keeps, with the weighings the scale queued while nobody listened.
//
// Names: "10376B" while it waits to be paired, "00376B<serial>" once paired (both carry Transtek's
// model code 0376B). Device Information: manufacturer "GURUS", model "380", firmware 1.0.
// Service 0d005750-c36b-11e3-9c1a-0800200c9a66: 0x8A20 feature (read), 0x8A22 body composition
// (indicate), 0x8A24 weight (indicate), 0x8A81 commands (write), 0x8A82 events (indicate).
//
// Pairing (a new scale, or one reset):
//   scale 0x8A82: A0 <password, 4 bytes>         the app keeps it, for good
//   app   0x8A81: 21 <account id, 4 bytes>        any non-zero value
//   scale 0x8A82: A1 <random, 4 bytes>
//   app   0x8A81: 20 <random XOR password>
//   scale 0x8A82: 83 <slot> <18-byte name>, for slots 1..8 (spaces: a free slot); the app writes
//                 nothing until the eighth: a write before it ends the pairing with E1
//   app   0x8A81: 03 <slot> <18-byte name, space padded>   (registers the person in a slot)
//                 51 17 <slot> <sex> <age> <height> <unit>  (their profile, see below)
//                 02 <the local wall clock, seconds since 2010-01-01>
//                 22                                          (the scale may end the connection)
//   the scale commits the pairing and hangs up itself; the app hanging up first interrupts the
//   commit (E1). It calls itself "00376B<serial>" from then on.
// Every connection after that:
//   scale A1 <random>; app 20 <random XOR password>, 02 <clock>; then the weighings.
//   (We also write 51 again, as openScale does: a changed height or age reaches the scale.)
// The scale keeps local time: 02 carries the local wall clock, and its weighings are stamped with
// it (read back as a wall clock, without a zone).
//
// 51's fields: sex 1 male, 2 female (3 and 4 the athlete variants), age in years, the height as
// an IEEE-11073 SFLOAT in metres (cm x 10 at exponent -3: 170 cm is D6A4; at most 204 cm), the
// display unit 0 kg, 1 lb, 2 st. A height of 0 is not accepted. C0 <the same body> echoes a
// slot's profile. The scale computes body composition from the profile of the slot a weighing
// is attributed to, a choice made with its button; registering the person's slot with their
// profile is what makes its percentages theirs.
//
// Weight frame (0x8A24): the Transtek weight frame (transtek_a3.hpp): flags, the weight (32-bit
// FLOAT, kg), then time, weight difference, impedance (32-bit FLOAT, ohm), user slot, status
// (bit 4: a composition frame follows). Flag bit 5 takes no bytes; the write-up could not explain
// it. We read bits 5-6 as the display unit, as the Trisa and Medisana A3 frames have them: its
// example frame (flags 3F, bit 5 set: lb) was taken on slot 1, whose profile the scale echoed
// with unit 01 (pounds). An inference, not a fact of the write-up.
// Body-composition frame (0x8A22): flags, the weight frame's time (u32), then per flag: 0x01 user
// slot (u8), 0x02 basal metabolism (u16, kcal), 0x04 fat %, 0x08 water %, 0x10 visceral fat
// level, 0x20 muscle %, 0x40 bone % (of the weight), each an SFLOAT, 0x80 battery (u8). It is
// matched to its weight frame by the time; no capture has shown 0x02, 0x10 or 0x80.
//
// Delivery: weighings are stored on the scale and forwarded, newest first, the whole backlog in
// one session; a queue per slot, only the selected slot's drained; a delivered weighing is gone
// from the scale. Nothing acknowledges or asks for history: every weighing arriving is kept, and
// duplicates are told apart by the scale's time (the recorder keys weighings by it).
//
// Frames from the protocol write-up (described as observed on the author's scale, firmware 1.0):
//   3F 581B00FE 1020401F 00000000 881300FF 01 19   70.00 kg, 500.0 ohm, slot 1, stable, finished,
//                                                  composition follows (2026-08-13 05:50:08)
//   6D 1020401F 01 B7F0 58F2 90F1 23F0             fat 18.3 %, water 60.0 %, muscle 40.0 %,
//                                                  bone 3.5 % (2.45 kg of 70 kg)
//   C0 17 01 01 28 A4D6 01                         slot 1: male, 40, 170 cm, pounds
//   password f180a0cb, random 010040a1: 20 f080e06a
// What we report: weight, the display unit, the scale's time, stable, the user slot, the
// impedance once measured, and the scale's fat, water, muscle, bone (kg), visceral fat, BMR as
// device metrics.
//
// Other Transtek scales share these characteristics. The Medisana BS44x (medisana_bs44x/) sends
// its body frame on 0x8A22 in the same layout (flags 0x6F), with bone in kg where this one sends
// a percentage: a composition frame is this family's only from a device named as a Weight Gurus
// (and Medisana refuses frames from one). The Trisa Body Analyze (trisa_body_analyze/) sends its
// weight frames on 0x8A21.
//
// Sources: openScale WeightGurusA3Handler.kt and WeightGurusA3HandlerTest.kt, and the protocol
// write-up of openScale pull request #1467 (docs/misc/weight_gurus_a3_protocol.md at commit
// 7f2d4368, removed before the merge). Re-implemented from these facts; no code copied.
#include <bit>
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/weight_gurus_a3/protocol.hpp"

namespace declouder::weight_gurus {

Conversation conversation(const ConversationContext& c);                 // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

bool is_weight_gurus_name(std::string_view name) {
  return decode_util::starts_with_ci(name, kUnpairedName) || decode_util::starts_with_ci(name, kPairedNamePrefix);
}

DecodeOutcome decode_weight(ByteView b) {
  const std::optional<transtek::WeightFrame> f = transtek::parse_weight_frame(b);
  if (!f) return DecodeOutcome::reject(DecodeStatus::wrong_length, transtek::weight_frame_problem(b));
  if (!(f->kg > 0) || f->kg > 300)
    return DecodeOutcome::reject(DecodeStatus::invalid_value, "the weight is not a person's (0-300 kg)");
  Reading r;
  r.model = kModel;
  r.weight_kg = f->kg;
  r.unit = f->unit;
  r.stabilized = f->stable();
  if (f->time && *f->time != 0) {  // 0: a clock never set
    DeviceClock clock;
    clock.civil = civil_from_unix(transtek::kEpoch2010Unix + *f->time);
    r.device_time = clock;  // the local wall clock the app set
  }
  if (f->user && *f->user >= 1 && *f->user <= kSlots) r.user_slot = *f->user;
  if (f->resistance && f->impedance_finished() && decode_util::plausible_impedance(*f->resistance))
    r.impedance_ohm = *f->resistance;
  return DecodeOutcome::success(r);
}

std::optional<Composition> parse_composition(ByteView b, const char** why) {
  auto fail = [why](const char* reason) {
    if (why) *why = reason;
    return std::optional<Composition>{};
  };
  if (b.size() < 5) return fail("a Weight Gurus body-composition frame has 5 bytes or more");
  const std::uint8_t flags = b[0];
  // 1 byte for the user (0x01) and the battery (0x80), 2 for each of the six between.
  const std::size_t need = 5 + (flags & 0x01) + (flags >> 7) + 2 * std::popcount(static_cast<unsigned>(flags & 0x7E));
  if (b.size() < need) return fail("shorter than the fields its flags byte announces");
  Composition c;
  c.time = le32(&b[1]);
  std::size_t at = 5;
  // An SFLOAT within [lo, hi], else nothing (a special code or an absurd value is no measurement).
  auto sfloat = [&](double lo, double hi) {
    const std::uint8_t* p = &b[at];
    at += 2;
    const double v = transtek::sfloat16(p);
    return !transtek::sfloat16_special(p) && v >= lo && v <= hi ? std::optional<double>(v) : std::nullopt;
  };
  if (flags & 0x01) {
    if (b[at] >= 1 && b[at] <= kSlots) c.user = b[at];
    at += 1;
  }
  if (flags & 0x02) {
    const std::uint16_t kcal = le16(&b[at]);
    if (kcal >= 300 && kcal <= 6000) c.bmr_kcal = kcal;
    at += 2;
  }
  if (flags & 0x04) c.fat_percent = sfloat(1, 75);
  if (flags & 0x08) c.water_percent = sfloat(10, 85);
  if (flags & 0x10) c.visceral_fat = sfloat(1, 59);
  if (flags & 0x20) c.muscle_percent = sfloat(5, 90);
  if (flags & 0x40) c.bone_percent = sfloat(0.5, 15);
  if (flags & 0x80 && b[at] <= 100) c.battery_percent = b[at];
  return c;
}

namespace {

void add_metrics(Reading& r, const Composition& c) {
  auto add = [&r](const char* name, const std::optional<double>& v) {
    if (v) r.add_device_metric(name, std::round(*v * 100) / 100);
  };
  add("fat_percent", c.fat_percent);
  add("water_percent", c.water_percent);
  add("muscle_percent", c.muscle_percent);
  add("visceral_fat", c.visceral_fat);
  add("bmr_kcal", c.bmr_kcal);
  if (c.battery_percent) r.battery_percent = c.battery_percent;
}

}  // namespace

DecodeOutcome decode_composition(ByteView b) {
  const char* why = "";
  const std::optional<Composition> c = parse_composition(b, &why);
  if (!c) return DecodeOutcome::reject(DecodeStatus::wrong_length, why);
  Reading r;
  r.model = kModel;
  r.stabilized = true;
  if (c->time != 0) {
    DeviceClock clock;
    clock.civil = civil_from_unix(transtek::kEpoch2010Unix + c->time);
    r.device_time = clock;
  }
  r.user_slot = c->user;
  add_metrics(r, *c);
  return DecodeOutcome::success(r);
}

void add_composition(Reading& weighing, const Composition& c) {
  add_metrics(weighing, c);
  if (c.bone_percent && weighing.weight_kg)  // the scale sends bone as a share of the weight
    weighing.add_device_metric("bone_kg", std::round(*c.bone_percent * *weighing.weight_kg) / 100);
  if (!weighing.user_slot) weighing.user_slot = c.user;
}

Bytes add_user_command(int slot, std::string_view name) {
  Bytes out{kCommandAddUser, static_cast<std::uint8_t>(slot)};
  for (std::size_t i = 0; i < kSlotNameLength; ++i) {
    const char ch = i < name.size() ? name[i] : ' ';
    out.push_back(ch >= 0x20 && ch <= 0x7E ? static_cast<std::uint8_t>(ch) : ' ');  // plain ASCII only
  }
  return out;
}

std::uint16_t height_sfloat(int height_cm) {
  return transtek::sfloat16_bits(std::clamp(height_cm, 1, kMaxHeightCm) / 100.0, -3);
}

namespace {

std::uint8_t unit_code(WeightUnit u) { return u == WeightUnit::lb ? 1 : u == WeightUnit::st ? 2 : 0; }

}  // namespace

Bytes profile_command(const Profile& p) {
  const std::uint16_t height = height_sfloat(static_cast<int>(std::lround(p.height_cm)));
  const int sex = (p.male ? 1 : 2) + (p.athlete ? 2 : 0);
  return {kCommandProfile,
          kProfileMask,
          static_cast<std::uint8_t>(p.slot),
          static_cast<std::uint8_t>(sex),
          static_cast<std::uint8_t>(std::clamp(p.age, 1, 99)),
          static_cast<std::uint8_t>(height & 0xFF),
          static_cast<std::uint8_t>(height >> 8),
          unit_code(p.unit)};
}

std::optional<Profile> parse_profile(ByteView b) {
  if (b.size() < 8 || (b[0] != kCommandProfile && b[0] != kEventProfileEcho) || b[1] != kProfileMask)
    return std::nullopt;
  Profile p;
  p.slot = b[2];
  if (p.slot < 1 || p.slot > kSlots || b[3] < 1 || b[3] > 4 || b[4] == 0 || b[7] > 2) return std::nullopt;
  p.male = b[3] == 1 || b[3] == 3;
  p.athlete = b[3] >= 3;
  p.age = b[4];
  if (transtek::sfloat16_special(&b[5])) return std::nullopt;
  p.height_cm = std::round(transtek::sfloat16(&b[5]) * 1000) / 10;
  if (!(p.height_cm >= 1)) return std::nullopt;
  p.unit = b[7] == 1 ? WeightUnit::lb : b[7] == 2 ? WeightUnit::st : WeightUnit::kg;
  return p;
}

std::string slot_name(ByteView frame) {
  std::string name;
  for (std::size_t i = 2; i < frame.size() && i < 2 + kSlotNameLength; ++i)
    if (frame[i] >= 0x20 && frame[i] <= 0x7E) name.push_back(static_cast<char>(frame[i]));
  const auto first = name.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return name.substr(first, name.find_last_not_of(' ') - first + 1);
}

int choose_slot(std::optional<int> configured, std::string_view person_name,
                const std::array<std::string, kSlots + 1>& names, const std::array<bool, kSlots + 1>& free) {
  if (configured && *configured >= 1 && *configured <= kSlots) return *configured;
  std::string wanted(person_name.substr(0, std::min(person_name.size(), kSlotNameLength)));
  while (!wanted.empty() && wanted.back() == ' ') wanted.pop_back();
  while (!wanted.empty() && wanted.front() == ' ') wanted.erase(wanted.begin());
  if (!wanted.empty())
    for (int s = 1; s <= kSlots; ++s)
      if (decode_util::equals_ci(names[s], wanted)) return s;
  for (int s = 1; s <= kSlots; ++s)
    if (free[s]) return s;
  return 1;
}

namespace {

bool claims(const Advertisement& adv) {
  return is_weight_gurus_name(adv.name) || std::find(adv.service_uuids.begin(), adv.service_uuids.end(),
                                                     service_uuid()) != adv.service_uuids.end();
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic == Uuid::from16(kWeightCharacteristic)) {
    if (!v.device_name.empty() && !is_weight_gurus_name(v.device_name))
      return DecodeOutcome::reject(DecodeStatus::not_this_device, "a Weight Gurus 0376 is named 10376B or 00376B…");
    return decode_weight(v.value);
  }
  if (v.characteristic == Uuid::from16(kCompositionCharacteristic)) {
    if (!is_weight_gurus_name(v.device_name))
      return DecodeOutcome::reject(DecodeStatus::not_this_device,
                                   "0x8A22 is a Weight Gurus composition only from a device named 10376B or 00376B… "
                                   "(a Medisana BS44x sends its body frame there in the same layout)");
    return decode_composition(v.value);
  }
  return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a Weight Gurus characteristic (0x8A22, 0x8A24)");
}

}  // namespace

}  // namespace declouder::weight_gurus

namespace declouder {

extern const DeviceDescriptor kWeightGurusA3 = {
    .id = weight_gurus::kModel,
    .name = "Weight Gurus Smart Scale 0376 (Transtek A3)",
    .manufacturer = "Greater Goods",
    .names = {weight_gurus::kUnpairedName, weight_gurus::kPairedNamePrefix},
    .recognised_by = "names 10376B, 00376B…; service 0d005750-c36b-11e3-9c1a-0800200c9a66; characteristics "
                     "0x8A24 (weight, 32-bit FLOAT), 0x8A22 (body composition, SFLOATs)",
    .reports = {"weight_kg", "impedance_ohm", "device_time", "user_slot", "battery_percent", "fat_percent",
                "water_percent", "muscle_percent", "bone_kg", "visceral_fat", "bmr_kcal"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {weight_gurus::kWeightCharacteristic, weight_gurus::kCompositionCharacteristic},
    .claims = weight_gurus::claims,
    .decode_gatt = weight_gurus::decode_gatt,
    .conversation = DeviceConversation{
        .summary = "pairs once (the scale's password on 0x8A82, kept in the database; the person registered "
                   "in their slot with height, age, sex and unit), then answers its challenge, sets its clock "
                   "and takes every weighing it queued, with its body composition",
        .build = weight_gurus::conversation,
        .remembers = true,
    },
    .simulator = DeviceSimulator{
        .name = "weight-gurus-0376",
        .summary = "Weight Gurus 0376 (10376B…): pairing with eight slots, then challenge, clock, the live "
                   "weighing and one it queued, each with its body composition",
        .create = weight_gurus::simulator,
    },
};

}  // namespace declouder
