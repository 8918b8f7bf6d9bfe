// Senssun: FF A5 frames built from openScale's SenssunHandler.kt layout (no public capture),
// and ble-scale-sync's constructed senssun.test.ts frames (below).
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

// ble-scale-sync tests/scales/senssun.test.ts (KristianP26/ble-scale-sync): every frame it decodes,
// all constructed in the test (Buffer.alloc), none marked as captured from a real scale. Its
// adapter (src/scales/senssun.ts) reads the frame type from the first byte after any FF padding:
// A5 for the weight, B0/C0/D0 as frames of their own. openScale's SenssunHandler.kt, which the
// legacy handler users of the real scale relied on, reads every notification as one FF, then A5,
// four data bytes and the type at the sixth byte (A0/AA/B0/C0/D0/BE). Where the two disagree the
// peer's frames are its own construction, so declouder keeps openScale's framing and says so here.
TEST(Senssun, BleScaleSyncWeightFrames) {
  // "parses 0xA5 weight frame": A5, 800 BE at 1-2, AA at 5 — the bytes after openScale's FF
  EXPECT_EQ(fff1("a503200000aa").status, DecodeStatus::not_this_device);  // peer omits the FF prefix
  DecodeOutcome o = fff1("ffa503200000aa");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 80.0);
  EXPECT_TRUE(o.reading.stabilized);
  // "strips leading 0xFF padding": FF FF A5 03 20 00 00 AA. openScale drops exactly one FF and then
  // needs A5; no capture shows a second FF, so the peer's doubly padded frame is not taken either.
  EXPECT_FALSE(fff1("ffffa503200000aa").ok());
  // "returns null for all-0xFF buffer" and "too-short buffer"
  EXPECT_FALSE(fff1("ffffff").ok());
  EXPECT_FALSE(fff1("00").ok());
}

TEST(Senssun, BleScaleSyncBodyCompositionValuesInOpenScalesFraming) {
  // "parses 0xB0 fat/water frame": fat 225, water 550 (BE). The peer builds B0 00 E1 02 26 with
  // no FF A5 header, which no Senssun sends by openScale's handler; declouder does not take it.
  EXPECT_EQ(fff1("b000e10226").status, DecodeStatus::not_this_device);
  EXPECT_EQ(fff1("c001900023").status, DecodeStatus::not_this_device);  // "parses 0xC0 muscle/bone frame"
  EXPECT_EQ(fff1("d00000").status, DecodeStatus::not_this_device);      // "parses 0xD0 BMR frame"
  // The same values as openScale frames them: FF A5 <d1 d2 d3 d4> <type>.
  DecodeOutcome fat = fff1("ffa500e10226b0");
  ASSERT_TRUE(fat.ok()) << fat.detail;
  EXPECT_DOUBLE_EQ(metric(fat.reading, "fat_percent"), 22.5);
  EXPECT_DOUBLE_EQ(metric(fat.reading, "water_percent"), 55.0);
  EXPECT_FALSE(fat.reading.weight_kg);
  // The peer writes the bone (35 = 3.5 kg) big-endian; openScale's handler (and the legacy one it
  // replaced: "legacy swapped [3] and [4] for bone") reads it low byte first, so 3.5 kg is 23 00.
  EXPECT_DOUBLE_EQ(metric(fff1("ffa501902300c0").reading, "bone_kg"), 3.5);
}
