// Weight Gurus 0376 (Transtek A3): the decoders against every vector of openScale's
// WeightGurusA3HandlerTest.kt (constructed by its authors: values, not captures) and the frames
// of the protocol write-up of openScale pull request #1467 (docs/misc/weight_gurus_a3_protocol.md
// at 7f2d4368; described there as observed on the author's scale), bad input, the Transtek
// families keeping to their own frames, and the conversation against the simulator: the first
// pairing (eight slots, the person's profile, the password kept) and a later session.
#include <algorithm>

#include "device_test_util.hpp"
#include "devices/conversation_util.hpp"
#include "devices/weight_gurus_a3/protocol.hpp"
#include "link/simulator_link.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {

constexpr const char* kPaired = "00376B251016AA";  // openScale's test name of a paired scale

// The write-up's frames.
constexpr const char* kDocWeight = "3f 581b00fe 1020401f 00000000 881300ff 01 19";
constexpr const char* kDocComposition = "6d 1020401f 01 b7f0 58f2 90f1 23f0";

double sfloat(std::string_view h) { return transtek::sfloat16(hex(h).data()); }

std::uint16_t le16_of(std::string_view h) {
  const Bytes b = hex(h);
  return static_cast<std::uint16_t>(b[0] | (b[1] << 8));
}

}  // namespace

TEST(WeightGurus, OpenScalesFloatVectors) {
  // WeightGurusA3HandlerTest: 32-bit FLOATs.
  EXPECT_NEAR(transtek::float32(hex("2d1e00fe").data()), 77.25, 1e-9);
  EXPECT_NEAR(transtek::float32(hex("f4010000").data()), 500, 1e-9);
  const Bytes framed = hex("1f2d1e00fe");
  EXPECT_NEAR(transtek::float32(&framed[1]), 77.25, 1e-9);
  // ("rejects a truncated FLOAT": a weight frame too short for its weight is refused.)
  EXPECT_EQ(gatt("weight-gurus-a3", 0x8A24, "1f2d1e00", kPaired).status, DecodeStatus::wrong_length);
  // SFLOATs: exponent -1 mantissa 213; 12; -1; the most negative mantissa (-2048, not 0); the
  // most negative exponent.
  EXPECT_NEAR(sfloat("d5f0"), 21.3, 1e-9);
  EXPECT_NEAR(sfloat("0c00"), 12, 1e-9);
  EXPECT_NEAR(sfloat("ff0f"), -1, 1e-9);
  EXPECT_NEAR(sfloat("0008"), -2048, 1e-9);
  EXPECT_NEAR(sfloat("0180"), 1e-8, 1e-20);
}

TEST(WeightGurus, OpenScalesBoneHeightAndVerificationVectors) {
  // Bone: F023 is 3.5 %, 2.45 kg of 70.0 kg; without a weight, no bone at all.
  EXPECT_NEAR(sfloat("23f0"), 3.5, 1e-9);
  Reading r;
  r.weight_kg = 70.0;
  weight_gurus::Composition c;
  c.bone_percent = 3.5;
  weight_gurus::add_composition(r, c);
  EXPECT_NEAR(metric(r, "bone_kg"), 2.45, 1e-9);
  Reading no_weight;
  weight_gurus::add_composition(no_weight, c);
  EXPECT_EQ(metric(no_weight, "bone_kg"), -1);

  // The verification code: the byte-wise XOR of password and random.
  EXPECT_EQ(transtek::verification(hex("12345678"), hex("11111111")), hex("20 03254769"));

  // The profile height: an SFLOAT in metres, 170 cm is D6A4; 50..204 cm round-trip; taller is
  // pinned to 204 cm; an unset height (-1) does not wrap.
  EXPECT_EQ(weight_gurus::height_sfloat(170), 0xD6A4);
  for (int cm = 50; cm <= 204; ++cm) {
    const std::uint16_t h = weight_gurus::height_sfloat(cm);
    const std::uint8_t b[2] = {static_cast<std::uint8_t>(h & 0xFF), static_cast<std::uint8_t>(h >> 8)};
    EXPECT_NEAR(transtek::sfloat16(b), cm / 100.0, 1e-4) << cm;
  }
  for (int cm : {205, 250, 9999}) EXPECT_EQ(weight_gurus::height_sfloat(cm), weight_gurus::height_sfloat(204));
  const std::uint16_t unset = weight_gurus::height_sfloat(-1);
  const std::uint8_t b[2] = {static_cast<std::uint8_t>(unset & 0xFF), static_cast<std::uint8_t>(unset >> 8)};
  EXPECT_GT(transtek::sfloat16(b), 0);
}

