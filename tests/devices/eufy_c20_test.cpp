// Eufy C20 (T9130). Real adverts: a T9130 at BC:0F:B7:00:9C:9D in eufylife-ble-client issue #5
// (100.10 kg, measuring then settled), read as that project's client.py reads them. The impedance
// and heart-rate fields (eufylife-ble-client pull request #9) have no public advert: those frames
// are built from the layout.
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
Advertisement c20(std::uint16_t company, std::string_view hex_data, const char* address = "BC:0F:B7:00:9C:9D") {
  Advertisement a = manufacturer_advert(company, hex_data);
  if (address) a.address = MacAddress::parse(address);
  return a;
}
}  // namespace

TEST(EufyC20, RealAdvertsMeasuringThenSettled) {
  DecodeOutcome o = advert("eufy-c20", c20(0xBC64, "0fb7009c9d00c4c9706701001a2700000000"));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 100.10);
  EXPECT_FALSE(o.reading.stabilized);
  o = advert("eufy-c20", c20(0xBC64, "0fb7009c9d00c5c9706705001a2700000000"));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 100.10);
  EXPECT_TRUE(o.reading.stabilized);  // bit2: the settled weight, with no impedance in the frame
  EXPECT_FALSE(o.reading.impedance_ohm);
  EXPECT_FALSE(o.reading.heart_rate_bpm);
}

TEST(EufyC20, WithoutAnAddressTheEmbeddedMacNamesTheScale) {
  DecodeOutcome o = advert("eufy-c20", c20(0xBC64, "0fb7009c9d00c5c9706705001a2700000000", nullptr));
  ASSERT_TRUE(o.ok()) << o.detail;
  ASSERT_TRUE(o.reading.address);
  EXPECT_EQ(o.reading.address->str(), "BC:0F:B7:00:9C:9D");
}

TEST(EufyC20, AnotherOuiIsTheScaleWhenItsMacMatches) {
  // a C20 whose MAC started with CF would send CF64: its embedded MAC matches
  EXPECT_TRUE(advert("eufy-c20", c20(0xCF64, "0fb7009c9d00c5c9706705001a2700000000", "CF:0F:B7:00:9C:9D")).ok());
  // a foreign 0x??64 whose bytes are not the sender's MAC is not this scale
  EXPECT_EQ(advert("eufy-c20", c20(0xCF64, "0fb7009c9d00c5c9706705001a2700000000", "11:22:33:44:55:66")).status,
            DecodeStatus::not_this_device);
}

TEST(EufyC20, SettledWeighingWithImpedanceAndHeartRate) {
  // layout: flags C5 (weight, settled, impedance, heart rate); 72.36 kg; 68 bpm; 480.0 ohm
  DecodeOutcome o = advert("eufy-c20", c20(0xBC64, "0fb7009c9d 0000000000 c5 00 441c 00 44 00 c012"));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.36);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 480);
  EXPECT_EQ(*o.reading.heart_rate_bpm, 68);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(EufyC20, NoWeightIsNoReadingAndShortDataIsRefused) {
  EXPECT_EQ(advert("eufy-c20", c20(0xBC64, "0fb7009c9d00c5c97067 00 001a2700000000")).status, DecodeStatus::not_stabilized);
  EXPECT_EQ(advert("eufy-c20", c20(0xBC64, "0fb7009c9d00c5c9706705001a27")).status, DecodeStatus::wrong_length);
}

TEST(EufyC20, TheP3sRealAdvertsAreNotTheC20s) {
  // eufylife-ble-client issue #3: a T9150 at CF:E7:09:18:28:04 sends its MAC as the C20 does but
  // under 0xCF4E / 0xCF4D, with body-composition flags of its own (pull request #11): not claimed
  // as a C20 until its layout is held to captures of its own.
  Advertisement p3 = c20(0xCF4E, "e709182804002a4f706701006720000000000000000000", "CF:E7:09:18:28:04");
  p3.manufacturer_data.emplace_back(0xCF4D, hex("e709182804002e4f706715005820000000000000000000"));
  EXPECT_EQ(advert("eufy-c20", p3).status, DecodeStatus::not_this_device);
}
