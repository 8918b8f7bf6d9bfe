// Soehnle and Exingtech Y1, two scales on 128-bit vendor characteristics. Soehnle: a real
// stored weighing from a Shape Sense Connect 200's btsnoop log in openScale issue #487 (136.5 kg,
// the weight its owner read on the display), and frames built from openScale's SoehnleHandler.kt
// layout. Exingtech Y1: frames built from openScale's ExingtechY1Handler.kt (no public capture),
// and ble-scale-sync's constructed exingtech-y1.test.ts frames (below).
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome vendor(const char* uuid, std::string_view value_hex, std::string name) {
  GattValue v;
  v.characteristic = *Uuid::parse(uuid);
  v.value = hex(value_hex);
  v.device_name = std::move(name);
  DecodeOutcome result = DecodeOutcome::reject(DecodeStatus::not_this_device, "not tried");
  builtin_registry().decode_gatt(v, [&](const DeviceDescriptor&, const DecodeOutcome& o) { result = o; });
  return result;
}
constexpr const char* kSoehnleWeighings = "352e3001-28e9-40b8-a361-6db4cca4147c";
constexpr const char* kExingtechFrames = "1a2ea400-75b9-11e2-be05-0002a5d5c51b";
}  // namespace

TEST(Soehnle, AStoredWeighingWithItsUserAndClock) {
  // user 2, 2026-11-30 07:15:30, 72.3 kg, 5 kHz 576 ohm, 50 kHz 480 ohm
  DecodeOutcome o = vendor(kSoehnleWeighings, "09 02 07ea 0b 1e 07 0f 1e 02d3 0240 01e0", "Shape200");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_STREQ(o.reading.model, "soehnle");
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.3);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 480);
  EXPECT_EQ(*o.reading.user_slot, 2);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2026-11-30T07:15:30");
  EXPECT_EQ(vendor(kSoehnleWeighings, "09 02 07ea 0b 1e 07 0f 1e 02d3 0240", "Shape200").status, DecodeStatus::wrong_length);
}

TEST(Soehnle, ARealStoredWeighingFromAShape200) {
  // openScale #487, notification on 352e3001: user 1, the scale's clock at 2016-01-09 10:51:28
  // (never set by its owner's app, years before the capture), 0x0555 = 136.5 kg, 476 ohm at
  // 5 kHz, 413 ohm at 50 kHz
  DecodeOutcome o = vendor(kSoehnleWeighings, "090107e001090a331c055501dc019d", "Shape200");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 136.5);
  EXPECT_EQ(*o.reading.user_slot, 1);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 413);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2016-01-09T10:51:28");
  // the live weight on the same characteristic in that log (30 01 00 0565: 138.1 kg) is another
  // message, not a stored weighing
  EXPECT_EQ(vendor(kSoehnleWeighings, "3001000565 00000000", "Shape200").status, DecodeStatus::not_this_device);
}

TEST(ExingtechY1, TheResultAndALiveWeight) {
  DecodeOutcome o = vendor(kExingtechFrames, "00000000 02d3 00da 0223 001e 0192 08 0000000000", "VScale");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.3);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_DOUBLE_EQ(metric(o.reading, "fat_percent"), 21.8);
  EXPECT_DOUBLE_EQ(metric(o.reading, "visceral_fat"), 8);
  DecodeOutcome live = vendor(kExingtechFrames, "00000000 02d3 ffff 0000 0000 0000 00 0000000000", "VScale");
  ASSERT_TRUE(live.ok()) << live.detail;
  EXPECT_FALSE(live.reading.stabilized);
}

// ble-scale-sync tests/scales/exingtech-y1.test.ts (KristianP26/ble-scale-sync): its frames are
// constructed in the test (Buffer.alloc(15), not captures): weight 800 at 4-5, fat 225 at 6-7,
// water 550 at 8-9, bone 35 at 10-11, muscle 400 at 12-13 (u16 BE), visceral fat 8 at 14. The
// peer takes any frame of 15 bytes or more; openScale's ExingtechY1Handler.kt takes only the
// 20-byte frame the scale sends, so the peer's short frame is refused and its fields are decoded
// once padded to 20 bytes.
TEST(ExingtechY1, BleScaleSyncVectors) {
  EXPECT_EQ(vendor(kExingtechFrames, "00000000 0320 00e1 0226 0023 0190 08", "VScale").status, DecodeStatus::wrong_length);
  // "parses frame with body comp (complete, [6] != 0xFF)"
  DecodeOutcome o = vendor(kExingtechFrames, "00000000 0320 00e1 0226 0023 0190 08 0000000000", "VScale");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 80.0);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.impedance_ohm);  // the peer's impedance 0: the scale sends none
  EXPECT_DOUBLE_EQ(metric(o.reading, "fat_percent"), 22.5);
  EXPECT_DOUBLE_EQ(metric(o.reading, "water_percent"), 55.0);
  EXPECT_DOUBLE_EQ(metric(o.reading, "bone_kg"), 3.5);
  EXPECT_DOUBLE_EQ(metric(o.reading, "visceral_fat"), 8);
  // "parses incomplete frame ([6] == 0xFF)": the weight, not yet the result, no fat
  DecodeOutcome live = vendor(kExingtechFrames, "00000000 0320 ff00 0000 0000 0000 00 0000000000", "VScale");
  ASSERT_TRUE(live.ok()) << live.detail;
  EXPECT_DOUBLE_EQ(*live.reading.weight_kg, 80.0);
  EXPECT_FALSE(live.reading.stabilized);
  EXPECT_EQ(metric(live.reading, "fat_percent"), -1);
  // "returns null when weight is zero"
  EXPECT_EQ(vendor(kExingtechFrames, "00000000 0000 00e1 0226 0023 0190 08 0000000000", "VScale").status,
            DecodeStatus::invalid_value);
}