TEST(WeightGurus, OpenScalesSlotVectors) {
  using weight_gurus::choose_slot;
  std::array<std::string, 9> names{};
  std::array<bool, 9> free{};
  // The configured slot wins (openScale: the stored one).
  names[1] = "Sam";
  free[2] = free[3] = true;
  EXPECT_EQ(choose_slot(5, "Sam", names, free), 5);
  // A slot carrying the person's name, case-insensitive.
  names = {};
  free = {};
  names[1] = "Alex";
  names[4] = "sam";
  free[6] = free[7] = free[8] = true;
  EXPECT_EQ(choose_slot(std::nullopt, "Sam", names, free), 4);
  // Else the lowest free one; a full scale: slot 1.
  names = {};
  free = {};
  names[1] = "Alex";
  free[7] = free[3] = free[5] = true;
  EXPECT_EQ(choose_slot(std::nullopt, "Sam", names, free), 3);
  free = {};
  EXPECT_EQ(choose_slot(std::nullopt, "Sam", names, free), 1);
  // A brand new scale: slot 1; a second-hand one full of another owner's names: its free slot.
  names = {};
  free.fill(true);
  EXPECT_EQ(choose_slot(std::nullopt, "Sam", names, free), 1);
  free = {};
  names[1] = "Alex";
  names[2] = "Jo";
  free[3] = true;
  EXPECT_EQ(choose_slot(std::nullopt, "Sam", names, free), 3);
  // An empty name never matches an empty slot.
  names = {};
  free = {};
  free[2] = true;
  EXPECT_EQ(choose_slot(std::nullopt, "", names, free), 2);

  // The slot name: space padded, "" for a free slot.
  Bytes frame = hex("8302");
  for (char ch : std::string("Sam") + std::string(15, ' ')) frame.push_back(static_cast<std::uint8_t>(ch));
  EXPECT_EQ(weight_gurus::slot_name(frame), "Sam");
  Bytes empty = hex("8303");
  empty.resize(20, ' ');
  EXPECT_EQ(weight_gurus::slot_name(empty), "");
  // ...and 03 registers a name the same way, cut to 18 characters.
  Bytes add = weight_gurus::add_user_command(2, "Samantha Alexandria Jones");
  ASSERT_EQ(add.size(), 20u);
  EXPECT_EQ(std::string(add.begin() + 2, add.end()), "Samantha Alexandri");
}

TEST(WeightGurus, ClaimsItsNamesAndNotTheOtherTransteks) {
  // openScale's test names: the pairing and the paired name are this scale's; Trisa's,
  // 1BODY CONNECT's and an empty name are not.
  Advertisement a;
  for (const char* name : {"10376B", kPaired}) {
    a.name = name;
    ASSERT_NE(builtin_registry().conversation_for(a), nullptr) << name;
    EXPECT_EQ(builtin_registry().conversation_for(a)->id, "weight-gurus-a3") << name;
  }
  for (const char* name : {"01257B", "11257B", "1BODY CONNECT", "", "0202B6A1F001"}) {
    a.name = name;
    const DeviceDescriptor* d = builtin_registry().conversation_for(a);
    EXPECT_TRUE(!d || d->id != "weight-gurus-a3") << name;
  }
  // The service UUID alone (a scale heard without its name).
  Advertisement by_service;
  by_service.service_uuids = {weight_gurus::service_uuid()};
  EXPECT_EQ(builtin_registry().conversation_for(by_service)->id, "weight-gurus-a3");
}

