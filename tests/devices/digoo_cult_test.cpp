// Digoo DG-SO38H (Mengii) and Cult Smart Scale Pro: frames built from openScale's
// DigooDGSO38HHandler.kt and CultSmartScaleProHandler.kt layouts (no public capture).
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

TEST(DigooDgSo38h, TheAllValuesResult) {
  // 72.30 kg, control 03, fat 21.9 %, visceral 7.5, water 54.8 %, bone 3.0 kg
  DecodeOutcome o = gatt("digoo-dg-so38h", 0xFFF1, "0000001c3e0300db00004b022400000001921e00", "Mengii");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.30);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_DOUBLE_EQ(metric(o.reading, "fat_percent"), 21.9);
  EXPECT_DOUBLE_EQ(metric(o.reading, "visceral_fat"), 7.5);
  EXPECT_DOUBLE_EQ(metric(o.reading, "water_percent"), 54.8);
  EXPECT_DOUBLE_EQ(metric(o.reading, "bone_kg"), 3.0);
}

TEST(DigooDgSo38h, AStableWeightAloneIsNotTheResult) {
  DecodeOutcome o = gatt("digoo-dg-so38h", 0xFFF1, "0000001c3e010000000000000000000000000000", "Mengii");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_EQ(gatt("digoo-dg-so38h", 0xFFF1, "0000001c3e01", "Mengii").status, DecodeStatus::wrong_length);
}

TEST(CultSmartScalePro, WeightsAndTheWholeBodyImpedance) {
  const std::string name = "CULT SMART SCALE PRO";
  DecodeOutcome w = gatt("cult-smart-scale-pro", 0xFFF4, "cf00003e1c0000000008", name);
  ASSERT_TRUE(w.ok()) << w.detail;
  EXPECT_DOUBLE_EQ(*w.reading.weight_kg, 72.30);
  EXPECT_TRUE(w.reading.stabilized);
  EXPECT_FALSE(gatt("cult-smart-scale-pro", 0xFFF4, "cf00003e1c0000000001", name).reading.stabilized);
  DecodeOutcome z = gatt("cult-smart-scale-pro", 0xFFF4, "be001c021702e0010c010701", name);
  ASSERT_TRUE(z.ok()) << z.detail;
  EXPECT_DOUBLE_EQ(*z.reading.impedance_ohm, 480);
  EXPECT_EQ(gatt("cult-smart-scale-pro", 0xFFF4, "be011c021702e0010c010701", name).status, DecodeStatus::unsupported_frame);
}
