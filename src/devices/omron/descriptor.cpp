// Omron WLC body-composition monitors: the HBF-702T (and its KRD-703T sibling) and the
// HBF-222T/227T/228T/230T, BCM-500 and VIVA. They do not stream a weighing: each of their four
// users has a ring buffer of 30 measurement records in the scale's EEPROM, and the app reads
// them out afterwards over Omron's "Wellness Link" vendor service. The same service carries
// Omron's blood-pressure monitors, which keep another record format: only the scales' names
// are claimed.
//
// Names: advertised "BLEsmart_<group u16 hex><model u16 hex><…>", the group and model ids of
// the vendor app's device table (scales are group 0001): 000C and 040C HBF-702T, 0011
// KRD-703T, 0009 HBF-227T, 000B HBF-228T, 000D HBF-230T, 0408 HBF-222T, 0110 BCM-500, 0208
// VIVA. Once bonded a scale may be seen by its GAP name instead ("HBF-702T", "BCM-500", …).
//
// Service ecbe3980-c9a2-11e1-b1bd-0002a5d5c51b:
//   b305b680-aee7-11e1-a730-0002a5d5c51b  unlock channel (write, notify)
//   db5b55e0-…, e0b8a060-…, 0ae12b00-…, 10e1ba60-…  four command channels (write)
//   49123040-…, 4d0bf320-…, 5128ce60-…, 560f1420-…  four response channels (notify)
// A command is cut into 16-byte pieces, the first on the first command channel and so on; a
// response comes back the same way, and its first byte (the frame's length) says how many
// channels it spans.
//
// Unlock (every connection): the app writes 01 <its 16-byte key>; the scale answers 81 00.
// Pairing (the scale in pairing mode, its Bluetooth button held until "P" blinks): the app
// writes 02 <16 zero bytes>, the scale answers 82 00 (key programming); the app writes
// 00 <a new random key>, the scale answers 80 00 and keeps that key. A key the scale refuses
// (another app paired it since) means pairing again.
//
// Frames (command and response): [length][type u16 BE][address u16 BE][size][payload…]
// [result][bcc], bcc the XOR of every byte before it (a whole frame XORs to zero).
//   start   08 00 00 00 00 10 00 18    response type 80 00
//   read    08 01 00 <addr BE> <size ≤ 0x20> 00 <bcc>; response 81 00 <addr> <size> <bytes>
//   end     08 0F 00 00 00 00 00 07    response 08 8F 00 00 00 00 00 87 (result 0)
// A read response that declares more bytes than it carries reads as erased EEPROM (FF).
//
// EEPROM: at 0x01A0, per user slot, the ring buffer's write pointer (bytes 0-3, low 6 bits:
// the next record to fill) and the count of records not yet transferred (bytes 4-7). Records:
//   HBF-702T/KRD-703T  48 bytes, slots at 0x02C0 0x0890 0x0E60 0x1430, visceral fat in halves
//   the 32-byte models 32 bytes, slots at 0x02C0 0x06A0 0x0A80 0x0E60, visceral fat in levels
// 30 records a slot. A record's fields are bit fields of big-endian groups of bytes, bit 0 the
// least significant of the group:
//   weight         bytes 26-27, bits 4-15    x 0.05 kg (0: the record was never written)
//   body fat       bytes 2-3,   bits 6-15    x 0.1 %
//   visceral fat   bytes 2-3,   bits 0-5     x 0.5 (48-byte) or x 1 (32-byte) level
//   BMR            bytes 4-5,   bits 4-15    kcal
//   skeletal muscle bytes 6-7,  bits 6-15    x 0.1 %
//   BMI            bytes 8-9,   bits 6-15    x 0.1
//   body age       byte 10,     bits 0-6     years (absent on the BCM-500, VIVA, EU HBF-222T)
//   year 2000+     byte 7 bits 0-5;  month byte 11 bits 0-3;  day byte 12 bits 3-7;
//   hour           bytes 12-13 bits 6-10;  minute byte 9 bits 0-5;  second byte 13 bits 0-5
// Any value 0 is "not measured". An all-FF or all-00 record is an empty slot. The 48-byte
// record's segmental values (bytes 14-25, 28-47) are not described in public: not decoded.
// The time is the scale's own wall clock (no zone).
//
// What we report per record: weight, the scale's time, the user slot, and the scale's own
// body fat, skeletal muscle, BMI, BMR, visceral fat and body age (as metabolic_age) as
// device metrics. The stored measurement gets declouder's own formulas where it can, as
// every scale's does; these scales give no impedance.
//
// Sources: openScale OmronLib.kt (OmronBodyCompositionLib, OmronWlpFrame) and
// OmronWlcHandler.kt, with their tests OmronLibTest.kt (the record vectors, the session
// frames) and OmronWlcHandlerTest.kt (the names); userx14/omblepy README.md (the same service
// and unlock channel on Omron's blood-pressure monitors). Re-implemented from these facts;
// no code copied.
#include <algorithm>
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/omron/protocol.hpp"

