// Vitafit VT701: the captured frames of openScale's VitafitVT701HandlerTest.kt.
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome fff1(std::string_view hex_value) { return gatt("vitafit-vt701", 0xFFF1, hex_value, "Vitafit"); }
}  // namespace

TEST(VitafitVt701, StableWeight) {
  DecodeOutcome o = fff1("5a0a26100200002121340aaa");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 85.00);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(VitafitVt701, LiveWeightIsNotFinal) {
  DecodeOutcome o = fff1("5a0a2610010000212143 7eaa");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.stabilized);
}

TEST(VitafitVt701, ImpedanceFrames) {
  EXPECT_DOUBLE_EQ(*fff1("5a0b26110000000000 0189b4aa").reading.impedance_ohm, 393);
  EXPECT_DOUBLE_EQ(*fff1("5a0b26110000000000 0185b8aa").reading.impedance_ohm, 389);
  EXPECT_FALSE(fff1("5a0b26110000000000 0189b4aa").reading.weight_kg);
}

TEST(VitafitVt701, DamagedFramesAreRejected) {
  EXPECT_EQ(fff1("5a0a2610020000212134ffaa").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(fff1("5a0b260000000000000189ffaa").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(fff1("5a0b26100200002121340aaa").status, DecodeStatus::wrong_length);
  EXPECT_EQ(fff1("a50526330010aa").status, DecodeStatus::not_this_device);  // the app's own hello
}
