// Bluetooth SIG Weight Measurement (0x2A9D), Body Composition Measurement
// (0x2A9C) and Battery Level (0x2A19), for any scale. Frames are built from the GATT Specification
// Supplement layouts (research §2.3); each comment spells out the fields.
#include "device_test_util.hpp"
#include "devices/bluetooth_sig_scale/protocol.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome wss(std::string_view h, std::string name = "") { return gatt("bluetooth-sig-scale", 0x2A9D, h, name); }
DecodeOutcome bcs(std::string_view h, std::string name = "") { return gatt("bluetooth-sig-scale", 0x2A9C, h, name); }
}  // namespace

TEST(SigWeightScale, KgWithTimestampAndUser) {
  // flags 06 (time, user); 0x389A * 0.005 = 72.45 kg; 2024-03-17 07:30:00; user 2
  auto o = wss("06 9A 38 E8 07 03 11 07 1E 00 02", "Some Unknown Scale");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
  EXPECT_EQ(o.reading.unit, WeightUnit::kg);
  EXPECT_EQ(o.reading.user_slot, 2);
  EXPECT_TRUE(o.reading.stabilized);
  ASSERT_TRUE(o.reading.device_time);
  EXPECT_EQ(o.reading.device_time->civil, (CivilTime{2024, 3, 17, 7, 30, 0}));
}

TEST(SigWeightScale, PoundsWithBmiAndHeight) {
  // flags 09 (imperial, BMI+height); 16000 * 0.01 = 160 lb; BMI 24.3; 70.0 in
  auto o = wss("09 80 3E F3 00 BC 02");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reading.unit, WeightUnit::lb);
  EXPECT_NEAR(*o.reading.weight_kg, 160 * 0.45359237, 1e-9);
  EXPECT_NEAR(metric(o.reading, "bmi"), 24.3, 1e-9);
  EXPECT_NEAR(metric(o.reading, "height_cm"), 177.8, 1e-9);
  EXPECT_FALSE(o.reading.user_slot);
}

TEST(SigWeightScale, UnknownUserAndUnknownYear) {
  auto o = wss("06 9A 38 00 00 03 11 07 1E 00 FF");
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.reading.user_slot);    // 0xFF = unknown user
  EXPECT_FALSE(o.reading.device_time);  // year 0 = date not known
}

TEST(SigWeightScale, RejectsUnsuccessfulShortAndTruncated) {
  EXPECT_EQ(wss("00 FF FF").status, DecodeStatus::invalid_value);
  EXPECT_EQ(wss("00 9A").status, DecodeStatus::wrong_length);
  EXPECT_EQ(wss("06 9A 38 E8 07").status, DecodeStatus::wrong_length);  // flags promise a timestamp
}

TEST(SigBodyComposition, FullPacket) {
  // flags 0x061E: time, user, BMR, muscle %, impedance, weight
  // fat 23.5 %; 2024-03-17 07:30:00; user 1; BMR 7000 kJ; muscle 38.2 %; 500.0 ohm; 72.45 kg
  auto o = bcs("1E 06 EB 00 E8 07 03 11 07 1E 00 01 58 1B 7E 01 88 13 9A 38");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(metric(o.reading, "fat_percent"), 23.5, 1e-9);
  EXPECT_NEAR(metric(o.reading, "bmr_kcal"), 7000 / 4.1868, 1e-9);
  EXPECT_NEAR(metric(o.reading, "muscle_percent"), 38.2, 1e-9);
  EXPECT_EQ(o.reading.impedance_ohm, 500.0);
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
  EXPECT_EQ(o.reading.user_slot, 1);
  EXPECT_EQ(metric(o.reading, "multi_packet"), -1);
}

TEST(SigBodyComposition, WaterMassBecomesPercentOfWeight) {
  // flags 0x0500: water mass 40.0 kg, weight 72.45 kg
  auto o = bcs("00 05 EB 00 40 1F 9A 38");
  ASSERT_TRUE(o.ok());
  EXPECT_NEAR(metric(o.reading, "water_percent"), 40.0 / 72.45 * 100, 1e-9);
}

TEST(SigBodyComposition, MultiPacketIsFlagged) {
  // flags 0x1400: multiple packets, weight; fat is not in this packet (0xFFFF)
  auto o = bcs("00 14 FF FF 9A 38");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_EQ(metric(o.reading, "multi_packet"), 1);
  EXPECT_EQ(metric(o.reading, "fat_percent"), -1);
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
}

