// Senssun: FF A5 frames built from openScale's SenssunHandler.kt layout (no public capture).
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome fff1(std::string_view hex_value) { return gatt("senssun", 0xFFF1, hex_value, "SENSSUN FAT"); }
}  // namespace

TEST(Senssun, StableAndLiveWeights) {
  DecodeOutcome o = fff1("ffa502d30000aa00");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.3);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(fff1("ffa502d30000a000").reading.stabilized);
}

TEST(Senssun, TheScalesOwnMetrics) {
  EXPECT_DOUBLE_EQ(metric(fff1("ffa500dd021cb000").reading, "fat_percent"), 22.1);
  EXPECT_DOUBLE_EQ(metric(fff1("ffa500dd021cb000").reading, "water_percent"), 54.0);
  EXPECT_DOUBLE_EQ(metric(fff1("ffa501921e00c000").reading, "bone_kg"), 3.0);  // little-endian, unlike the rest
  EXPECT_DOUBLE_EQ(metric(fff1("ffa506720000d000").reading, "bmr_kcal"), 1650);
  EXPECT_FALSE(fff1("ffa500dd021cb000").reading.weight_kg);
}

TEST(Senssun, OtherFrames) {
  EXPECT_EQ(fff1("ffa5000000 00be00").status, DecodeStatus::unsupported_frame);
  EXPECT_EQ(fff1("a530").status, DecodeStatus::not_this_device);
}
