// Hesley (YunChen) and Ebelter Body Fat-B2: result frames built from openScale's
// HesleyHandler.kt and EbelterBodyFatB2Handler.kt layouts (no public capture),
// and ble-scale-sync's constructed hesley.test.ts frame (below).
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

TEST(Hesley, TheResultAndTheScalesMetrics) {
  EXPECT_EQ(gatt("hesley", 0xFFF4, "00001c3e00e0000002270192001f0000000000", "YunChen").status, DecodeStatus::wrong_length);
  DecodeOutcome o = gatt("hesley", 0xFFF4, "00001c3e00e0000002270192001f000000000000", "YunChen");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.30);
  EXPECT_DOUBLE_EQ(metric(o.reading, "fat_percent"), 22.4);
  EXPECT_DOUBLE_EQ(metric(o.reading, "water_percent"), 55.1);
  EXPECT_DOUBLE_EQ(metric(o.reading, "bone_kg"), 3.1);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(Hesley, AnotherScalesFrameOnFfF4IsNoHesleyWeighing) {
  // the real Koogeek S1 init frame (ble-scale-sync #270) and two coalesced 1byone live frames are
  // 20 bytes on 0xFFF4 too; without the YunChen name they are not Hesley results
  EXPECT_EQ(gatt("hesley", 0xFFF4, "55aa55aa010d010101162601735500000000001a").status, DecodeStatus::not_this_device);
  EXPECT_EQ(gatt("hesley", 0xFFF4, "00001c3e00e0000002270192001f000000000000").status, DecodeStatus::not_this_device);
}

TEST(EbelterB2, TheResult) {
  DecodeOutcome o = gatt("ebelter-b2", 0xFAA2, "8d110000d302e700", "BODY FAT-B2");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.3);
  EXPECT_DOUBLE_EQ(metric(o.reading, "fat_percent"), 23.1);
  EXPECT_EQ(gatt("ebelter-b2", 0xFAA2, "8d01").status, DecodeStatus::unsupported_frame);  // "send the handshake"
  EXPECT_EQ(gatt("ebelter-b2", 0xFAA2, "8d1100005000e700").status, DecodeStatus::invalid_value);  // 8.0 kg: noise
}

// ble-scale-sync tests/scales/hesley.test.ts (KristianP26/ble-scale-sync), "parses valid frame with
// weight and body comp": constructed in the test (Buffer.alloc(14), not a capture): weight 8000 at
// 2-3, fat 225 at 4-5, water 550 at 8-9, muscle 400 at 10-11, bone 35 at 12-13, all u16 BE. The
// peer's adapter takes any frame of 14 bytes or more; openScale's HesleyHandler.kt takes only the
// 20-byte frame the scale sends, so declouder refuses the peer's short frame and decodes its
// fields once padded to the scale's 20 bytes.
TEST(Hesley, BleScaleSyncVector) {
  EXPECT_EQ(gatt("hesley", 0xFFF4, "00001f4000e10000022601900023", "YunChen").status, DecodeStatus::wrong_length);  // the peer's 14 bytes
  DecodeOutcome o = gatt("hesley", 0xFFF4, "00001f4000e100000226019000230000000000", "YunChen");
  EXPECT_EQ(o.status, DecodeStatus::wrong_length);  // 19 bytes
  o = gatt("hesley", 0xFFF4, "00001f4000e10000022601900023000000000000", "YunChen");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 80.0);
  EXPECT_DOUBLE_EQ(metric(o.reading, "fat_percent"), 22.5);
  EXPECT_DOUBLE_EQ(metric(o.reading, "water_percent"), 55.0);
  EXPECT_DOUBLE_EQ(metric(o.reading, "bone_kg"), 3.5);
  // "returns null when weight is zero"
  EXPECT_EQ(gatt("hesley", 0xFFF4, std::string(40, '0'), "YunChen").status, DecodeStatus::invalid_value);
}
