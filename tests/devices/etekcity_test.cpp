// Etekcity ESF551 (GATT) and Fit 8S (broadcast).
//
// Real frames: the ESF551 sessions in openScale issue #1351 and ble-scale-sync issue #385, the
// Fit 8S adverts in etekcity_esf551_ble tests/unit/test_fit8s_protocol.py (a Wireshark sample and
// a live capture), with the values those peers read from them.
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
const std::string kEsf551 = "Etekcity Smart Fitness Scale";
}

TEST(EtekcityEsf551, RealFinishedWeighingWithImpedance) {
  // ble-scale-sync #385: the last weight frame of a session; byte 19 = 1 finished, byte 20 = 1
  // impedance measured, byte 21 = 1 (the display shows lb)
  DecodeOutcome o = gatt("etekcity-esf551", 0xFFF1, "a502bb10002f0161a100521b01130213c0986a010101", kEsf551);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.53);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 531);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(EtekcityEsf551, RealLiveFramesAreNotFinishedThoughByte20IsSet) {
  // ble-scale-sync #385, the session's first frame: 71.40 kg, still moving
  DecodeOutcome o = gatt("etekcity-esf551", 0xFFF1, "a5029d1000d80161a100e81601" "00000dc0986a000101", kEsf551);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 71.40);
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.impedance_ohm);
  // openScale #1351: a stream of live frames, byte 20 = 1 on each, byte 19 = 0
  for (const char* hex : {"a50253100071 0161a100 8c7701 0000 6bd5d269 00 01 01",
                          "a50254100025 0161a100 d47a01 0000 6bd5d269 00 01 01"}) {
    DecodeOutcome live = gatt("etekcity-esf551", 0xFFF1, hex, kEsf551);
    ASSERT_TRUE(live.ok()) << live.detail;
    EXPECT_FALSE(live.reading.stabilized) << hex;
  }
  EXPECT_DOUBLE_EQ(*gatt("etekcity-esf551", 0xFFF1, "a50253100071 0161a100 8c7701 0000 6bd5d269 00 01 01", kEsf551)
                        .reading.weight_kg,
                   96.14);
}

TEST(EtekcityEsf551, AnImpedanceWithoutItsFlagIsNotKept) {
  DecodeOutcome o = gatt("etekcity-esf551", 0xFFF1, "a502bb10002f0161a100521b01130213c0986a010001", kEsf551);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.impedance_ohm);
}

TEST(EtekcityEsf551, OtherMessagesAndLengths) {
  // ble-scale-sync #385: the 11-byte 05 00 message that follows a weighing is not a weight
  EXPECT_EQ(gatt("etekcity-esf551", 0xFFF1, "a502bc0500f30101a00002", kEsf551).status, DecodeStatus::unsupported_frame);
  EXPECT_EQ(gatt("etekcity-esf551", 0xFFF1, "a50203100000 0161a100 701101", kEsf551).status, DecodeStatus::wrong_length);
  EXPECT_EQ(gatt("etekcity-esf551", 0xFFF1, "a50203100000 0162a100 701101 0000 00000000 01 01 00", kEsf551).status,
            DecodeStatus::unsupported_frame);
}

TEST(EtekcityFit8s, RealAdvertsWithAndWithoutImpedance) {
  // test_fit8s_protocol.py: the Wireshark sample (80.47 kg, no impedance) and the live capture
  // (81.02 kg, 537 ohm) of a scale at A9:89:5D:ED:A0:63; the model id C0A9 at bytes 7-8 is what
  // tells the Fit 8S apart (no service needed)
  DecodeOutcome o = advert("etekcity-fit8s", manufacturer_advert(0x06D0, "0163a0ed5d89a9c0a901563a0100000100020300"));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 80.47);
  EXPECT_FALSE(o.reading.impedance_ohm);
  EXPECT_TRUE(o.reading.stabilized);
  o = advert("etekcity-fit8s", manufacturer_advert(0x06D0, "0163a0ed5d89a9c0a9017c3c0119020100020300"));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 81.02);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 537);
  EXPECT_TRUE(o.reading.stabilized);
  // the same advert before byte 15 rises: still measuring
  EXPECT_FALSE(advert("etekcity-fit8s", manufacturer_advert(0x06D0, "0163a0ed5d89a9c0a9017c3c0119020000020300"))
                   .reading.stabilized);
}