TEST(WeightGurus, TheWriteUpsFrames) {
  DecodeOutcome o = gatt("weight-gurus-a3", 0x8A24, kDocWeight, kPaired);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 70.00, 1e-9);
  EXPECT_NEAR(*o.reading.impedance_ohm, 500.0, 1e-9);
  EXPECT_EQ(o.reading.user_slot, 1);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_EQ(o.reading.unit, WeightUnit::lb);  // flag bit 5: the slot's profile said pounds
  ASSERT_TRUE(o.reading.device_time);
  EXPECT_FALSE(o.reading.device_time->utc);  // the scale's local wall clock
  EXPECT_EQ(iso8601(*o.reading.device_time), "2026-08-13T05:50:08");

  o = gatt("weight-gurus-a3", 0x8A22, kDocComposition, kPaired);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.weight_kg);
  EXPECT_NEAR(metric(o.reading, "fat_percent"), 18.3, 1e-9);
  EXPECT_NEAR(metric(o.reading, "water_percent"), 60.0, 1e-9);
  EXPECT_NEAR(metric(o.reading, "muscle_percent"), 40.0, 1e-9);
  EXPECT_EQ(metric(o.reading, "bone_kg"), -1);  // a percentage, without the weight
  EXPECT_EQ(o.reading.user_slot, 1);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2026-08-13T05:50:08");  // the weight frame's time

  // Both together, as the conversation merges them: bone 3.5 % of 70.00 kg.
  Reading weighing = weight_gurus::decode_weight(hex(kDocWeight)).reading;
  weight_gurus::add_composition(weighing, *weight_gurus::parse_composition(hex(kDocComposition)));
  EXPECT_NEAR(metric(weighing, "bone_kg"), 2.45, 1e-9);
  EXPECT_NEAR(metric(weighing, "fat_percent"), 18.3, 1e-9);

  // The C0 echo after slot 1 was registered at 40 years and 170 cm.
  auto p = weight_gurus::parse_profile(hex("c0 17 01 01 28 a4d6 01"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->slot, 1);
  EXPECT_TRUE(p->male);
  EXPECT_EQ(p->age, 40);
  EXPECT_NEAR(p->height_cm, 170, 1e-9);
  EXPECT_EQ(p->unit, WeightUnit::lb);
  weight_gurus::Profile q = *p;
  Bytes command = weight_gurus::profile_command(q);
  command[0] = weight_gurus::kEventProfileEcho;
  EXPECT_EQ(command, hex("c0 17 01 01 28 a4d6 01"));

  // The write-up's verification: password f180a0cb, random 010040a1.
  EXPECT_EQ(transtek::verification(hex("010040a1"), hex("f180a0cb")), hex("20 f080e06a"));
}

TEST(WeightGurus, BadFramesAreRefusedWithAReason) {
  auto status = [](std::uint16_t c, std::string_view h, std::string name = kPaired) {
    return gatt("weight-gurus-a3", c, h, std::move(name)).status;
  };
  EXPECT_EQ(status(0x8A24, "3f581b"), DecodeStatus::wrong_length);
  EXPECT_EQ(status(0x8A24, "3f 581b00fe 1020401f 00000000 881300ff 01"), DecodeStatus::wrong_length);  // no status
  EXPECT_EQ(status(0x8A24, "01 00000000 1020401f"), DecodeStatus::invalid_value);  // 0 kg
  EXPECT_EQ(status(0x8A24, "01 ffffff00 1020401f"), DecodeStatus::invalid_value);  // 16777 t
  EXPECT_EQ(status(0x8A22, "6d 1020401f 01 b7f0 58f2 90f1"), DecodeStatus::wrong_length);
  EXPECT_EQ(status(0x8A22, "6d1020"), DecodeStatus::wrong_length);
  // Not measured yet: unstable, and no impedance until its measurement finished.
  DecodeOutcome o = gatt("weight-gurus-a3", 0x8A24, "1f 581b00fe 1020401f 00000000 881300ff 01 02", kPaired);
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.impedance_ohm);
  // A never-set clock is no time; a slot beyond eight is none.
  o = gatt("weight-gurus-a3", 0x8A24, "19 581b00fe 00000000 09 09", kPaired);
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.reading.device_time);
  EXPECT_FALSE(o.reading.user_slot);
  // SFLOAT special codes (NaN 07FF, NRes 0800) and absurd values are no body composition.
  o = gatt("weight-gurus-a3", 0x8A22, "2c 1020401f ff07 0008 e8f3", kPaired);  // fat NaN, water NRes, muscle 100.0
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reading.device_metric_count, 0u);
  // A frame from a device named otherwise is not this scale's.
  EXPECT_EQ(status(0x8A24, kDocWeight, "0202B6A1F001"), DecodeStatus::not_this_device);
  // A composition frame from an unnamed device: its layout is Medisana's too, it stays theirs.
  EXPECT_EQ(status(0x8A22, kDocComposition, ""), DecodeStatus::not_this_device);
}

