// Omron WLC body-composition monitors: the record decoder against openScale's OmronLibTest.kt
// vectors (records built field by field from Omron's record description: 72.40 kg, body fat
// 23.5 %, skeletal muscle 31.2 %, BMI 23.7, BMR 1520 kcal, visceral fat 8, body age 34,
// 2024-03-17 07:45:12), the session frames against the literal bytes in the same test, the
// names against OmronWlcHandlerTest.kt, and the conversation (pairing, the kept key, the
// records taken once) against the simulator.
#include "device_test_util.hpp"
#include "devices/omron/protocol.hpp"
#include "link/simulator_link.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {

// OmronLibTest.kt: the 48-byte HBF-702T record (visceral fat raw 16: level 8.0 in halves) and
// the 32-byte HBF-227T one (raw 8: level 8).
const Bytes k702t = hex(
    "00003ad05f024e183b6d223389cc0000" "000000000000000000005a8000000000" "00000000000000000000000000000000");
const Bytes k32 = hex("00003ac85f024e183b6d223389cc0000" "000000000000000000005a8000000000");

}  // namespace

TEST(Omron, DecodesEveryFieldOfAnHbf702tRecord) {
  const DecodeOutcome o = omron::decode_record(k702t, omron::kProfile702T);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.40);
  EXPECT_DOUBLE_EQ(metric(o.reading, "fat_percent"), 23.5);
  EXPECT_DOUBLE_EQ(metric(o.reading, "muscle_percent"), 31.2);
  EXPECT_DOUBLE_EQ(metric(o.reading, "bmi"), 23.7);
  EXPECT_DOUBLE_EQ(metric(o.reading, "bmr_kcal"), 1520);
  EXPECT_DOUBLE_EQ(metric(o.reading, "visceral_fat"), 8.0);
  EXPECT_DOUBLE_EQ(metric(o.reading, "metabolic_age"), 34);
  ASSERT_TRUE(o.reading.device_time);
  EXPECT_FALSE(o.reading.device_time->utc);  // the scale's own wall clock
  const CivilTime t = o.reading.device_time->civil;
  EXPECT_EQ((std::array{t.year, t.month, t.day, t.hour, t.minute, t.second}), (std::array{2024, 3, 17, 7, 45, 12}));
}

TEST(Omron, The32ByteModelsCountVisceralFatInWholeLevelsAndSomeHaveNoBodyAge) {
  DecodeOutcome o = omron::decode_record(k32, omron::kProfile32);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(metric(o.reading, "visceral_fat"), 8.0);
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.40);
  EXPECT_DOUBLE_EQ(metric(o.reading, "fat_percent"), 23.5);
  EXPECT_DOUBLE_EQ(metric(o.reading, "metabolic_age"), 34);
  o = omron::decode_record(k32, omron::kProfile32NoBodyAge);
  ASSERT_TRUE(o.ok()) << o.detail;
  for (std::size_t i = 0; i < o.reading.device_metric_count; ++i)
    EXPECT_STRNE(o.reading.device_metrics[i].name, "metabolic_age");
  // A 32-byte record read with the 48-byte layout is too short.
  EXPECT_EQ(omron::decode_record(k32, omron::kProfile702T).status, DecodeStatus::wrong_length);
}

TEST(Omron, EmptySlotsImpossibleDatesAndUnmeasuredValuesAreNotInvented) {
  EXPECT_EQ(omron::decode_record(Bytes(48, 0xFF), omron::kProfile702T).status, DecodeStatus::not_this_device);
  EXPECT_EQ(omron::decode_record(Bytes(48, 0x00), omron::kProfile702T).status, DecodeStatus::not_this_device);
  Bytes no_weight = k702t;
  no_weight[26] = no_weight[27] = 0;
  EXPECT_EQ(omron::decode_record(no_weight, omron::kProfile702T).status, DecodeStatus::not_this_device);
  Bytes bad_month = k702t;
  bad_month[11] = 0x3F;  // month 15
  EXPECT_EQ(omron::decode_record(bad_month, omron::kProfile702T).status, DecodeStatus::invalid_value);
  // Body fat, visceral fat and BMR cleared: left out, not reported as 0.
  Bytes sparse = k702t;
  sparse[2] = sparse[3] = sparse[4] = sparse[5] = 0;
  const DecodeOutcome o = omron::decode_record(sparse, omron::kProfile702T);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.40);
  for (std::size_t i = 0; i < o.reading.device_metric_count; ++i)
    for (const char* gone : {"fat_percent", "visceral_fat", "bmr_kcal"}) EXPECT_STRNE(o.reading.device_metrics[i].name, gone);
}