TEST(EtekcityFit8s, AnotherEtekcityModelIdIsNotTheFit8s) {
  // the same company from another Etekcity scale (model id 0x0088, no 0xFFD0): not claimed
  Advertisement other = manufacturer_advert(0x06D0, "0163a0ed5d89a90088017c3c0119020100020300");
  EXPECT_EQ(advert("etekcity-fit8s", other).status, DecodeStatus::not_this_device);
  // openScale's claim still holds: the company beside service 0xFFD0
  other.service_uuids = {Uuid::from16(0xFFD0)};
  EXPECT_TRUE(advert("etekcity-fit8s", other).ok());
  Advertisement shortened = manufacturer_advert(0x06D0, "0163a0ed5d89a9c0a9017c3c01190201000203");
  EXPECT_EQ(advert("etekcity-fit8s", shortened).status, DecodeStatus::wrong_length);
}

TEST(EtekcityFit8s, TheDisplayUnitIsTheReadingsUnitAndTheWeightStaysInGrams) {
  // test_fit8s_protocol.py SAMPLE_LB and SAMPLE_ST: the Wireshark sample with byte 16 = 1, 2
  DecodeOutcome o = advert("etekcity-fit8s", manufacturer_advert(0x06D0, "0163a0ed5d89a9c0a901563a0100000101020300"));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_EQ(o.reading.unit, WeightUnit::lb);
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 80.47);
  o = advert("etekcity-fit8s", manufacturer_advert(0x06D0, "0163a0ed5d89a9c0a901563a0100000102020300"));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_EQ(o.reading.unit, WeightUnit::st);
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 80.47);
  o = advert("etekcity-fit8s", manufacturer_advert(0x06D0, "0163a0ed5d89a9c0a901563a0100000100020300"));
  EXPECT_EQ(o.reading.unit, WeightUnit::kg);
}

TEST(EtekcityFit8s, TheMacInTheDataIsTheSendersOrItNamesTheScale) {
  // test_fit8s_protocol.py: heard from A9:89:5D:ED:A0:63 the sample is that scale's; with byte 3
  // flipped (wrong_mac) it is another scale's
  Advertisement a = manufacturer_advert(0x06D0, "0163a0ed5d89a9c0a901563a0100000100020300");
  a.address = MacAddress::parse("A9:89:5D:ED:A0:63");
  EXPECT_TRUE(advert("etekcity-fit8s", a).ok());
  Advertisement wrong = manufacturer_advert(0x06D0, "0163a0125d89a9c0a901563a0100000100020300");
  wrong.address = a.address;
  EXPECT_EQ(advert("etekcity-fit8s", wrong).status, DecodeStatus::not_this_device);
  // without an address (a relayed frame) the data names the scale
  DecodeOutcome o = advert("etekcity-fit8s", manufacturer_advert(0x06D0, "0163a0ed5d89a9c0a901563a0100000100020300"));
  ASSERT_TRUE(o.ok() && o.reading.address);
  EXPECT_EQ(o.reading.address->str(), "A9:89:5D:ED:A0:63");
}

TEST(EtekcityFit8s, OtherEtekcityAdvertsOfThePeersCapturesAreNotClaimed) {
  // etekcity_esf551_ble tests/unit/test_detection.py: an ESF551's advert and an air purifier's
  // (real captures), same company 0x06D0
  for (const char* hex : {"0162291c004dd00002", "018e31e5519140c623020202"}) {
    EXPECT_EQ(advert("etekcity-fit8s", manufacturer_advert(0x06D0, hex)).status, DecodeStatus::not_this_device) << hex;
    EXPECT_EQ(builtin_registry().decode_advertisement(manufacturer_advert(0x06D0, hex), {}), 0) << hex;
  }
}
