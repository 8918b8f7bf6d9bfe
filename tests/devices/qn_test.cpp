// QN / Yolanda GATT frames (real GE Fit Plus capture from openScale
// QNHandlerProtocolTest; synthetic classic frames with a hand-computed sum) and
// the QN broadcast adverts (real FITINDEX FT-26R-W captures, openScale
// QNHandlerBroadcastFT26RTest).
#include "device_test_util.hpp"
#include "devices/qn_scale/protocol.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome qn_notify(std::string_view h) { return gatt("qn-scale", 0xFFF1, h, "QN-Scale"); }
}  // namespace

TEST(QnScale, CapturedEs30mFrames) {
  auto stable = qn_notify("100fFFfe02215710fe10fc00ac005c");
  ASSERT_TRUE(stable.ok()) << stable.detail;
  EXPECT_DOUBLE_EQ(*stable.reading.weight_kg, 85.35);
  EXPECT_TRUE(stable.reading.stabilized);
  EXPECT_EQ(metric(stable.reading, "qn_r1"), 4350);
  EXPECT_EQ(metric(stable.reading, "qn_r2"), 4348);
  EXPECT_FALSE(stable.reading.impedance_ohm);  // raw resistances, not an impedance

  auto state1 = qn_notify("100fFFfe01215700000000000000 95");
  ASSERT_TRUE(state1.ok());
  EXPECT_FALSE(state1.reading.stabilized);  // protocol 0xFF: only state 2 is stable
}

TEST(QnScale, ClassicFrameGuessesTheDivisor) {
  auto o = qn_notify("100b071c4d0101f401f274");  // 0x1C4D = 7245 -> 72.45 kg, stable
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_EQ(metric(o.reading, "qn_r1"), 500);
  auto small = qn_notify("100b0702d50100000000fa");  // 725 -> /10 -> 72.5 kg
  ASSERT_TRUE(small.ok());
  EXPECT_DOUBLE_EQ(*small.reading.weight_kg, 72.5);
}

TEST(QnScale, ScaleInfoSetsTheDivisor) {
  auto info = qn::parse_scale_info(hex("120f07000000000000000100000029"));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->protocol_type, 0x07);
  EXPECT_EQ(info->weight_divisor, 100);
  // With the divisor known, 725 means 7.25 kg (a child or a parcel), not 72.5.
  auto o = qn::decode_live(hex("100b0702d50100000000fa"), info);
  ASSERT_TRUE(o.ok());
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 7.25);
  // The scale-info frame itself carries no reading.
  EXPECT_EQ(qn_notify("120f07000000000000000100000029").status, DecodeStatus::unsupported_frame);
  // The long 0x12 frames carry the MAC instead of the divisor flag; their weights are
  // hundredths. A Renpho ES-26M's, captured (ble-scale-sync qn-scale.test.ts):
  auto long_info = qn::parse_scale_info(hex("1212ff0fac140004ff0f070a0000059f30e9"));
  ASSERT_TRUE(long_info);
  EXPECT_EQ(long_info->weight_divisor, 100);
  // ... and its barefoot frame, ES-30M layout: 97.85 kg.
  auto barefoot = qn::decode_live(hex("100eff01022639 01f501f301349e"), long_info);
  ASSERT_TRUE(barefoot.ok()) << barefoot.detail;
  EXPECT_DOUBLE_EQ(*barefoot.reading.weight_kg, 97.85);
  EXPECT_TRUE(barefoot.reading.stabilized);
  EXPECT_FALSE(qn::parse_scale_info(hex("120f07000000000000000100000028")));  // bad sum
}