TEST(SigBodyComposition, Rejects) {
  EXPECT_EQ(bcs("00 00 FF FF").status, DecodeStatus::invalid_value);  // unsuccessful
  EXPECT_EQ(bcs("00 00 EB").status, DecodeStatus::wrong_length);
  EXPECT_EQ(bcs("00 04 EB 00 9A").status, DecodeStatus::wrong_length);  // weight announced, 1 byte left
}

TEST(SigBatteryLevel, OnlyTheBatteryIsSet) {
  DecodeOutcome o = gatt("bluetooth-sig-scale", 0x2A19, "57");  // 0x57 = 87 %
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_STREQ(o.reading.model, "bluetooth-sig-scale");
  EXPECT_EQ(o.reading.battery_percent, 87);
  EXPECT_FALSE(o.reading.weight_kg);
  EXPECT_FALSE(o.reading.impedance_ohm);
  EXPECT_EQ(o.reading.device_metric_count, 0);
  EXPECT_EQ(gatt("bluetooth-sig-scale", 0x2A19, "64").reading.battery_percent, 100);
  EXPECT_EQ(gatt("bluetooth-sig-scale", 0x2A19, "00").reading.battery_percent, 0);
  // The Beurer family reads it too, with its own model id.
  DecodeOutcome b = gatt("beurer-sanitas-standard", 0x2A19, "57", "BF600");
  ASSERT_TRUE(b.ok()) << b.detail;
  EXPECT_STREQ(b.reading.model, "beurer-sanitas-standard");
  EXPECT_EQ(b.reading.battery_percent, 87);
}

TEST(SigBatteryLevel, RejectsEmptyLongAndAbove100) {
  EXPECT_EQ(gatt("bluetooth-sig-scale", 0x2A19, "").status, DecodeStatus::wrong_length);
  EXPECT_EQ(gatt("bluetooth-sig-scale", 0x2A19, "57 00").status, DecodeStatus::wrong_length);
  EXPECT_EQ(gatt("bluetooth-sig-scale", 0x2A19, "65").status, DecodeStatus::invalid_value);  // 101 %
  EXPECT_EQ(gatt("bluetooth-sig-scale", 0x2A19, "FF").status, DecodeStatus::invalid_value);
}

TEST(SigScale, BeurerNameGoesToTheBeurerFamilyOnly) {
  int readings = 0;
  GattValue v;
  v.characteristic = Uuid::from16(0x2A9D);
  v.value = hex("06 9A 38 E8 07 03 11 07 1E 00 02");
  v.device_name = "BF600";
  builtin_registry().decode_gatt(v, [&](const DeviceDescriptor& f, const DecodeOutcome& o) {
    if (o.ok()) {
      ++readings;
      EXPECT_EQ(f.id, "beurer-sanitas-standard");
      EXPECT_STREQ(o.reading.model, "beurer-sanitas-standard");
    }
  });
  EXPECT_EQ(readings, 1);
  // Without a Beurer name the Beurer family declines and the generic one decodes.
  EXPECT_EQ(gatt("beurer-sanitas-standard", 0x2A9D, "06 9A 38 E8 07 03 11 07 1E 00 02").status,
            DecodeStatus::not_this_device);
}

TEST(SigScale, RequestBuilders) {
  EXPECT_EQ(sig_scale::build_register_user(1234), hex("01 D2 04"));
  EXPECT_EQ(sig_scale::build_consent(2, 1234), hex("02 02 D2 04"));
  // 2024-03-17 was a Sunday (7)
  EXPECT_EQ(sig_scale::build_current_time({2024, 3, 17, 7, 30, 5}), hex("E8 07 03 11 07 1E 05 07 00 00"));
  EXPECT_EQ(sig_scale::build_current_time({2026, 11, 23, 0, 0, 0})[7], 1);  // a Monday
  auto r = sig_scale::parse_user_control_response(hex("20 01 01 03"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->success());
  EXPECT_EQ(r->user_index, 3);
  r = sig_scale::parse_user_control_response(hex("20 02 05"));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->success());
  EXPECT_FALSE(sig_scale::parse_user_control_response(hex("21 02 05")));
}

