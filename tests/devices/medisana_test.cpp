// Medisana BS44x weight and body frames (the layout of openScale's MedisanaBs44xHandler.kt; no
// public capture, so frames are built from the layout; and ble-scale-sync's constructed
// medisana-bs44x.test.ts frames, below). Timestamp 0x1ABA10A5 is
// 2024-03-17T19:59:33Z counted from 2010-01-01. Byte 0 is the frames' fixed marker
// (0x1D weight, 0x6F body), as keptenkurk/BS440 checks it.
#include "device_test_util.hpp"
#include "devices/medisana_bs44x/protocol.hpp"

using namespace declouder;
using namespace declouder::test;

TEST(Medisana, WeightFrame) {
  auto o = gatt("medisana-bs44x", 0x8A21, "1d4d1c0000a510ba1a0000000003", "0202B6FF");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
  EXPECT_EQ(o.reading.user_slot, 3);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2024-03-17T19:59:33Z");
  EXPECT_EQ(o.reading.unit, WeightUnit::kg);
}

TEST(Medisana, Bs430UnixTimestampAndPoundsDisplay) {
  // 0x3D: the weight marker with bits 5-6 = 01, display in lb; timestamp 0x65F74BA5 is Unix time (BS430); user 0xFF = none
  auto o = medisana::decode_weight(hex("3d4d1c0000a54bf765000000 00ff"));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reading.unit, WeightUnit::lb);
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2024-03-17T19:59:33Z");
  EXPECT_FALSE(o.reading.user_slot);
}

TEST(Medisana, BodyFrameMasksTheTopNibble) {
  auto o = gatt("medisana-bs44x", 0x8A22, "6fa510ba1a039006ebf026027e011e00", "0202B6FF");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.weight_kg);
  EXPECT_EQ(o.reading.user_slot, 3);
  EXPECT_EQ(metric(o.reading, "bmr_kcal"), 1680);
  EXPECT_NEAR(metric(o.reading, "fat_percent"), 23.5, 1e-9);  // 0xF0EB & 0x0FFF = 235
  EXPECT_NEAR(metric(o.reading, "water_percent"), 55.0, 1e-9);
  EXPECT_NEAR(metric(o.reading, "muscle_percent"), 38.2, 1e-9);
  EXPECT_NEAR(metric(o.reading, "bone_kg"), 3.0, 1e-9);
}

TEST(Medisana, Rejects) {
  EXPECT_EQ(medisana::decode_weight(hex("1d4d1c0000a510ba1a00")).status, DecodeStatus::wrong_length);
  EXPECT_EQ(medisana::decode_weight(hex("1d000000 00a510ba1a0000000003")).status, DecodeStatus::invalid_value);
  EXPECT_EQ(medisana::decode_body(hex("6fa510ba1a039006ebf026027e01")).status, DecodeStatus::wrong_length);
}

TEST(Medisana, OtherTranstekFramesAreNotTaken) {
  // A Trisa Body Analyze frame on the same 0x8A21 (openScale TrisaBodyAnalyzeHandler.kt's
  // layout): flags 0x07 (time, two resistances), weight as a base-10 float (mantissa 7245,
  // exponent -2), time, R1, R2.
  EXPECT_EQ(gatt("medisana-bs44x", 0x8A21, "074d1c00fea510ba1a" "f4010000" "e0010000").status, DecodeStatus::not_this_device);
  EXPECT_EQ(medisana::decode_body(hex("00a510ba1a039006ebf026027e011e00")).status, DecodeStatus::not_this_device);
  // A Trisa frame with flags 1D (time, R2, user number, status: the byte Medisana checks) from a
  // Trisa: 76.0 kg, R2 538.6 (the real frame of trisa_body_analyze_test.cpp, without R1).
  EXPECT_EQ(gatt("medisana-bs44x", 0x8A21, "1db01d00fedc2f81100a1500ff000900", "01257B00000000").status,
            DecodeStatus::not_this_device);
  EXPECT_TRUE(gatt("trisa-body-analyze", 0x8A21, "1db01d00fedc2f81100a1500ff000900", "01257B00000000").ok());
  // No time in a weight frame is no time, not 2010-01-01.
  auto o = medisana::decode_weight(hex("1d4d1c0000000000000000000003"));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.device_time);
}

TEST(Medisana, TimeCommand) {
  EXPECT_EQ(medisana::epoch_for_name("0203B1234"), medisana::Epoch::unix1970);
  EXPECT_EQ(medisana::epoch_for_name("0202B6FF"), medisana::Epoch::y2010);
  EXPECT_EQ(medisana::build_time_command(1710705573, medisana::Epoch::y2010), hex("02 a5 10 ba 1a"));
  EXPECT_EQ(medisana::build_time_command(1710705573, medisana::Epoch::unix1970), hex("02 a5 4b f7 65"));
}

// ble-scale-sync tests/scales/medisana-bs44x.test.ts (KristianP26/ble-scale-sync): its frames are
// constructed in the test (Buffer.alloc, not captures), a 4-byte weight frame (8000 LE at 1-2) and
// a 16-byte feature frame (fat 225, water 550, muscle 400, bone 35, u16 LE at 8-15), told apart by
// length and with no first byte set. declouder tells them apart by characteristic and, as
// keptenkurk/BS440 does, by the fixed first byte (0x1D, 0x6F), and needs the weight frame's user at
// byte 13: the peer's frames as built are refused, and its values decode once framed so.
TEST(Medisana, BleScaleSyncVectors) {
  EXPECT_EQ(gatt("medisana-bs44x", 0x8A21, "00401f00", "0202B6FF").status, DecodeStatus::wrong_length);
  EXPECT_EQ(gatt("medisana-bs44x", 0x8A22, "000000000000 0000 e100 2602 9001 2300", "0202B6FF").status,
            DecodeStatus::not_this_device);
  // "parses weight frame (< 16 bytes)": 80.00 kg (no time, no user)
  DecodeOutcome w = gatt("medisana-bs44x", 0x8A21, "1d401f0000 00000000 00000000 ff", "0202B6FF");
  ASSERT_TRUE(w.ok()) << w.detail;
  EXPECT_DOUBLE_EQ(*w.reading.weight_kg, 80.0);
  EXPECT_FALSE(w.reading.user_slot);
  // "parses feature frame (>= 16 bytes)": fat = (225 & 0x0FFF) / 10 = 22.5 %, and the rest
  DecodeOutcome b = gatt("medisana-bs44x", 0x8A22, "6f00000000ff 0000 e100 2602 9001 2300", "0202B6FF");
  ASSERT_TRUE(b.ok()) << b.detail;
  EXPECT_DOUBLE_EQ(metric(b.reading, "fat_percent"), 22.5);
  EXPECT_DOUBLE_EQ(metric(b.reading, "water_percent"), 55.0);
  EXPECT_DOUBLE_EQ(metric(b.reading, "muscle_percent"), 40.0);
  EXPECT_DOUBLE_EQ(metric(b.reading, "bone_kg"), 3.5);
  EXPECT_FALSE(b.reading.weight_kg);  // "returns null when no weight received yet": no weight here
  EXPECT_FALSE(gatt("medisana-bs44x", 0x8A21, "0000", "0202B6FF").ok());  // "returns null for too-short buffer"
}