TEST(QnScale, Rejects) {
  EXPECT_EQ(qn_notify("100b071c4d0101f401f275").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(qn_notify("100b071c4d01").status, DecodeStatus::wrong_length);  // length byte says 11
  EXPECT_EQ(qn_notify("1005 0700 1c").status, DecodeStatus::wrong_length);   // classic needs 11
  EXPECT_EQ(qn_notify("100b0700000100000000 23").status, DecodeStatus::invalid_value);  // zero weight
  EXPECT_EQ(qn_notify("390d65f74ba50656150486fc00").status, DecodeStatus::not_this_device);  // Picooc
}

TEST(QnScale, RequestBuilders) {
  EXPECT_EQ(qn::build_config(0x07, WeightUnit::kg), hex("13 09 07 01 10 00 00 00 34"));
  EXPECT_EQ(qn::build_config(0xFF, WeightUnit::lb), hex("13 09 FF 02 10 00 00 00 2d"));
  // 2024-03-17T19:59:33Z = 764020773 s after 2000-01-01 = 0x2D8A0825
  EXPECT_EQ(qn::build_time(1710705573), hex("02 25 08 8a 2d"));
  EXPECT_EQ(qn::build_weight_ack(0xFF), hex("1F 05 FF 10 33"));
}

namespace {
DecodeOutcome qnb(std::string_view h) { return advert("qn-broadcast", manufacturer_advert(0xFFFF, h)); }
}  // namespace

TEST(QnBroadcast, CapturedFt26rFrames) {
  auto settled = qnb("aabb00005e00530172000000ffffff1500761b510e032300");
  ASSERT_TRUE(settled.ok()) << settled.detail;
  EXPECT_DOUBLE_EQ(*settled.reading.weight_kg, 70.30);
  EXPECT_TRUE(settled.reading.stabilized);
  auto moving = qnb("aabb00005e0053016d000000ffffff1400671b510e032100");
  ASSERT_TRUE(moving.ok());
  EXPECT_DOUBLE_EQ(*moving.reading.weight_kg, 70.15);
  EXPECT_FALSE(moving.reading.stabilized);
  auto bit5 = qnb("aabb00005e00530172000000ffffff2000761b000000 2300");
  ASSERT_TRUE(bit5.ok());
  EXPECT_TRUE(bit5.reading.stabilized);
}

// ble-scale-sync tests/scales/qn-scale.test.ts makeBroadcast (synthetic, built to its adapter's
// layout): 23 bytes under company 0xFFFF, byte 15 0x23 when stable and 0x04 while moving, the
// weight at 17-18 in hundredths of a kg.
TEST(QnBroadcast, BleScaleSyncsBroadcastFrames) {
  auto stable = qnb("aabb 00000000000000000000000000 23 00 581b 00000000");
  ASSERT_TRUE(stable.ok()) << stable.detail;
  EXPECT_DOUBLE_EQ(*stable.reading.weight_kg, 70.0);
  EXPECT_TRUE(stable.reading.stabilized);
  auto moving = qnb("aabb 00000000000000000000000000 04 00 581b 00000000");
  ASSERT_TRUE(moving.ok()) << moving.detail;
  EXPECT_FALSE(moving.reading.stabilized);
  // 'rejects broadcast with wrong company ID' and 'without AABB magic'
  EXPECT_EQ(advert("qn-broadcast", manufacturer_advert(0x0001, "aabb 00000000000000000000000000 23 00 581b 00000000")).status,
            DecodeStatus::not_this_device);
  EXPECT_EQ(qnb("0000 00000000000000000000000000 23 00 581b 00000000").status, DecodeStatus::not_this_device);
}

TEST(QnBroadcast, Rejects) {
  EXPECT_EQ(qnb("aabb00005e00530100f09f6affffff15a00000510e03500f").status, DecodeStatus::invalid_value);  // idle
  EXPECT_EQ(qnb("aabb00").status, DecodeStatus::wrong_length);
  EXPECT_EQ(qnb("00bb00005e00530172000000ffffff1500761b510e032300").status, DecodeStatus::not_this_device);
}

TEST(QnScale, StoredRecord) {
  // Layout frame: time 764020773 s after 2000-01-01 (2024-03-17T19:59:33Z), 72.45 kg, R1 500, R2 480
  auto o = gatt("qn-scale", 0xFFF1, "23120700000025088a2d1c4d00f401e0015f", "QN-Scale");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2024-03-17T19:59:33Z");
  EXPECT_EQ(metric(o.reading, "qn_r1"), 500);
  EXPECT_EQ(metric(o.reading, "qn_r2"), 480);
  EXPECT_EQ(qn::decode_stored(hex("23120700000025088a2d1c4d00f401e00160")).status, DecodeStatus::bad_checksum);
  EXPECT_EQ(qn::decode_stored(hex("230507002f")).status, DecodeStatus::wrong_length);
}

TEST(QnScale, Es30mLayoutWithAUnitByteIsToldApartByItsLength) {
  // A Renpho Elis 1 at 60.0 kg, captured (ble-scale-sync qn-scale.test.ts): byte 3 is the
  // unit (01 kg), byte 4 the state (02 stable), 5-6 the weight in tenths. Read as the classic
  // layout it would be 25.8 kg and unstable.
  for (const char* name : {"QN-Scale", "Renpho-Scale"}) {
    auto o = gatt("qn-scale", 0xFFF1, "100eff0102025801fd01fb0033a7", name);
    ASSERT_TRUE(o.ok()) << o.detail;
    EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 60.0);
    EXPECT_TRUE(o.reading.stabilized);
    EXPECT_EQ(metric(o.reading, "qn_r1"), 509);
  }
  // The same scale's classic-info frame (divisor 10) agrees.
  auto info = qn::parse_scale_info(hex("120fff000000000000000000000020"));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->weight_divisor, 10);
  EXPECT_DOUBLE_EQ(*qn::decode_live(hex("100eff0102025801fd01fb0033a7"), info).reading.weight_kg, 60.0);
}

