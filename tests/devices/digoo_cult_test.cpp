// Digoo DG-SO38H (Mengii) and Cult Smart Scale Pro: frames built from openScale's
// DigooDGSO38HHandler.kt and CultSmartScaleProHandler.kt layouts (no public capture),
// and ble-scale-sync's constructed digoo.test.ts frames (below).
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

// ble-scale-sync tests/scales/digoo.test.ts (KristianP26/ble-scale-sync): its frame() helper is
// constructed (Buffer.alloc(19), not a capture): weight 8000 at 3-4, control at 5, fat 225 at
// 6-7, visceral 80 at 10, water 550 at 11-12, muscle 400 at 16-17, bone 35 at 18. The peer takes
// 19 bytes or more; openScale's DigooDGSO38HHandler.kt takes only the scale's 20-byte frame, so
// the peer's 19 bytes are refused and its fields decoded once padded to 20.
TEST(DigooDgSo38h, BleScaleSyncVectors) {
  const std::string peer = "0000001f40" "03" "00e1" "0000" "50" "0226" "000000" "0190" "23";
  EXPECT_EQ(gatt("digoo-dg-so38h", 0xFFF1, peer, "Mengii").status, DecodeStatus::wrong_length);
  // "parses frame with stable + allValues"
  DecodeOutcome o = gatt("digoo-dg-so38h", 0xFFF1, peer + "00", "Mengii");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 80.0);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_DOUBLE_EQ(metric(o.reading, "fat_percent"), 22.5);
  EXPECT_DOUBLE_EQ(metric(o.reading, "visceral_fat"), 8.0);
  EXPECT_DOUBLE_EQ(metric(o.reading, "water_percent"), 55.0);
  EXPECT_DOUBLE_EQ(metric(o.reading, "bone_kg"), 3.5);
  // "parses frame without allValues (weight only)" (control 01: stable, not yet the result)
  DecodeOutcome w = gatt("digoo-dg-so38h", 0xFFF1, "0000001f4001" + std::string(28, '0'), "Mengii");
  ASSERT_TRUE(w.ok()) << w.detail;
  EXPECT_DOUBLE_EQ(*w.reading.weight_kg, 80.0);
  EXPECT_FALSE(w.reading.stabilized);
  EXPECT_EQ(metric(w.reading, "fat_percent"), -1);
  // "returns null when weight is zero" (frame(0x03, 0))
  EXPECT_EQ(gatt("digoo-dg-so38h", 0xFFF1, "0000000000" "03" "00e1" "0000" "50" "0226" "000000" "0190" "2300", "Mengii").status,
            DecodeStatus::invalid_value);
}