TEST(Omron, TheSimulatorsRecordsAreTheVectorsFieldByField) {
  // encode_record (the simulator's side) writes the test vector's bytes from its values.
  omron::RecordFields f;
  f.time = {2024, 3, 17, 7, 45, 12};
  f.weight_kg = 72.40, f.fat_percent = 23.5, f.muscle_percent = 31.2, f.bmi = 23.7, f.visceral_level = 8;
  f.bmr_kcal = 1520, f.body_age = 34;
  // The vectors also carry bits declouder does not decode: byte 5's low nibble (beside the
  // BMR, its classification) and byte 11's high nibble (beside the month).
  auto decoded_bits_only = [](Bytes b) {
    b[5] &= 0xF0;
    b[11] &= 0x0F;
    return to_hex(b);
  };
  EXPECT_EQ(to_hex(omron::encode_record(f, omron::kProfile702T)), decoded_bits_only(k702t));
  EXPECT_EQ(to_hex(omron::encode_record(f, omron::kProfile32)), decoded_bits_only(k32));
}

TEST(Omron, SessionFramesAreTheBytesOmronScalesExpect) {
  // OmronLibTest.kt (OmronWlpFrameTest).
  EXPECT_EQ(to_hex(omron::start_transmission()), "0800000000100018");
  EXPECT_EQ(to_hex(omron::end_transmission()), "080f000000000007");
  EXPECT_EQ(to_hex(omron::read_eeprom(0x02C0, 0x20)), "08010002c02000eb");
  EXPECT_EQ(omron::bcc(omron::start_transmission()), 0);
  const auto end = omron::parse_response(hex("088f000000000087"));
  ASSERT_TRUE(end);
  EXPECT_EQ(end->type, omron::kTypeEnd);
  EXPECT_EQ(end->result, 0);
  const Bytes key = hex("0102030405060708090a0b0c0d0e0f10");
  EXPECT_EQ(to_hex(omron::unlock_command(key)), "01" + to_hex(key));
  EXPECT_EQ(to_hex(omron::write_key_command(key)), "00" + to_hex(key));
  EXPECT_EQ(to_hex(omron::key_programming_command()), "02" + std::string(32, '0'));
}

TEST(Omron, ReadResponsesAreCheckedAndAShortOneReadsAsErasedMemory) {
  Bytes payload;
  for (int i = 0; i < 32; ++i) payload.push_back(static_cast<std::uint8_t>(0xA0 + i));
  Bytes frame = omron::read_response(0x02C0, payload);
  const auto r = omron::parse_response(frame);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, omron::kTypeRead);
  EXPECT_EQ(r->address, 0x02C0);
  EXPECT_EQ(r->data, payload);
  // 16-byte channels: a 40-byte frame arrives in 48 bytes; the padding is not the frame's.
  Bytes padded = frame;
  padded.resize(48, 0x55);
  ASSERT_TRUE(omron::parse_response(padded));
  frame[10] ^= 1;
  EXPECT_FALSE(omron::parse_response(frame));
  EXPECT_FALSE(omron::parse_response(ByteView(omron::read_response(0x02C0, payload)).first(20)));
  // OmronLibTest.kt: 32 bytes declared, room for 8.
  Bytes under = hex("108100" "02c0" "20" "0000000000000000" "0000");
  under.back() = omron::bcc(ByteView(under).first(under.size() - 1));
  const auto u = omron::parse_response(under);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->data, Bytes(32, 0xFF));
}

