// Xiaomi Mi Scale v1 (service data 0x181D). Vectors: openScale wiki, theengs
// decoder test table; the lb/jin frames are built from the documented status
// bits (lolouk44's accepted status bytes).
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome mi(std::string_view hex10) { return advert("xiaomi-mi-scale", service_data_advert(0x181D, hex10)); }
}  // namespace

TEST(MiScale, WikiVectorStabilizedKg) {
  auto o = mi("62 AC 49 E0 07 0C 14 0D 1C 04");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 94.30);
  EXPECT_EQ(o.reading.unit, WeightUnit::kg);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.load_removed);
  ASSERT_TRUE(o.reading.device_time);
  EXPECT_EQ(o.reading.device_time->civil, (CivilTime{2016, 12, 20, 13, 28, 4}));
  EXPECT_FALSE(o.reading.device_time->utc);
  EXPECT_STREQ(o.reading.model, "xiaomi-mi-scale");
}

TEST(MiScale, TheengsVector) {
  auto o = mi("223e30e607020e10293a");
  ASSERT_TRUE(o.ok());
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 61.75);
  EXPECT_EQ(o.reading.device_time->civil, (CivilTime{2022, 2, 14, 16, 41, 58}));
}

TEST(MiScale, PoundsStabilizedAndRemovedHasNoDate) {
  auto o = mi("a3803ee607020e10293a");  // 0xA3: lb, stabilized, removed; 16000/100 = 160 lb
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reading.unit, WeightUnit::lb);
  EXPECT_NEAR(*o.reading.weight_kg, 160 * 0.45359237, 1e-9);
  EXPECT_TRUE(o.reading.load_removed);
  EXPECT_FALSE(o.reading.device_time);  // only meaningful while the load is on
}

TEST(MiScale, Jin) {
  auto o = mi("32a438e607020e10293a");  // 0x32: jin, stabilized; 14500/100 = 145 jin
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reading.unit, WeightUnit::jin);
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.5);
}

TEST(MiScale, SettlingFrameIsNotStabilized) {
  auto o = mi("023e30e607020e10293a");
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.device_time);
}

TEST(MiScale, ImpossibleDateIsDropped) {
  auto o = mi("223e30e6070d0e10293a");  // month 13
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.reading.device_time);
}

TEST(MiScale, RejectsWrongLength) {
  EXPECT_EQ(mi("62 AC 49 E0 07 0C 14 0D 1C").status, DecodeStatus::wrong_length);
  EXPECT_EQ(mi("62 AC 49 E0 07 0C 14 0D 1C 04 00").status, DecodeStatus::wrong_length);
  EXPECT_EQ(mi("").status, DecodeStatus::wrong_length);
}
