// Eufy C20 (T9130): frames built from openScale's EufyC20Handler.kt layout (no public capture).
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

TEST(EufyC20, FinishedWeighingWithImpedanceAndHeartRate) {
  // flags C1 at byte 10 (weight, impedance, heart rate); 72.36 kg; 68 bpm; 480.0 ohm
  DecodeOutcome o = advert("eufy-c20", manufacturer_advert(0xBC64, "00000000000000000000 c1 00 441c 00 44 00 c012"));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.36);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 480);
  EXPECT_EQ(*o.reading.heart_rate_bpm, 68);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(EufyC20, AWeightAloneIsLiveAndNoWeightIsNoReading) {
  DecodeOutcome o = advert("eufy-c20", manufacturer_advert(0xBC64, "00000000000000000000 01 00 441c"));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_EQ(advert("eufy-c20", manufacturer_advert(0xBC64, "00000000000000000000 00 00 441c")).status,
            DecodeStatus::not_stabilized);
  EXPECT_EQ(advert("eufy-c20", manufacturer_advert(0xBC64, "0000000000")).status, DecodeStatus::wrong_length);
}