namespace declouder::omron {

Conversation conversation(const ConversationContext& c);                 // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

namespace {
Uuid uuid(const char* text) { return *Uuid::parse(text); }
}  // namespace

const Uuid kService = uuid("ecbe3980-c9a2-11e1-b1bd-0002a5d5c51b");
const Uuid kUnlock = uuid("b305b680-aee7-11e1-a730-0002a5d5c51b");
const std::array<Uuid, 4> kCommand = {
    uuid("db5b55e0-aee7-11e1-965e-0002a5d5c51b"), uuid("e0b8a060-aee7-11e1-92f4-0002a5d5c51b"),
    uuid("0ae12b00-aee8-11e1-a192-0002a5d5c51b"), uuid("10e1ba60-aee8-11e1-89e5-0002a5d5c51b")};
const std::array<Uuid, 4> kResponse = {
    uuid("49123040-aee8-11e1-a74d-0002a5d5c51b"), uuid("4d0bf320-aee8-11e1-a0d9-0002a5d5c51b"),
    uuid("5128ce60-aee8-11e1-b84b-0002a5d5c51b"), uuid("560f1420-aee8-11e1-8184-0002a5d5c51b")};

const Profile kProfile702T = {48, {0x02C0, 0x0890, 0x0E60, 0x1430}, 30, 0.5, true};
const Profile kProfile32 = {32, {0x02C0, 0x06A0, 0x0A80, 0x0E60}, 30, 1.0, true};
const Profile kProfile32NoBodyAge = {32, {0x02C0, 0x06A0, 0x0A80, 0x0E60}, 30, 1.0, false};

namespace {

struct KnownModel {
  std::uint16_t model_id;  // in group 0001
  std::string_view gap_name;
  std::string_view display_name;
  const Profile* profile;
};

constexpr std::string_view kAdvertPrefix = "BLEsmart_";

const KnownModel kModels[] = {
    {0x000C, "HBF-702T", "Omron HBF-702T", &kProfile702T},
    {0x040C, "", "Omron HBF-702T", &kProfile702T},
    {0x0011, "KRD-703T", "Omron KRD-703T", &kProfile702T},
    {0x0009, "HBF-227T", "Omron HBF-227T", &kProfile32},
    {0x000B, "HBF-228T", "Omron HBF-228T", &kProfile32},
    {0x000D, "HBF-230T", "Omron HBF-230T", &kProfile32},
    {0x0408, "HBF-222T", "Omron HBF-222T", &kProfile32},
    {0x0110, "BCM-500", "Omron BCM-500", &kProfile32NoBodyAge},
    {0x0208, "VIVA", "Omron VIVA", &kProfile32NoBodyAge},
};

std::optional<std::uint32_t> hex32(std::string_view s) {
  if (s.size() < 8) return std::nullopt;
  std::uint32_t v = 0;
  for (char ch : s.substr(0, 8)) {
    const char c = decode_util::lower(ch);
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else return std::nullopt;
    v = (v << 4) | static_cast<std::uint32_t>(d);
  }
  return v;
}

// A field: `bits` bits from bit `shift` of the `size` bytes at `offset`, read big-endian.
struct Field {
  std::size_t offset, size;
  int shift, bits;
};
constexpr Field kWeight{26, 2, 4, 12}, kFat{2, 2, 6, 10}, kVisceral{2, 2, 0, 6}, kBmr{4, 2, 4, 12},
    kMuscle{6, 2, 6, 10}, kBmi{8, 2, 6, 10}, kBodyAge{10, 1, 0, 7}, kYear{7, 1, 0, 6}, kMinute{9, 1, 0, 6},
    kMonth{11, 1, 0, 4}, kDay{12, 1, 3, 5}, kHour{12, 2, 6, 5}, kSecond{13, 1, 0, 6};

unsigned field(ByteView r, Field f) {
  unsigned v = 0;
  for (std::size_t i = 0; i < f.size; ++i) v = (v << 8) | r[f.offset + i];
  return (v >> f.shift) & ((1u << f.bits) - 1);
}

void put_field(Bytes& r, Field f, long value) {
  const unsigned v = static_cast<unsigned>(std::clamp(value, 0L, static_cast<long>((1u << f.bits) - 1))) << f.shift;
  for (std::size_t i = 0; i < f.size; ++i)
    r[f.offset + i] |= static_cast<std::uint8_t>(v >> (8 * (f.size - 1 - i)));
}

Bytes sealed(Bytes frame) {
  frame.push_back(bcc(frame));
  return frame;
}

}  // namespace

std::optional<Model> model_for(std::string_view name) {
  if (decode_util::starts_with_ci(name, kAdvertPrefix)) {
    const auto ids = hex32(name.substr(kAdvertPrefix.size()));
    if (!ids || (*ids >> 16) != 0x0001) return std::nullopt;  // group 1: the scales
    for (const KnownModel& m : kModels)
      if (m.model_id == (*ids & 0xFFFF)) return Model{m.display_name, m.profile};
    return std::nullopt;
  }
  for (const KnownModel& m : kModels)
    if (!m.gap_name.empty() && decode_util::equals_ci(name, m.gap_name)) return Model{m.display_name, m.profile};
  return std::nullopt;
}

std::uint8_t bcc(ByteView b) { return xor8(b); }

Bytes start_transmission() { return sealed({0x08, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00}); }
Bytes end_transmission() { return sealed({0x08, 0x0F, 0x00, 0x00, 0x00, 0x00, 0x00}); }

Bytes read_eeprom(std::uint16_t address, std::size_t length) {
  length = std::clamp<std::size_t>(length, 1, kMaxReadBlock);
  return sealed({0x08, 0x01, 0x00, static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address),
                 static_cast<std::uint8_t>(length), 0x00});
}