TEST(WeightGurus, TheTranstekFamiliesKeepToTheirOwnFrames) {
  // A Weight Gurus weight frame is offered to no one else on 0x8A24.
  DecodeOutcome o = gatt("medisana-bs44x", 0x8A24, kDocWeight, kPaired);
  EXPECT_EQ(o.detail, std::string("family not tried by the registry"));
  o = gatt("trisa-body-analyze", 0x8A24, kDocWeight, kPaired);
  EXPECT_EQ(o.detail, std::string("family not tried by the registry"));
  // Its composition frames on 0x8A22, which Medisana shares: refused by Medisana, the 0x6F ones
  // in Medisana's very layout (bone a percentage here, kg there) too.
  EXPECT_EQ(gatt("medisana-bs44x", 0x8A22, kDocComposition, kPaired).status, DecodeStatus::not_this_device);
  const char* six_f = "6f 1020401f 01 4006 b7f0 58f2 90f1 23f0";  // BMR 1600 kcal
  EXPECT_EQ(gatt("medisana-bs44x", 0x8A22, six_f, kPaired).status, DecodeStatus::not_this_device);
  o = gatt("weight-gurus-a3", 0x8A22, six_f, kPaired);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(metric(o.reading, "bmr_kcal"), le16_of("4006"), 1e-9);
  // ...and a Medisana's body frame, from a Medisana, is not this scale's.
  EXPECT_EQ(gatt("weight-gurus-a3", 0x8A22, six_f, "0202B6A1F001").status, DecodeStatus::not_this_device);
  EXPECT_TRUE(gatt("medisana-bs44x", 0x8A22, six_f, "0202B6A1F001").ok());
  // A Trisa's frame on its 0x8A21 is not offered here.
  EXPECT_EQ(gatt("weight-gurus-a3", 0x8A21, "9fb01d00fedc2f8110000000ff0a1500ff000900", "01257B00000000").detail,
            std::string("family not tried by the registry"));
}

// The conversation against the simulator.
namespace {

const DeviceDescriptor& weight_gurus_device() { return test::family("weight-gurus-a3"); }

std::vector<Bytes> commands_written(const SimulatorLink& link) {
  std::vector<Bytes> out;
  for (const auto& w : link.writes())
    if (w.characteristic == Uuid::from16(0x8A81)) out.push_back(w.value);
  return out;
}

}  // namespace

