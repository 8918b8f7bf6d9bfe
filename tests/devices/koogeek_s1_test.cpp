// Koogeek S1. Real frames: the init frame and a stable frame (78.3 kg, 470 ohm, as the scale
// showed) captured by the reporter of ble-scale-sync issue #270 (ble-scale-sync
// tests/scales/koogeek-s1.test.ts); other frames are built from the layout that issue documents.
// The conversation is tried against the simulator: no weight before the init is answered with
// the exact bytes that issue gives (55 AA 55 AA 81 01 01 81).
#include "device_test_util.hpp"
#include "link/simulator_link.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome fff4(std::string_view hex_value, std::string name = "Koogeek-S1") {
  return gatt("koogeek-s1", 0xFFF4, hex_value, std::move(name));
}
}  // namespace

TEST(KoogeekS1, TheRealStableFrame) {
  DecodeOutcome o = fff4("55aa55aa0307010000030f01d6de");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_STREQ(o.reading.model, "koogeek-s1");
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 78.3);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 470);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(KoogeekS1, TheRealInitFrameIsNoWeighing) {
  EXPECT_EQ(fff4("55aa55aa010d010101162601735500000000001a").status, DecodeStatus::unsupported_frame);
}

TEST(KoogeekS1, LiveWeightsSocksAndDamagedFrames) {
  // layout: command 02 (live), 80.0 kg, 500 ohm, XOR D2
  DecodeOutcome live = fff4("55aa55aa02070100000320 01f4 d2");
  ASSERT_TRUE(live.ok()) << live.detail;
  EXPECT_DOUBLE_EQ(*live.reading.weight_kg, 80.0);
  EXPECT_FALSE(live.reading.stabilized);
  // stable through socks: no impedance, the weight still counts
  DecodeOutcome socks = fff4("55aa55aa03070100000320 0000 26");
  ASSERT_TRUE(socks.ok()) << socks.detail;
  EXPECT_TRUE(socks.reading.stabilized);
  EXPECT_FALSE(socks.reading.impedance_ohm);
  EXPECT_EQ(fff4("55aa55aa0307010000030f01d6df").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(fff4("55aa55aa0308010000030f01d6de").status, DecodeStatus::wrong_length);
  EXPECT_EQ(fff4("55aa55aa03070100ffff0f01d6de").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(fff4("55aa55ab0307010000030f01d6de").status, DecodeStatus::not_this_device);
}

TEST(KoogeekS1, TheConversationAnswersTheInitAndGetsTheStableWeight) {
  SimOptions o;
  o.weight_kg = 78.3;
  o.impedance_ohm = 470;
  SimulatorLink link(builtin_registry().find_simulator("koogeek-s1")->create(o));
  const Advertisement advert = heard_advertisement(link.device().advert(), link.device().address());
  const DeviceDescriptor* d = builtin_registry().conversation_for(advert, true);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->id, "koogeek-s1");
  ConversationContext c;
  c.advert = advert;
  c.unix_now = link.unix_now();
  SessionRunner runner(link);
  const SessionResult result = runner.run(d->conversation->build(c));
  ASSERT_EQ(result.readings.size(), 1u);
  EXPECT_DOUBLE_EQ(*result.readings[0].reading.weight_kg, 78.3);
  EXPECT_DOUBLE_EQ(*result.readings[0].reading.impedance_ohm, 470);
  ASSERT_FALSE(link.writes().empty());
  EXPECT_EQ(link.writes().front().characteristic, Uuid::from16(0xFFF3));
  EXPECT_EQ(link.writes().front().value, hex("55aa55aa81010181"));
}

TEST(KoogeekS1, WithoutTheAnswerTheSimulatedScaleSendsNoWeight) {
  SimulatorLink link(builtin_registry().find_simulator("koogeek-s1")->create(SimOptions{}));
  Conversation listen;
  listen.name = "listen only";
  listen.steps.push_back(subscribe_step(Uuid::from16(0xFFF4)));
  listen.steps.push_back(gate_step("a weight", [](const GattValue& v, SessionContext&) {
    return v.value.size() > 4 && (v.value[4] == 0x02 || v.value[4] == 0x03) ? Verdict::done : Verdict::more;
  }, std::chrono::seconds(5)));
  SessionRunner runner(link);
  EXPECT_THROW(runner.run(listen), SessionError);
}