TEST(Omron, NamesAreTheScalesAndNotOmronsOtherDevices) {
  // OmronWlcHandlerTest.kt.
  for (const char* name : {"BLEsmart_0001000C0080E1A2B3C4", "BLEsmart_000100110080E1A2B3C4", "BLEsmart_0001040C0080E1A2B3C4",
                           "blesmart_0001040c0080e1a2b3c4", "HBF-702T", "krd-703t"})
    EXPECT_EQ(omron::model_for(name).value_or(omron::Model{}).profile, &omron::kProfile702T) << name;
  for (const char* name : {"BLEsmart_000100090080E1A2B3C4", "BLEsmart_0001000B0080E1A2B3C4", "BLEsmart_0001000D0080E1A2B3C4",
                           "BLEsmart_000104080080E1A2B3C4", "HBF-228T"})
    EXPECT_EQ(omron::model_for(name).value_or(omron::Model{}).profile, &omron::kProfile32) << name;
  for (const char* name : {"BLEsmart_000101100080E1A2B3C4", "BLEsmart_000102080080E1A2B3C4"})
    EXPECT_EQ(omron::model_for(name).value_or(omron::Model{}).profile, &omron::kProfile32NoBodyAge) << name;
  // Blood-pressure monitors (group 0), and names that are not Omron scales.
  for (const char* name : {"BLEsmart_000002210080E1A2B3C4", "HEM-7322T", "", "MI SCALE", "BLEsmart_", "BLEsmart_00010",
                           "BLEsmart_zzzzzzzz0080E1A2"}) {
    EXPECT_FALSE(omron::model_for(name)) << name;
    Advertisement a;
    a.name = name;
    a.service_uuids = {omron::kService};
    EXPECT_EQ(builtin_registry().conversation_for(a) == nullptr || builtin_registry().conversation_for(a)->id != "omron-wlc",
              true)
        << name;
  }
}

namespace {

const DeviceDescriptor& omron_device() { return test::family("omron-wlc"); }

}  // namespace

TEST(Omron, PairsOnceThenUnlocksWithTheKeptKeyAndTakesEachRecordOnce) {
  SimOptions o;
  o.weight_kg = 81.35;
  SimulatorLink link(omron_device().simulator->create(o));
  auto memory = std::make_shared<DeviceMemory>();
  const DeviceDescriptor* d = builtin_registry().conversation_for(heard_advertisement(link.device().advert(), link.device().address()));
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->id, "omron-wlc");

  // First connection: the scale is in pairing mode; a key is made and kept.
  SessionResult r = SessionRunner(link).run(d->conversation->build(context_for(link, memory)));
  ASSERT_EQ(r.readings.size(), 2u);
  EXPECT_NEAR(*r.readings[0].reading.weight_kg, 81.75, 1e-9);  // yesterday's, first
  EXPECT_NEAR(*r.readings[1].reading.weight_kg, 81.35, 1e-9);
  EXPECT_EQ(r.readings[1].reading.user_slot, 1);
  EXPECT_DOUBLE_EQ(metric(r.readings[1].reading, "bmi"), 26.6);  // 81.35 kg, the simulator's 175 cm
  EXPECT_EQ(std::string(r.readings[1].reading.model), "omron-wlc");
  EXPECT_EQ(r.readings[1].reading.address, link.device().address());
  const auto key = memory->get("omron_key");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->size(), 16u);

  // Second connection: unlocked with the kept key; nothing new in the scale's memory.
  r = SessionRunner(link).run(d->conversation->build(context_for(link, memory)));
  EXPECT_TRUE(r.readings.empty());
  EXPECT_EQ(to_hex(memory->get("omron_key").value_or(Bytes{})), to_hex(*key));

  // Without the key, the paired scale (out of pairing mode) cannot be read: a clear error.
  try {
    SessionRunner(link).run(d->conversation->build(context_for(link, std::make_shared<DeviceMemory>())));
    FAIL() << "a paired scale was read without its key";
  } catch (const SessionError& e) {
    EXPECT_NE(std::string(e.what()).find("must be paired"), std::string::npos) << e.what();
  }
}