TEST(WeightGurusConversation, PairsOnceRegistersThePersonThenAnswersTheRandom) {
  const DeviceDescriptor& d = weight_gurus_device();
  SimOptions o;
  o.weight_kg = 81.1;
  o.impedance_ohm = 538;
  SimulatorLink link(d.simulator->create(o));
  auto memory = std::make_shared<DeviceMemory>();
  ASSERT_EQ(link.device().advert().name, "10376B");

  ConversationContext c = context_for(link, memory);
  Person sam = test::sam();
  sam.name = "sam";
  sam.scale_user = 2;
  sam.unit = WeightUnit::lb;
  c.person = sam;
  SessionResult r = SessionRunner(link).run(d.conversation->build(c));

  // The weighing just made and the one it queued yesterday, newest first, each with the scale's
  // body composition, in sam's slot and unit.
  ASSERT_EQ(r.readings.size(), 2u);
  const Reading& live = r.readings[0].reading;
  EXPECT_NEAR(*live.weight_kg, 81.1, 1e-9);
  EXPECT_NEAR(*live.impedance_ohm, 538, 1e-9);
  EXPECT_EQ(live.user_slot, 2);
  EXPECT_EQ(live.unit, WeightUnit::lb);
  EXPECT_GT(metric(live, "fat_percent"), 10);
  EXPECT_GT(metric(live, "bone_kg"), 1);
  EXPECT_NEAR(*r.readings[1].reading.weight_kg, 81.7, 1e-9);
  EXPECT_LT(unix_from_civil(r.readings[1].reading.device_time->civil), unix_from_civil(live.device_time->civil));
  // Stamped by the clock the app set: the local wall clock, 8 s before it connected.
  EXPECT_NEAR(static_cast<double>(unix_from_civil(live.device_time->civil)),
              static_cast<double>(unix_from_civil(local_wall_clock(link.unix_now()))), 30);

  EXPECT_EQ(r.reconnects, 1);  // the scale ends the pairing connection
  ASSERT_TRUE(memory->get(weight_gurus::kPasswordKey));
  EXPECT_EQ(memory->get(weight_gurus::kPasswordKey)->size(), 4u);
  EXPECT_EQ(memory->get(weight_gurus::kSlotKey), Bytes{2});
  EXPECT_EQ(link.device().advert().name, "00376B80F153B2");  // paired: 00376B and its serial

  // What the app wrote, in order: 21, 20, then (after the eight slots) 03, 51, 02, 22; then on
  // the next connection 20, 02, 51.
  std::vector<std::uint8_t> ops;
  for (const Bytes& b : commands_written(link)) ops.push_back(b[0]);
  EXPECT_EQ(ops, (std::vector<std::uint8_t>{0x21, 0x20, 0x03, 0x51, 0x02, 0x22, 0x20, 0x02, 0x51}));
  const std::vector<Bytes> writes = commands_written(link);
  EXPECT_NE(le32(&writes[0][1]), 0u);                                            // a non-zero account id
  EXPECT_EQ(std::string(writes[2].begin() + 2, writes[2].end()), "sam" + std::string(15, ' '));
  EXPECT_EQ(writes[3], hex("51 17 02 02 23 90d6 01"));  // slot 2, female, 35 on 2024-03-17, 168 cm, lb
}

TEST(WeightGurusConversation, ALaterSessionUsesTheKeptPasswordAndSlot) {
  const DeviceDescriptor& d = weight_gurus_device();
  SimOptions o;
  o.weight_kg = 81.1;
  SimulatorLink link(d.simulator->create(o));
  auto memory = std::make_shared<DeviceMemory>();
  ASSERT_EQ(SessionRunner(link).run(d.conversation->build(context_for(link, memory))).readings.size(), 2u);
  memory->mark_saved();
  link.advance(std::chrono::minutes(10));

  // The next morning's connection: a random only, answered from the memory; the backlog was
  // delivered, so only the new weighing; nothing new to keep.
  const std::size_t before = link.writes().size();
  SessionResult again = SessionRunner(link).run(d.conversation->build(context_for(link, memory)));
  ASSERT_EQ(again.readings.size(), 1u);
  EXPECT_NEAR(*again.readings[0].reading.weight_kg, 81.1, 1e-9);
  EXPECT_EQ(again.readings[0].reading.user_slot, 1);  // no person: the slot registered at pairing
  EXPECT_EQ(again.readings[0].reading.unit, WeightUnit::kg);
  EXPECT_EQ(again.reconnects, 0);
  EXPECT_TRUE(memory->changed().empty());
  std::vector<std::uint8_t> ops;
  for (std::size_t i = before; i < link.writes().size(); ++i) ops.push_back(link.writes()[i].value[0]);
  EXPECT_EQ(ops, (std::vector<std::uint8_t>{0x20, 0x02}));  // no 51 without a person: theirs stays
}

