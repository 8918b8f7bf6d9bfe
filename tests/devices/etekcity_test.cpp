// Etekcity ESF551 (GATT) and Fit 8S (broadcast): frames built from openScale's
// EtekcityESF551Handler.kt and EtekcityFit8SHandler.kt layouts (no public capture).
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

TEST(EtekcityEsf551, FinishedWeighing) {
  // A5 02 seq 10 00 chk 01 61 A1 00 | 70 11 01 (70.000 kg) | E0 01 (480 ohm) | .. | 01 at byte 20
  DecodeOutcome o = gatt("etekcity-esf551", 0xFFF1, "a50203100000 0161a100 701101 e001 0000000000 01 00",
                         "Etekcity Smart Fitness Scale");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 70.0);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 480);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(EtekcityEsf551, LiveAndOtherFrames) {
  const std::string name = "Etekcity Smart Fitness Scale";
  EXPECT_FALSE(gatt("etekcity-esf551", 0xFFF1, "a50203100000 0161a100 701101 0000 0000000000 00 00", name).reading.stabilized);
  EXPECT_EQ(gatt("etekcity-esf551", 0xFFF1, "a50203100000 0161a100 701101", name).status, DecodeStatus::wrong_length);
  EXPECT_EQ(gatt("etekcity-esf551", 0xFFF1, "a50203110000 0161a100 701101 0000 0000000000 00 00", name).status,
            DecodeStatus::unsupported_frame);
}

TEST(EtekcityFit8s, FinishedWeighingBesideItsService) {
  Advertisement a = manufacturer_advert(0x06D0, "00000000000000000000 b81201 f401 01 00000000");  // 70.328 kg, 500 ohm
  a.service_uuids = {Uuid::from16(0xFFD0)};
  DecodeOutcome o = advert("etekcity-fit8s", a);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 70.328);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 500);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(EtekcityFit8s, WithoutItsServiceOrWithAnotherLengthItIsNotTheScale) {
  Advertisement a = manufacturer_advert(0x06D0, "00000000000000000000 b81201 f401 01 00000000");
  EXPECT_EQ(advert("etekcity-fit8s", a).status, DecodeStatus::not_this_device);
  a.service_uuids = {Uuid::from16(0xFFD0)};
  a.manufacturer_data.front().second.pop_back();
  EXPECT_EQ(advert("etekcity-fit8s", a).status, DecodeStatus::wrong_length);
}
