// 1byone / Eufy C1-P1-A1 CF frames: session logs of a real 1byone Health Scale
// (openScale OneByoneHandlerTest), and the request builders.
#include "device_test_util.hpp"
#include "devices/one_byone/protocol.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome cf(std::string_view h) { return gatt("1byone", 0xFFF4, h, "Health Scale"); }
}  // namespace

TEST(OneByone, LiveFinalFrame) {
  auto o = cf("CF 50 0F B0 27 10 13 51 00 00 55");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 101.60);
  EXPECT_NEAR(*o.reading.impedance_ohm, 392.0, 1e-9);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.device_time);
}

TEST(OneByone, CoalescedDuplicateIsLiveNotHistory) {
  auto o = cf("CF 76 0C 1E 28 DF D6 07 01 00 8C CF 76 0C 1E 28 DF D6 07 01");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 102.70);
  EXPECT_NEAR(*o.reading.impedance_ohm, 319.0, 1e-9);
  EXPECT_FALSE(o.reading.device_time);
}

TEST(OneByone, SocksGiveWeightWithoutImpedance) {
  auto o = cf("CF 00 00 3C 28 00 00 00 01 00 DA");
  ASSERT_TRUE(o.ok());
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 103.00);
  EXPECT_FALSE(o.reading.impedance_ohm);
}

TEST(OneByone, SettlingStates) {
  EXPECT_TRUE(cf("CF 50 0F B0 27 10 13 51 00 36 63").reading.stabilized);  // 0x36: locked
  auto settling = cf("CF 50 0F B0 27 10 13 51 00 01 54");
  ASSERT_TRUE(settling.ok());
  EXPECT_FALSE(settling.reading.stabilized);
}

TEST(OneByone, HistoryFrame) {
  auto o = cf("CF 60 0E 9C 27 04 02 F0 00 00 11 07 EA 08 0C 09 0B 2B");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 101.40);
  ASSERT_TRUE(o.reading.device_time);
  EXPECT_EQ(o.reading.device_time->civil, (CivilTime{2026, 8, 12, 9, 11, 43}));
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(OneByone, Rejects) {
  EXPECT_EQ(cf("CF 50 0F B0 27 10 13 51 00 00 FF").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(cf("CF 50 0F B0 27").status, DecodeStatus::wrong_length);
  EXPECT_EQ(cf("").status, DecodeStatus::not_this_device);
  EXPECT_EQ(cf("CE 50 0F B0 27 10 13 51 00 00 55").status, DecodeStatus::not_this_device);
  EXPECT_EQ(cf("CF 60 0E 9C 27 04 02 F0 00 00 11 07 EA 0D 0C 09 0B 2B").status, DecodeStatus::invalid_value);  // month 13
}

TEST(OneByone, RequestBuilders) {
  EXPECT_EQ(one_byone::build_mode(WeightUnit::kg), hex("FD 37 00 01 00 00 00 00 00 00 CB"));
  EXPECT_EQ(one_byone::build_mode(WeightUnit::lb), hex("FD 37 01 01 00 00 00 00 00 00 CA"));
  EXPECT_EQ(one_byone::build_clock({2026, 8, 12, 9, 11, 43}), hex("F1 07 EA 08 0C 09 0B 2B"));
  EXPECT_EQ(one_byone::build_history_request(), hex("F2 00"));
  EXPECT_EQ(one_byone::build_history_clear(), hex("F2 01"));
}