TEST(QnScale, EtekcityEsf24StoredRecords) {
  // Captured ESF-24 records (etekcity_esf551_ble tests/unit/test_esf24_protocol.py): 20 bytes,
  // count and index before the time; weight at 9-10, resistances big-endian.
  auto first = gatt("qn-scale", 0xFFF1, "2314150601013d5b302bb60000000000000000fd", "QN-Scale");
  ASSERT_TRUE(first.ok()) << first.detail;
  EXPECT_DOUBLE_EQ(*first.reading.weight_kg, 111.90);
  ASSERT_TRUE(first.reading.device_time);
  EXPECT_EQ(iso8601(*first.reading.device_time), "2025-09-15T21:09:21Z");  // not 2001
  EXPECT_EQ(metric(first.reading, "qn_r1"), -1);  // no BIA: no resistance
  auto bia = gatt("qn-scale", 0xFFF1, "23141501016e6e73302b48016b013400000000e1", "QN-Scale");
  ASSERT_TRUE(bia.ok()) << bia.detail;
  EXPECT_DOUBLE_EQ(*bia.reading.weight_kg, 110.80);
  EXPECT_EQ(metric(bia.reading, "qn_r1"), 363);
  EXPECT_EQ(metric(bia.reading, "qn_r2"), 308);
  // Its live final frame of the same weighing agrees (classic layout).
  auto live = gatt("qn-scale", 0xFFF1, "100b152b4801016b013445", "QN-Scale");
  ASSERT_TRUE(live.ok()) << live.detail;
  EXPECT_DOUBLE_EQ(*live.reading.weight_kg, 110.80);
  EXPECT_EQ(metric(live.reading, "qn_r1"), 363);
  // An empty store answers with count 0: no reading.
  EXPECT_EQ(gatt("qn-scale", 0xFFF1, "231415000000000000000000000000000000004c", "QN-Scale").status,
            DecodeStatus::unsupported_frame);
}

// The GE CS 10 G's extended result records: real frames from three connects of a scale whose
// display read 75.20 kg (ble-scale-sync issue #235, tests/scales/qn-scale.test.ts), with the
// weights and record times that project reads from them.
TEST(QnScale, GeExtendedResultRecords) {
  // connect 1: the weigh-in just made, B1 03 01, 75.25 kg
  DecodeOutcome live = qn_notify(
      "b12c030101651d030bbb09ac0a4f09790a4f09b3095a081b011601440bea091a0bb509a90a7d09480a090932");
  ASSERT_TRUE(live.ok()) << live.detail;
  EXPECT_DOUBLE_EQ(*live.reading.weight_kg, 75.25);
  EXPECT_TRUE(live.reading.stabilized);
  EXPECT_FALSE(live.reading.device_time);
  EXPECT_FALSE(live.reading.impedance_ohm);  // the sweep's raw channels are not an impedance
  // connect 2: no B4 in the burst, only the B1: 75.20 kg
  EXPECT_DOUBLE_EQ(*qn_notify("b12c030101601dd20b7c0ab50b560a0c0ad608bd099f0828015a01530bfa092a0bc6099a0a6d093a0afe0890")
                        .reading.weight_kg,
                   75.20);
  // connect 1's B4 is a six-day-old stored record: 67.10 kg at 2026-08-13 06:05:06 (the
  // scale's clock), kept with its own time, never as the weigh-in of the session
  DecodeOutcome old = qn_notify(
      "b42c0401f01001121b1032361a000000000000000000000000000000000000000000000000000000000000a5");
  ASSERT_TRUE(old.ok()) << old.detail;
  EXPECT_DOUBLE_EQ(*old.reading.weight_kg, 67.10);
  EXPECT_EQ(iso8601(*old.reading.device_time), "2026-08-13T06:05:06Z");
  // connect 3's B4 holds connect 2's weigh-in (18:03:34)
  DecodeOutcome previous = qn_notify(
      "b42c040101010176ac1832601dd20b7c0ab50b560a0c0ad608bd099f0828015a01530bfa092a0bc6099a0a42");
  ASSERT_TRUE(previous.ok()) << previous.detail;
  EXPECT_DOUBLE_EQ(*previous.reading.weight_kg, 75.20);
  EXPECT_EQ(iso8601(*previous.reading.device_time), "2026-08-19T18:03:34Z");
}

TEST(QnScale, GeExtendedResultRecordsDamagedOrWithoutAWeight) {
  EXPECT_EQ(qn_notify("b12c030101651d030bbb09ac0a4f09790a4f09b3095a081b011601440bea091a0bb509a90a7d09480a090933").status,
            DecodeStatus::bad_checksum);
  EXPECT_EQ(qn_notify("b12c030101651d030bbb09ac0a4f09790a4f09b309").status, DecodeStatus::wrong_length);
  // a B1 03 03 record (the BMI's) carries no weight at 5-6: the same bytes with 03 03 and its sum
  EXPECT_EQ(qn_notify("b12c030301651d030bbb09ac0a4f09790a4f09b3095a081b011601440bea091a0bb509a90a7d09480a090934").status,
            DecodeStatus::unsupported_frame);
}