namespace {
Bytes key_command(std::uint8_t op, ByteView key) {
  Bytes out{op};
  for (std::size_t i = 0; i < kKeySize; ++i) out.push_back(i < key.size() ? key[i] : 0);
  return out;
}
}  // namespace

Bytes unlock_command(ByteView key) { return key_command(kOpUnlock, key); }
Bytes write_key_command(ByteView key) { return key_command(kOpWriteKey, key); }
Bytes key_programming_command() { return key_command(kOpKeyProgramming, {}); }

std::optional<Response> parse_response(ByteView frame) {
  if (frame.size() < 8) return std::nullopt;
  const std::size_t length = frame[0];
  if (length < 8 || length > frame.size()) return std::nullopt;
  const ByteView exact = frame.first(length);
  if (bcc(exact) != 0) return std::nullopt;
  Response r;
  r.type = be16(&exact[1]);
  r.address = be16(&exact[3]);
  const std::size_t declared = exact[5];
  r.result = exact[length - 2];
  if (declared > length - 8)
    r.data.assign(declared, 0xFF);
  else
    r.data.assign(exact.begin() + 6, exact.begin() + 6 + static_cast<std::ptrdiff_t>(declared));
  return r;
}

Bytes read_response(std::uint16_t address, ByteView payload) {
  Bytes f{static_cast<std::uint8_t>(payload.size() + 8), 0x81, 0x00, static_cast<std::uint8_t>(address >> 8),
          static_cast<std::uint8_t>(address), static_cast<std::uint8_t>(payload.size())};
  f.insert(f.end(), payload.begin(), payload.end());
  f.push_back(0x00);  // result
  return sealed(f);
}

DecodeOutcome decode_record(ByteView b, const Profile& profile) {
  if (b.size() < profile.record_size)
    return DecodeOutcome::reject(DecodeStatus::wrong_length, "shorter than the model's record");
  const ByteView rec = b.first(profile.record_size);
  if (std::all_of(rec.begin(), rec.end(), [](std::uint8_t x) { return x == 0xFF; }) ||
      std::all_of(rec.begin(), rec.end(), [](std::uint8_t x) { return x == 0x00; }))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "an empty record slot (erased or zeroed)");
  const unsigned weight = field(rec, kWeight);
  if (weight == 0) return DecodeOutcome::reject(DecodeStatus::not_this_device, "a record slot never written (no weight)");
  const auto clock = decode_util::wall_clock(2000 + static_cast<int>(field(rec, kYear)), static_cast<int>(field(rec, kMonth)),
                                             static_cast<int>(field(rec, kDay)), static_cast<int>(field(rec, kHour)),
                                             static_cast<int>(field(rec, kMinute)), static_cast<int>(field(rec, kSecond)));
  if (!clock) return DecodeOutcome::reject(DecodeStatus::invalid_value, "the record's date is impossible");
  Reading r;
  r.model = kModel;
  r.weight_kg = std::round(weight * 5.0) / 100.0;  // 50 g units, exact to the gram
  r.device_time = clock;
  r.stabilized = true;  // a stored record is a finished weighing
  auto tenths = [&](const char* name, Field f) {
    const unsigned raw = field(rec, f);
    if (raw != 0 && raw <= 1000) r.add_device_metric(name, raw / 10.0);
  };
  tenths("fat_percent", kFat);
  tenths("muscle_percent", kMuscle);
  tenths("bmi", kBmi);
  if (const unsigned bmr = field(rec, kBmr)) r.add_device_metric("bmr_kcal", bmr);
  if (const unsigned v = field(rec, kVisceral)) r.add_device_metric("visceral_fat", v * profile.visceral_step);
  if (profile.has_body_age)
    if (const unsigned age = field(rec, kBodyAge)) r.add_device_metric("metabolic_age", age);
  return DecodeOutcome::success(r);
}

