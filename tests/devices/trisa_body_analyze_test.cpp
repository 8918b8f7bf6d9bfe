// Trisa Body Analyze 4.0: the decoder against the real frames of maksverver/trisa-body-analyze
// NOTES.txt (also in openScale's TrisaBodyAnalyzeLibTest.java), the vendor formulas against
// openScale's TrisaBodyAnalyzeLibTest.kt, and the conversation (pairing, the password kept,
// the challenge) against the simulator.
#include "device_test_util.hpp"
#include "devices/trisa_body_analyze/protocol.hpp"
#include "link/simulator_link.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {

constexpr const char* kName = "01257B00000000";

std::int64_t unix_of(const Reading& r) { return unix_from_civil(r.device_time->civil); }

}  // namespace

TEST(Trisa, RealFramesFromTheNotes) {
  // maksverver/trisa-body-analyze NOTES.txt, "Another example": the MedM app showed 76.0 kg.
  DecodeOutcome o = gatt("trisa-body-analyze", 0x8A21, "9fb01d00fedc2f8110000000ff0a1500ff000900", kName);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 76.0, 1e-9);
  EXPECT_EQ(unix_of(o.reading), 1539205852);  // 2018-10-10 21:10:52 UTC
  EXPECT_TRUE(o.reading.device_time->utc);
  EXPECT_NEAR(*o.reading.impedance_ohm, 538.6, 1e-9);
  EXPECT_TRUE(o.reading.stabilized);  // status 09: stable, impedance finished
  EXPECT_EQ(o.reading.unit, WeightUnit::kg);
  EXPECT_FALSE(o.reading.user_slot);  // user number 0

  // The app's 76.1 kg of Fri Sep 28 17:34 CEST 2018.
  o = gatt("trisa-body-analyze", 0x8A21, "9fba1d00fe322b7110000000ff8d1400ff000900", kName);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 76.1, 1e-9);
  EXPECT_EQ(unix_of(o.reading), 1538156082);
  EXPECT_NEAR(*o.reading.impedance_ohm, 526.1, 1e-9);

  // Flags DF: the display unit is stone (bits 5-6 = 10); the weight is still in kg.
  o = gatt("trisa-body-analyze", 0x8A21, "df281e00fe040a7010000000ff601400ff000900", kName);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 77.2, 1e-9);
  EXPECT_EQ(o.reading.unit, WeightUnit::st);
  EXPECT_NEAR(*o.reading.impedance_ohm, 521.6, 1e-9);
  EXPECT_EQ(unix_of(o.reading), 1538082052);

  // 7.20 kg (an object): R2 is 0, no impedance.
  o = gatt("trisa-body-analyze", 0x8A21, "9fd00200febf197010000000ff000000ff000900", kName);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 7.2, 1e-9);
  EXPECT_FALSE(o.reading.impedance_ohm);
}

TEST(Trisa, TheFrameMedisanaMustRefuseIsATrisaOne) {
  // tests/devices/medisana_test.cpp's frame (openScale TrisaBodyAnalyzeHandler.kt's layout):
  // flags 07, 7245 x 10^-2 kg, time, R1 500, R2 480, no status.
  DecodeOutcome o = gatt("trisa-body-analyze", 0x8A21, "074d1c00fea510ba1af4010000e0010000", kName);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 72.45, 1e-9);
  EXPECT_EQ(unix_of(o.reading), 1710705573);
  EXPECT_NEAR(*o.reading.impedance_ohm, 480, 1e-9);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_EQ(gatt("medisana-bs44x", 0x8A21, "074d1c00fea510ba1af4010000e0010000", kName).status,
            DecodeStatus::not_this_device);
}