TEST(Omron, AKeyTheScaleRefusesStartsPairingAgain) {
  // A key kept from before the scale was paired with another app: refused (81 0F), then the
  // scale, in pairing mode, takes a new one.
  SimulatorLink link(omron_device().simulator->create({}));
  const Bytes stale = hex("00112233445566778899aabbccddeeff");
  auto memory = std::make_shared<DeviceMemory>(std::map<std::string, Bytes>{{"omron_key", stale}});
  std::vector<std::string> told;
  SessionOptions options;
  options.tell = [&](const std::string& m) { told.push_back(m); };
  const SessionResult r = SessionRunner(link, options).run(omron_device().conversation->build(context_for(link, memory)));
  EXPECT_EQ(r.readings.size(), 2u);
  const auto key = memory->get("omron_key");
  ASSERT_TRUE(key);
  EXPECT_NE(to_hex(*key), to_hex(stale));
  EXPECT_NE(std::find_if(told.begin(), told.end(), [](const std::string& m) { return m.find("refused") != std::string::npos; }),
            told.end());
}

TEST(Omron, ThePersonsScaleUserIsTheSlotRead) {
  SimulatorLink link(omron_device().simulator->create({}));
  ConversationContext c = context_for(link, nullptr);
  Person sam;
  sam.name = "sam";
  sam.scale_user = 3;
  c.person = sam;
  const SessionResult r = SessionRunner(link).run(omron_device().conversation->build(c));
  ASSERT_EQ(r.readings.size(), 2u);
  EXPECT_NEAR(*r.readings[0].reading.weight_kg, 72.35 + 1.2, 1e-9);  // user 3's yesterday
  EXPECT_EQ(r.readings[0].reading.user_slot, 3);
}

TEST(Omron, AUserOutsideTheScalesFourIsAClearError) {
  SimulatorLink link(omron_device().simulator->create({}));
  ConversationContext c = context_for(link, nullptr);
  c.user.slot = 5;
  try {
    SessionRunner(link).run(omron_device().conversation->build(c));
    FAIL() << "user 5 was read";
  } catch (const SessionError& e) {
    EXPECT_NE(std::string(e.what()).find("users 1 to 4"), std::string::npos) << e.what();
  }
}

TEST(Omron, AReassembledReadOfAWholeRecordDecodesThroughTheRegistry) {
  // The HBF-227T vector as the scale sends it: a read response from slot 1's first record.
  const Bytes frame = omron::read_response(0x02C0, k32);
  GattValue v;
  v.characteristic = omron::kResponse[0];
  v.value = frame;
  v.device_name = "BLEsmart_000100090080E1A2B3C4";
  DecodeOutcome o = DecodeOutcome::reject(DecodeStatus::not_this_device, "not tried");
  builtin_registry().decode_gatt(v, [&](const DeviceDescriptor& d, const DecodeOutcome& out) {
    if (d.id == "omron-wlc") o = out;
  });
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.40);
  EXPECT_DOUBLE_EQ(metric(o.reading, "visceral_fat"), 8.0);
  // A session frame carries no record; a corrupt frame says so.
  v.value = hex("088f000000000087");
  builtin_registry().decode_gatt(v, [&](const DeviceDescriptor& d, const DecodeOutcome& out) {
    if (d.id == "omron-wlc") o = out;
  });
  EXPECT_EQ(o.status, DecodeStatus::unsupported_frame);
  v.value = frame;
  v.value[12] ^= 0x40;
  builtin_registry().decode_gatt(v, [&](const DeviceDescriptor& d, const DecodeOutcome& out) {
    if (d.id == "omron-wlc") o = out;
  });
  EXPECT_EQ(o.status, DecodeStatus::bad_checksum);
}
