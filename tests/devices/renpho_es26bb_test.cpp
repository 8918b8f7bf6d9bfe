// Renpho ES-26BB-B: 55 AA frames built from openScale's RenphoES26BBHandler.kt layout (no public
// capture): 0x14 live, 0x15 stored, sum checksum.
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome f2a10(std::string_view hex_value) { return gatt("renpho-es26bb", 0x2A10, hex_value, "ES-26BB-B"); }
}  // namespace

TEST(RenphoEs26bb, FinalLiveWeighingWithResistance) {
  // 55 AA 14 00 07 | 01 | 00 00 1C 3E (72.30 kg) | 01 E0 (480 ohm) | sum
  DecodeOutcome o = f2a10("55aa14000701 00001c3e 01e0 56");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.30);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 480);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(RenphoEs26bb, LiveWeightsAreNotFinalAndInfoFramesAreNotWeighings) {
  DecodeOutcome o = f2a10("55aa14000700 00001c3e 0000 74");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.impedance_ohm);
  EXPECT_EQ(f2a10("55aa1100050101010000 18").status, DecodeStatus::unsupported_frame);
}

TEST(RenphoEs26bb, StoredWeighing) {
  // 55 AA 15 00 0A | 00 00 1F 40 (80.00 kg) | 01 F4 (500 ohm) | 00 00 0E 10 (an hour ago) | sum
  DecodeOutcome o = f2a10("55aa15000a 00001f40 01f4 00000e10 90");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 80.00);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 500);
}

TEST(RenphoEs26bb, DamagedFramesAreRejected) {
  EXPECT_EQ(f2a10("55aa14000701 00001c3e 01e0 57").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(f2a10("55aa14000801 00001c3e 01e0 35").status, DecodeStatus::wrong_length);
  EXPECT_EQ(f2a10("55aa14000701 00ffffff 01e0 f9").status, DecodeStatus::invalid_value);
}
