// Renpho ES-26BB-B: 55 AA frames built from openScale's RenphoES26BBHandler.kt layout (no public
// capture): 0x14 live, 0x15 stored, sum checksum; and
// ble-scale-sync's constructed renpho-es26bb.test.ts frames (below).
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

// ble-scale-sync tests/scales/renpho-es26bb.test.ts (KristianP26/ble-scale-sync): makeLiveFrame and
// makeOfflineFrame build every frame in the test (Buffer.alloc, not captures). They fill only the
// command, the fields and the sum, and leave the 55 AA header and the length byte zero, which its
// adapter never reads; openScale's RenphoES26BBHandler.kt and the scale's own START command
// (55 AA 90 00 04 ..., in both) frame every message 55 AA <command> 00 <length>. So the peer's bytes
// as built are not taken, and the same fields decode once framed as the scale frames them.
TEST(RenphoEs26bb, BleScaleSyncVectors) {
  EXPECT_EQ(f2a10("00001400000100001f4001f469").status, DecodeStatus::not_this_device);  // makeLiveFrame(8000, 500)
  EXPECT_EQ(f2a10("000015000000001d4c01e000000e107d").status, DecodeStatus::not_this_device);
  // "parses 0x14 final live frame (type 0x01)": 80 kg, 500 ohm
  DecodeOutcome a = f2a10("55aa140007 01 00001f40 01f4 6f");
  ASSERT_TRUE(a.ok()) << a.detail;
  EXPECT_DOUBLE_EQ(*a.reading.weight_kg, 80.0);
  EXPECT_DOUBLE_EQ(*a.reading.impedance_ohm, 500);
  EXPECT_TRUE(a.reading.stabilized);
  // "parses 0x14 final live frame (type 0x11)": 75 kg, 480 ohm
  DecodeOutcome b = f2a10("55aa140007 11 00001d4c 01e0 75");
  ASSERT_TRUE(b.ok()) << b.detail;
  EXPECT_DOUBLE_EQ(*b.reading.weight_kg, 75.0);
  EXPECT_DOUBLE_EQ(*b.reading.impedance_ohm, 480);
  EXPECT_TRUE(b.reading.stabilized);
  // "drops 0x14 non-final live frame" (type 00): declouder keeps it as a live, unsettled weight
  DecodeOutcome live = f2a10("55aa140007 00 00001f40 01f4 6e");
  ASSERT_TRUE(live.ok()) << live.detail;
  EXPECT_FALSE(live.reading.stabilized);
  // "parses 0x15 offline frame": 75 kg, 480 ohm, taken an hour ago
  DecodeOutcome stored = f2a10("55aa15000a 00001d4c 01e0 00000e10 86");
  ASSERT_TRUE(stored.ok()) << stored.detail;
  EXPECT_DOUBLE_EQ(*stored.reading.weight_kg, 75.0);
  EXPECT_DOUBLE_EQ(*stored.reading.impedance_ohm, 480);
  // "drops frame with invalid checksum"
  EXPECT_EQ(f2a10("55aa140007 01 00001f40 01f4 00").status, DecodeStatus::bad_checksum);
  // "returns null for too-short buffer" (5 bytes) and for zero weights, live and stored
  EXPECT_FALSE(f2a10("0000000000").ok());
  EXPECT_EQ(f2a10("55aa140007 01 00000000 01f4 10").status, DecodeStatus::invalid_value);
  EXPECT_EQ(f2a10("55aa15000a 00000000 01e0 00000000 ff").status, DecodeStatus::invalid_value);
}