TEST(SigBodyComposition, EveryFieldAtOnce) {
  // flags 0x0FFE: every optional field except imperial and multi-packet.
  // fat 23.5 | 2024-03-17 07:30:00 | user 1 | BMR 7000 kJ | muscle 38.2 % | muscle 30 kg
  // | fat-free 55 kg | soft lean 50 kg | water 40 kg | 500.0 ohm | 72.45 kg | 1.800 m
  auto o = bcs("FE 0F EB 00 E8 07 03 11 07 1E 00 01 58 1B 7E 01 70 17 F8 2A 10 27 40 1F 88 13 9A 38 08 07");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(metric(o.reading, "muscle_kg"), 30.0, 1e-9);
  EXPECT_NEAR(metric(o.reading, "lean_body_mass_kg"), 55.0, 1e-9);
  EXPECT_NEAR(metric(o.reading, "soft_lean_mass_kg"), 50.0, 1e-9);
  EXPECT_NEAR(metric(o.reading, "water_percent"), 40.0 / 72.45 * 100, 1e-9);
  EXPECT_NEAR(metric(o.reading, "height_cm"), 180.0, 1e-9);
  EXPECT_EQ(o.reading.impedance_ohm, 500.0);
  EXPECT_EQ(o.reading.user_slot, 1);
}

TEST(SigWeightScale, RenphoEsWbe28CountsInFiftyGramSteps) {
  // Captured from a Renpho ES-WBE28 (ble-scale-sync tests/scales/renpho.test.ts): flags 4E
  // (time, user, BMI and height), weight 0x076A, 2026-07-04 12:26:06, user 0xAA (the app's
  // fixed consent slot), BMI 0, height 0.
  auto o = wss("4e6a07ea0707040c1a06aa00000000", "Renpho-Scale");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 94.9, 1e-9);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2026-07-04T12:26:06");
  EXPECT_FALSE(o.reading.user_slot);            // 170 names nobody
  EXPECT_EQ(metric(o.reading, "bmi"), -1);      // placeholders are left out, not 0
  EXPECT_EQ(metric(o.reading, "height_cm"), -1);
  // Another scale's user 170 is a user, and its resolution is the SIG's.
  auto sig = wss("4e6a07ea0707040c1a06aa00000000");
  ASSERT_TRUE(sig.ok());
  EXPECT_NEAR(*sig.reading.weight_kg, 9.49, 1e-9);
  EXPECT_EQ(sig.reading.user_slot, 170);
}

TEST(SigBodyComposition, BeurerBf788PlaceholderFramesAreNotMeasurements) {
  // Captured from a Beurer BF788 (ble-scale-sync tests/scales/beurer-bf720.test.ts, issue
  // #229): 35 of 36 composition frames of one session are stubs with fat 0 and only the BMR.
  EXPECT_EQ(bcs("9803000096230000000000000000").status, DecodeStatus::invalid_value);
  // The one real frame: fat 24.3 %, muscle 39.3 %, water 61.41 kg, impedance 392.5 ohm.
  auto real = bcs("9803f300962389014042fa2f550f");
  ASSERT_TRUE(real.ok()) << real.detail;
  EXPECT_NEAR(metric(real.reading, "fat_percent"), 24.3, 1e-9);
  EXPECT_NEAR(metric(real.reading, "muscle_percent"), 39.3, 1e-9);
  EXPECT_NEAR(metric(real.reading, "water_kg"), 61.41, 1e-9);
  EXPECT_NEAR(*real.reading.impedance_ohm, 392.5, 1e-9);
  // Its weight frame: 117.92 kg, user 1, BMI 32.0, height 192.0 cm.
  auto w = wss("0e205cea07070e1729200140018007");
  ASSERT_TRUE(w.ok());
  EXPECT_NEAR(*w.reading.weight_kg, 117.92, 1e-9);
  EXPECT_NEAR(metric(w.reading, "bmi"), 32.0, 1e-9);
  EXPECT_NEAR(metric(w.reading, "height_cm"), 192.0, 1e-9);
  // A zero muscle % inside an otherwise real frame is left out too.
  auto no_muscle = bcs("1000f3000000");
  ASSERT_TRUE(no_muscle.ok()) << no_muscle.detail;
  EXPECT_EQ(metric(no_muscle.reading, "muscle_percent"), -1);
}
