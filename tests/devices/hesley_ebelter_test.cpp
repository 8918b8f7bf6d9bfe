// Hesley (YunChen) and Ebelter Body Fat-B2: result frames built from openScale's
// HesleyHandler.kt and EbelterBodyFatB2Handler.kt layouts (no public capture).
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