TEST(WeightGurusConversation, ARandomWithoutAKeptPasswordSaysToPairTheScale) {
  const DeviceDescriptor& d = weight_gurus_device();
  SimOptions o;
  o.name = kPaired;  // paired before, by another app
  SimulatorLink link(d.simulator->create(o));
  try {
    SessionRunner(link).run(d.conversation->build(context_for(link, std::make_shared<DeviceMemory>())));
    FAIL() << "the conversation went on without a password";
  } catch (const SessionError& e) {
    EXPECT_NE(std::string(e.what()).find("pairing mode"), std::string::npos) << e.what();
  }
}

TEST(WeightGurusConversation, AWrongPasswordIsRefusedByTheScale) {
  const DeviceDescriptor& d = weight_gurus_device();
  SimOptions o;
  o.name = kPaired;
  SimulatorLink link(d.simulator->create(o));
  auto memory = std::make_shared<DeviceMemory>();
  memory->put(weight_gurus::kPasswordKey, hex("00000000"));
  EXPECT_THROW(SessionRunner(link).run(d.conversation->build(context_for(link, memory))), SessionError);
}

TEST(WeightGurusSimulator, AnAppThatAnswersBeforeTheEighthSlotGetsE1) {
  const DeviceDescriptor& d = weight_gurus_device();
  SimulatorLink link(d.simulator->create({}));
  link.connect(std::chrono::seconds(1));
  link.subscribe(Uuid::from16(0x8A82));
  auto next_event = [&] {
    auto v = link.next_value(GattLink::Clock::now() + std::chrono::seconds(5));
    EXPECT_TRUE(v);
    return v ? v->value : Bytes{};
  };
  const Bytes password = next_event();
  ASSERT_EQ(password[0], 0xA0);
  link.write(Uuid::from16(0x8A81), hex("21 01000000"), WriteMode::with_response);
  const Bytes random = next_event();
  ASSERT_EQ(random[0], 0xA1);
  link.write(Uuid::from16(0x8A81),
             transtek::verification(Bytes(random.begin() + 1, random.end()), Bytes(password.begin() + 1, password.end())),
             WriteMode::with_response);
  ASSERT_EQ(next_event()[0], 0x83);  // slot 1 of 8
  EXPECT_THROW(
      {
        link.write(Uuid::from16(0x8A81), weight_gurus::add_user_command(1, "sam"), WriteMode::with_response);
        link.next_value(GattLink::Clock::now() + std::chrono::seconds(5));
      },
      LinkLost);
  EXPECT_NE(link.disconnect_reason().find("E1"), std::string::npos) << link.disconnect_reason();
  EXPECT_EQ(link.device().advert().name, "10376B");  // not paired
}

TEST(WeightGurusSimulator, AReplayedBacklogCarriesTheSameTimes) {
  // Two scales with the same backlog (a delivery cut short and handed over again): the queued
  // weighing has the same time, so the recorder, keying weighings by the scale's time, keeps one.
  const DeviceDescriptor& d = weight_gurus_device();
  std::vector<std::string> times;
  for (int i = 0; i < 2; ++i) {
    SimulatorLink link(d.simulator->create({}));
    SessionResult r = SessionRunner(link).run(d.conversation->build(context_for(link, nullptr)));
    ASSERT_EQ(r.readings.size(), 2u);
    times.push_back(iso8601(*r.readings[1].reading.device_time));
  }
  EXPECT_EQ(times[0], times[1]);
}

TEST(WeightGurusConversation, AScaleUserBeyondItsEightSlotsTakesAFreeOne) {
  const DeviceDescriptor& d = weight_gurus_device();
  SimulatorLink link(d.simulator->create({}));
  auto memory = std::make_shared<DeviceMemory>();
  ConversationContext c = context_for(link, memory);
  Person p = test::sam();
  p.name = "sam";
  p.scale_user = 12;  // fine for a scale with more users, not for this one
  c.person = p;
  SessionResult r = SessionRunner(link).run(d.conversation->build(c));
  ASSERT_EQ(r.readings.size(), 2u);
  EXPECT_EQ(r.readings[0].reading.user_slot, 1);  // the lowest free slot of a new scale
  EXPECT_EQ(memory->get(weight_gurus::kSlotKey), Bytes{1});
}