TEST(Trisa, MedisanaFramesAndBadFramesAreRefused) {
  // A Medisana BS444 weight frame (medisana_test.cpp) from a Medisana: not ours.
  EXPECT_EQ(gatt("trisa-body-analyze", 0x8A21, "1d4d1c0000a510ba1a0000000003", "0202B6FF").status,
            DecodeStatus::not_this_device);
  // Without a name, its flags 1D announce 15 bytes: too short.
  EXPECT_EQ(gatt("trisa-body-analyze", 0x8A21, "1d4d1c0000a510ba1a0000000003").status, DecodeStatus::wrong_length);
  EXPECT_EQ(gatt("trisa-body-analyze", 0x8A21, "9fb01d00fedc2f81", kName).status, DecodeStatus::wrong_length);
  // An absurd weight (mantissa 0x1DB0, exponent +2: 760 000 kg) is never a weighing.
  EXPECT_EQ(gatt("trisa-body-analyze", 0x8A21, "9fb01d0002dc2f8110000000ff0a1500ff000900", kName).status,
            DecodeStatus::invalid_value);
  // Unstable, impedance processing: not final, and R2 is not yet the body's.
  DecodeOutcome o = gatt("trisa-body-analyze", 0x8A21, "9fb01d00fedc2f8110000000ff0a1500ff000200", kName);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.impedance_ohm);
}

TEST(Trisa, Base10Floats) {
  // openScale TrisaBodyAnalyzeLibTest.java's getBase10Float cases.
  EXPECT_EQ(transtek::float32(hex("00000000").data()), 0.0);
  EXPECT_NEAR(transtek::float32(hex("ba1d00fe").data()), 76.1, 1e-9);
  EXPECT_NEAR(transtek::float32(hex("4e61bcfc").data()), 1234.5678, 1e-9);
  EXPECT_NEAR(transtek::float32(hex("01020304").data()), 0x030201 * 1e4, 1e-3);
  Bytes b;
  transtek::put_float32(b, 538.6, -1);
  EXPECT_EQ(b, hex("0a1500ff"));
}

TEST(Trisa, VendorFormulasMatchOpenScalesFixtures) {
  // openScale TrisaBodyAnalyzeLibTest.kt, regression fixtures (impedance as the formulas take it).
  auto t = trisa::trisa_body(true, 30, 180, 80, 500);
  EXPECT_NEAR(t.water_percent, 57.031845, 1e-3);
  EXPECT_NEAR(t.fat_percent, 23.186619, 1e-3);
  EXPECT_NEAR(t.muscle_percent, 40.767307, 1e-3);
  EXPECT_NEAR(t.bone_kg, 4.254889, 1e-3);
  t = trisa::trisa_body(false, 28, 165, 60, 520);
  EXPECT_NEAR(t.water_percent, 51.246567, 1e-3);
  EXPECT_NEAR(t.fat_percent, 27.63467, 1e-3);
  EXPECT_NEAR(t.muscle_percent, 32.776436, 1e-3);
  EXPECT_NEAR(t.bone_kg, 4.575968, 1e-3);
  t = trisa::trisa_body(false, 40, 170, 70, 800);
  EXPECT_NEAR(t.fat_percent, 35.216103, 1e-3);
  EXPECT_NEAR(t.bone_kg, 3.7960525, 1e-3);
}

TEST(Trisa, VendorFormulasOnARealFrame) {
  // openScale TrisaBodyAnalyzeLibTest.java parseScaleMeasurementData_validUserData: the frame of
  // 2018-10-10, a man of 36 and 186 cm: fat 14.728368, water 64.37914, muscle 43.36414, bone 4.525733.
  const Bytes frame = hex("9fb01d00fedc2f8110000000ff0a1500ff000900");
  DecodeOutcome o = trisa::decode_measurement(frame);
  ASSERT_TRUE(o.ok()) << o.detail;
  Person man;
  man.sex = Sex::male;
  man.birth_date = {1982, 1, 1, 0, 0, 0};
  man.height_cm = 186;
  trisa::add_trisa_body(o.reading, man, 1539205852, *trisa::resistance2(frame));
  EXPECT_NEAR(metric(o.reading, "fat_percent"), 14.73, 0.006);
  EXPECT_NEAR(metric(o.reading, "water_percent"), 64.38, 0.006);
  EXPECT_NEAR(metric(o.reading, "muscle_percent"), 43.36, 0.006);
  EXPECT_NEAR(metric(o.reading, "bone_kg"), 4.53, 0.006);
}

