// Inlife: a real result from an Inlife scale's btsnoop log in openScale issue #352 (70.4 kg,
// the 155.2 lb its owner read on the display), and 14-byte frames built from openScale's
// InlifeHandler.kt layout.
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome fff1(std::string_view hex_value) { return gatt("inlife", 0xFFF1, hex_value, "000fatscale01"); }
}  // namespace

TEST(Inlife, ARealResultFromAnInlifeScale) {
  // openScale #352: 02 DD, 0x02C0 = 70.4 kg, lean body mass 0x00B6D4 g = 46.804 kg (the analysis
  // in that thread), byte 11 = 00 (no impedance), XOR BF, AA
  DecodeOutcome o = fff1("02dd02c000b6d401c23c3d00bfaa");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 70.4);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.impedance_ohm);
  EXPECT_DOUBLE_EQ(metric(o.reading, "lean_body_mass_kg"), 46.804);
}

TEST(Inlife, ResultWithImpedance) {
  DecodeOutcome o = fff1("02dd02d3000001e0000000806daa");  // 72.3 kg, 480 ohm, flag 0x80
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.3);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 480);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(Inlife, LegacyResultKeepsTheScalesLeanMass) {
  DecodeOutcome o = fff1("02dd02d300d6d801f4000000f7aa");  // 72.3 kg, lean mass 0x00D6D8 g = 55.0 kg
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.impedance_ohm);
  EXPECT_DOUBLE_EQ(metric(o.reading, "lean_body_mass_kg"), 55.0);
}

TEST(Inlife, LiveWeightAndDamagedFrames) {
  DecodeOutcome o = fff1("02d8012c0000000000000000f5aa");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 30.0);
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_EQ(fff1("02d8012c0000000000000000f4aa").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(fff1("02d8012c0000000000000000f5").status, DecodeStatus::not_this_device);
  EXPECT_EQ(fff1("02df00000000000000000000dfaa").status, DecodeStatus::unsupported_frame);
}
