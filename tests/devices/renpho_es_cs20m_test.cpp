// Renpho ES-CS20M: 55 AA frames built from openScale's ESCS20MHandler.kt layout (no public capture).
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

TEST(RenphoEsCs20m, TheBodyCompositionResult) {
  // 0x18: weight 72.30 kg at payload 5-6, resistances 480 and 528 ohm at 7-10
  DecodeOutcome o = gatt("renpho-es-cs20m", 0x2A10, "55aa18000b00000000001c3e01e002106f", "ES-CS20M");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.30);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 480);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(RenphoEsCs20m, LiveWeightsAndAcksAreNotResults) {
  DecodeOutcome o = gatt("renpho-es-cs20m", 0x2A10, "55aa1400070000001c3e000074", "ES-CS20M");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_EQ(gatt("renpho-es-cs20m", 0x2A10, "55aa1600010117", "ES-CS20M").status, DecodeStatus::unsupported_frame);
}

TEST(RenphoEsCs20m, TheEs26bbIsNotClaimedByIt) {
  Advertisement a;
  a.name = "ES-26BB-B";
  a.service_uuids = {Uuid::from16(0x1A10)};
  const auto claimants = builtin_registry().claimants(a);
  ASSERT_EQ(claimants.size(), 1u);
  EXPECT_EQ(claimants.front()->id, "renpho-es26bb");
  a.name = "R-A012";  // another 0x1A10 scale: the conversation with the person
  EXPECT_EQ(builtin_registry().conversation_for(a)->id, "renpho-es-cs20m");
}