Bytes encode_record(const RecordFields& f, const Profile& profile) {
  Bytes r(profile.record_size, 0x00);
  put_field(r, kWeight, std::lround(f.weight_kg / 0.05));
  put_field(r, kFat, std::lround(f.fat_percent * 10));
  put_field(r, kVisceral, std::lround(f.visceral_level / profile.visceral_step));
  put_field(r, kBmr, f.bmr_kcal);
  put_field(r, kMuscle, std::lround(f.muscle_percent * 10));
  put_field(r, kBmi, std::lround(f.bmi * 10));
  if (profile.has_body_age) put_field(r, kBodyAge, f.body_age);
  put_field(r, kYear, f.time.year - 2000);
  put_field(r, kMonth, f.time.month);
  put_field(r, kDay, f.time.day);
  put_field(r, kHour, f.time.hour);
  put_field(r, kMinute, f.time.minute);
  put_field(r, kSecond, f.time.second);
  return r;
}

namespace {

bool claims(const Advertisement& adv) { return model_for(adv.name).has_value(); }

// A read response reassembled from the response channels (as a capture or `decode --gatt`
// has it), when it carries one whole record: a 32-byte model's (one read). A 48-byte record
// takes two reads, which only the conversation puts together.
DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kResponse[0])
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not Omron's first response channel");
  const Profile* profile = nullptr;
  if (!v.device_name.empty()) {
    const auto model = model_for(v.device_name);
    if (!model) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not the name of an Omron scale");
    profile = model->profile;
  }
  const ByteView b = v.value;
  if (b.size() < 8 || b[0] < 8 || b[0] > b.size())
    return DecodeOutcome::reject(DecodeStatus::wrong_length, "shorter than the length its first byte declares");
  const auto r = parse_response(b);
  if (!r) return DecodeOutcome::reject(DecodeStatus::bad_checksum, "the frame's bytes do not XOR to zero");
  if (r->type != kTypeRead) return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "a session frame: no record");
  if (!profile) profile = r->data.size() == kProfile702T.record_size ? &kProfile702T : &kProfile32;
  if (r->data.size() != profile->record_size)
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "a memory read that is not one whole record");
  return decode_record(r->data, *profile);
}

}  // namespace

}  // namespace declouder::omron

namespace declouder {

extern const DeviceDescriptor kOmronWlc = {
    .id = omron::kModel,
    .name = "Omron body composition monitor (HBF-702T, HBF-222T/227T/228T/230T, BCM-500, VIVA)",
    .manufacturer = "Omron",
    .names = {"BLEsmart_0001000C", "BLEsmart_0001040C", "BLEsmart_00010011", "BLEsmart_00010009",
              "BLEsmart_0001000B", "BLEsmart_0001000D", "BLEsmart_00010408", "BLEsmart_00010110",
              "BLEsmart_00010208", "HBF-702T", "KRD-703T", "HBF-222T", "HBF-227T", "HBF-228T", "HBF-230T",
              "BCM-500", "VIVA"},
    .recognised_by = "names BLEsmart_0001<model id>… (group 1: scales), HBF-702T, HBF-2xxT, BCM-500, VIVA; "
                     "Omron's vendor service ecbe3980-…, records read from its EEPROM",
    .reports = {"weight_kg", "device_time", "user_slot", "fat_percent", "muscle_percent", "bmi", "bmr_kcal",
                "visceral_fat", "metabolic_age"},
    .link = LinkMode::gatt,
    .gatt_uuids = {omron::kResponse[0]},
    .claims = omron::claims,
    .decode_gatt = omron::decode_gatt,
    .conversation = DeviceConversation{
        .summary = "unlocks with its key (pairs once in pairing mode, the key kept in the database), then reads "
                   "the person's slot's stored records from the scale's memory",
        .build = omron::conversation,
        .remembers = true,
    },
    .simulator = DeviceSimulator{
        .name = "omron-hbf-702t",
        .summary = "Omron HBF-702T (BLEsmart_0001000C…): in pairing mode until paired, then unlock; two "
                   "stored records in each of its four users' memory",
        .create = omron::simulator,
    },
};

}  // namespace declouder