TEST(Trisa, ClaimsItsNamesAndMedisanaDoesNot) {
  Advertisement a;
  a.name = "11257B";
  EXPECT_EQ(builtin_registry().conversation_for(a)->id, "trisa-body-analyze");
  a.name = "01257B01020304";
  EXPECT_EQ(builtin_registry().conversation_for(a)->id, "trisa-body-analyze");
  a.name = "0202B6A1F001";
  EXPECT_EQ(builtin_registry().conversation_for(a)->id, "medisana-bs44x");
}

// The conversation against the simulator: pairing mode on the first connection, the password
// kept in the device's memory, the challenge answered with it on the next.
namespace {

const DeviceDescriptor& trisa_device() { return test::family("trisa-body-analyze"); }

}  // namespace

TEST(TrisaConversation, PairsOnceThenAnswersTheChallengeWithTheKeptPassword) {
  const DeviceDescriptor& d = trisa_device();
  SimOptions o;
  o.weight_kg = 81.3;
  o.impedance_ohm = 512.3;
  SimulatorLink link(d.simulator->create(o));
  auto memory = std::make_shared<DeviceMemory>();
  ASSERT_EQ(link.device().advert().name, "11257B");

  SessionRunner runner(link);
  SessionResult r = runner.run(d.conversation->build(context_for(link, memory)));
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_NEAR(*r.readings[0].reading.weight_kg, 81.3, 1e-9);
  EXPECT_NEAR(*r.readings[0].reading.impedance_ohm, 512.3, 1e-9);
  EXPECT_EQ(unix_of(r.readings[0].reading), link.unix_now());  // the clock the app set
  EXPECT_EQ(r.reconnects, 1);  // pairing ends its connection
  ASSERT_TRUE(memory->get(trisa::kPasswordKey));
  EXPECT_EQ(memory->get(trisa::kPasswordKey)->size(), 4u);
  EXPECT_EQ(memory->changed().size(), 1u);
  EXPECT_EQ(link.device().advert().name, "01257B00000000");  // broadcast id 0

  // The next connection: a challenge only (the scale is paired), answered from the memory.
  memory->mark_saved();
  SessionResult again = SessionRunner(link).run(d.conversation->build(context_for(link, memory)));
  ASSERT_EQ(again.readings.size(), 1u);
  EXPECT_EQ(again.reconnects, 0);
  EXPECT_TRUE(memory->changed().empty());
}

TEST(TrisaConversation, AChallengeWithoutAKeptPasswordSaysToPairTheScale) {
  const DeviceDescriptor& d = trisa_device();
  SimOptions o;
  o.name = "01257B01020304";  // paired before, by another app
  SimulatorLink link(d.simulator->create(o));
  try {
    SessionRunner(link).run(d.conversation->build(context_for(link, std::make_shared<DeviceMemory>())));
    FAIL() << "the conversation went on without a password";
  } catch (const SessionError& e) {
    EXPECT_NE(std::string(e.what()).find("pairing mode"), std::string::npos) << e.what();
  }
}

TEST(TrisaConversation, AWrongPasswordIsRefusedByTheScale) {
  const DeviceDescriptor& d = trisa_device();
  SimOptions o;
  o.name = "01257B01020304";
  SimulatorLink link(d.simulator->create(o));
  auto memory = std::make_shared<DeviceMemory>();
  memory->put(trisa::kPasswordKey, hex("00000000"));
  EXPECT_THROW(SessionRunner(link).run(d.conversation->build(context_for(link, memory))), SessionError);
}

TEST(TrisaConversation, TheVendorFormulasComeWithThePerson) {
  const DeviceDescriptor& d = trisa_device();
  SimOptions o;
  o.weight_kg = 76.0;
  o.impedance_ohm = 538.6;
  SimulatorLink link(d.simulator->create(o));
  ConversationContext c = context_for(link, nullptr);
  Person man;
  man.birth_date = {1982, 1, 1, 0, 0, 0};
  man.height_cm = 186;
  c.person = man;
  SessionResult r = SessionRunner(link).run(d.conversation->build(c));
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_GT(metric(r.readings[0].reading, "fat_percent"), 10);
  EXPECT_GT(metric(r.readings[0].reading, "bone_kg"), 3);
}
