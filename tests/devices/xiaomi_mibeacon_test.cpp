// The Xiaomi MiBeacon scales (S400, S200, S800): real encrypted frames with the keys their
// owners published in Home Assistant's xiaomi-ble tests (tests/test_parser.py), and frames our
// simulators seal, decoded through the registry as `decode` and `run` do.
#include "device_test_util.hpp"
#include "devices/xiaomi_mibeacon/mibeacon.hpp"
#include "devices/xiaomi_mibeacon/simulator.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {

Advertisement fe95(std::string_view data_hex, std::string_view address, std::string_view key = "") {
  Advertisement a = service_data_advert(0xFE95, data_hex);
  a.address = MacAddress::parse(address);
  if (!key.empty()) a.bindkey = parse_bindkey(key);
  return a;
}

constexpr std::string_view kBeef = "8C:D0:B2:F6:BE:EF", kBeefKey = "0728974d657a4b60964c1b1677f35f7c";
constexpr std::string_view kC67c = "04:AE:47:67:C6:7C", kC67cKey = "02d2900363ef629c736a4549677acbee";

}  // namespace

TEST(XiaomiS400, WeightHeartRateAndLowImpedance) {  // xiaomi-ble test_Xiaomi_Scale_S400_MJTZC01YM
  DecodeOutcome o = advert("xiaomi-s400", fe95("4859d53b0abc078ff2348c844138e930220000009e538599", kBeef, kBeefKey));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 69.9);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_low_ohm, 543.2);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 543.2);  // what single-frequency formulas take
  EXPECT_FALSE(o.reading.impedance_high_ohm);
  EXPECT_EQ(*o.reading.heart_rate_bpm, 92);
  EXPECT_EQ(*o.reading.profile_id, 1);
  EXPECT_EQ(*o.reading.user_slot, 1);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(XiaomiS400, TheSecondFrameCarriesTheHighFrequencyImpedanceAlone) {  // ..._packet_2
  DecodeOutcome o = advert("xiaomi-s400", fe95("4859d53b0bd6ef0b25db72785e7e2f46d6000000d8642df6", kBeef, kBeefKey));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.impedance_high_ohm, 497.6);
  EXPECT_FALSE(o.reading.weight_kg);
  EXPECT_FALSE(o.reading.impedance_ohm);
  EXPECT_FALSE(o.reading.heart_rate_bpm);
}

TEST(XiaomiS400, InSocksOnlyTheWeight) {  // ..._socks
  DecodeOutcome o = advert("xiaomi-s400", fe95("4859d53b71530438b5894b242c209908da000000479ecda3", kC67c, kC67cKey));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 74.7);
  EXPECT_FALSE(o.reading.impedance_ohm);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(XiaomiS400, TheEmptyScaleIsNoReading) {  // ..._reset
  DecodeOutcome o = advert("xiaomi-s400", fe95("4859d53b72036c6794355a19dbc864bfb3000000e4151dc8", kC67c, kC67cKey));
  EXPECT_EQ(o.status, DecodeStatus::not_stabilized);
}

TEST(XiaomiS400, WithoutTheKeyItSaysSoAndWithAWrongKeyTheTagFails) {
  const std::string frame = "4859d53b0abc078ff2348c844138e930220000009e538599";
  EXPECT_EQ(advert("xiaomi-s400", fe95(frame, kBeef)).status, DecodeStatus::needs_key);
  EXPECT_EQ(advert("xiaomi-s400", fe95(frame, kBeef, kC67cKey)).status, DecodeStatus::bad_checksum);
  // The nonce holds the address: the right key from another address does not open it.
  EXPECT_EQ(advert("xiaomi-s400", fe95(frame, kC67c, kBeefKey)).status, DecodeStatus::bad_checksum);
  std::string damaged = frame;
  damaged[12] = damaged[12] == '0' ? '1' : '0';
  EXPECT_EQ(advert("xiaomi-s400", fe95(damaged, kBeef, kBeefKey)).status, DecodeStatus::bad_checksum);
  EXPECT_EQ(advert("xiaomi-s400", fe95("4859d53b0abc078f", kBeef, kBeefKey)).status, DecodeStatus::wrong_length);
}

TEST(XiaomiS400, OtherProductsFramesAreNotItsOwn) {
  // The S200's real frame: only the S200 decodes it.
  const Advertisement s200 = fe95("4859044c019a80a275939010f0abc4fadc0600003d29c044", "D0:7B:6F:27:D7:29",
                                  "653b1b10e1cb35e4ac5e60fa45f3bf29");
  EXPECT_EQ(advert("xiaomi-s400", s200).status, DecodeStatus::not_this_device);
  EXPECT_EQ(builtin_registry().decode_advertisement(s200, {}), 1);
}

TEST(XiaomiS200, WeightAndProfile) {  // xiaomi-ble test_Xiaomi_Scale_S200_MJTZC02YM
  DecodeOutcome o = advert("xiaomi-s200", fe95("4859044c019a80a275939010f0abc4fadc0600003d29c044", "D0:7B:6F:27:D7:29",
                                               "653b1b10e1cb35e4ac5e60fa45f3bf29"));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 62.25);
  EXPECT_EQ(*o.reading.profile_id, 1);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(XiaomiS800, ASealedWeighingOpensWithItsKeyOnly) {
  // Built as openScale's XiaomiS800LibTest builds its frame (there with the address inside): the made-up key 00..0f, the
  // object 16 4e 09 90 00 00 05 2b 00 00 <kg x 100>, 82.40 kg.
  const Bindkey key = *parse_bindkey("000102030405060708090a0b0c0d0e0f");
  const MacAddress mac = MacAddress::from_le(hex("aba18f47ae04").data());
  const Bytes obj = hex("164e0990000005 2b0000 3020");
  Advertisement a;
  a.service_data.emplace_back(Uuid::from16(0xFE95), mibeacon::seal(0x51E2, 0x5B, mac, obj, 1, key));
  a.bindkey = key;
  a.address = mac;  // our sealed frames leave the address to the nonce, as the S400's real ones do
  DecodeOutcome o = advert("xiaomi-s800", a);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 82.40);
  a.bindkey = parse_bindkey("ffffffffffffffffffffffffffffffff");
  EXPECT_EQ(advert("xiaomi-s800", a).status, DecodeStatus::bad_checksum);
}

TEST(MiBeacon, TheRealS400FramesHeaderAndObjects) {
  Advertisement a = fe95("4859d53b0abc078ff2348c844138e930220000009e538599", kBeef, kBeefKey);
  const auto h = mibeacon::parse_header(a.service_data.front().second);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->product_id, 0x3BD5);
  EXPECT_EQ(h->version(), 5);
  EXPECT_TRUE(h->encrypted());
  mibeacon::Objects objects;
  ASSERT_TRUE(mibeacon::open(a.service_data.front().second, *h, a.address, a.bindkey, objects).ok());
  ASSERT_EQ(objects.size, 12u);
  ASSERT_TRUE(mibeacon::find_object(objects.view(), 0x6E16));
}

// ble-scale-sync tests/scales/xiaomi-s800.test.ts (synthetic, as that test says: its made-up key
// 00..0f and frame MAC ab a1 8f 47 ae 04): frames sealed the way its buildFrame seals them (with
// Node's AES-CCM), the MAC in the frame (frame control 0x5958), so no address is needed.
TEST(XiaomiS800, BleScaleSyncsFramesWithTheMacInside) {
  const std::string key = "000102030405060708090a0b0c0d0e0f";
  auto s800 = [&](std::string_view data_hex) {
    Advertisement a = service_data_advert(0xFE95, data_hex);
    a.bindkey = parse_bindkey(key);
    return advert("xiaomi-s800", a);
  };
  // 'decrypts a configured weigh-in advert into a weight reading': 82.4 kg
  DecodeOutcome o = s800("5859e2515baba18f47ae0498220b7b824c60101c5873bb010000efd7f688");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 82.4);
  EXPECT_FALSE(o.reading.impedance_ohm);
  // 'round-trips a synthetic encrypted frame': 75 kg
  o = s800("5859e2515baba18f47ae0498220b7b824c60101c580f8601000071805d91");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 75);
  // 'ignores the idle 0x5201 object' and 'rejects an out-of-range trailing value' (0.72 kg)
  EXPECT_FALSE(s800("5859e2515baba18f47ae048f3e03eb010000882f9fe3").ok());
  EXPECT_EQ(s800("5859e2515daba18f47ae04fba6441d8aad6d2d5440353b01000056203c4c").status, DecodeStatus::invalid_value);
  // 'returns null when no bind key is configured'
  Advertisement keyless = service_data_advert(0xFE95, "5859e2515baba18f47ae0498220b7b824c60101c5873bb010000efd7f688");
  EXPECT_EQ(advert("xiaomi-s800", keyless).status, DecodeStatus::needs_key);
  // 'caches the MAC from a MAC-included frame to decrypt a MAC-omitted rich frame': here the
  // address the advert was heard from stands for that cache
  Advertisement rich = service_data_advert(0xFE95, "4859e2515ce69fe4d3a87c34cac046befa010000bd50a0d5");
  rich.bindkey = parse_bindkey(key);
  EXPECT_EQ(advert("xiaomi-s800", rich).status, DecodeStatus::needs_key);
  rich.address = MacAddress::parse("04:AE:47:8F:A1:AB");
  o = advert("xiaomi-s800", rich);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 82.4);
}

// lswiderski/MiScaleBodyComposition tests/MiScaleBodyComposition.UnitTests/S400Test.cs, the
// frames openScale's S400DecryptorTest.kt also decodes ("captured payloads with known weights"):
// an S400 at 84:46:93:64:A5:E6 with its owner's key. The 26-byte ones there start with the
// service UUID (95 FE), which is not part of the service data.
TEST(XiaomiS400, MiScaleBodyCompositionsCapturedFrames) {
  constexpr std::string_view mac = "84:46:93:64:A5:E6", key = "58305740b64e4b425e518aa1f4e51339";
  struct Row {
    const char* test;
    const char* data;
    double kg;
    double impedance_low;  // 0: none in the frame
  };
  const Row rows[] = {
      {"Test1", "4859d53b2d3314943c58b133638c7457a4000000c3e670dc", 74.2, 400.9},
      {"Test26bytesHex", "4859D53B3BDE6BC8D05B51C0CDFD9021C9000000925C5039", 73.2, 414.3},
      {"Test26bytes", "4859d53b4d6f359ce56f1f7e7e0adddc260000000c13d3c4", 73.3, 0},
      {"Test26bytesOnlyWeight", "4859d53b63bb587950e1042cac1c5f18f6000000dbe97034", 75.2, 0},
  };
  for (const Row& row : rows) {
    DecodeOutcome o = advert("xiaomi-s400", fe95(row.data, mac, key));
    ASSERT_TRUE(o.ok()) << row.test << ": " << o.detail;
    EXPECT_DOUBLE_EQ(*o.reading.weight_kg, row.kg) << row.test;
    EXPECT_EQ(o.reading.impedance_low_ohm.value_or(0), row.impedance_low) << row.test;
    EXPECT_FALSE(o.reading.impedance_high_ohm) << row.test;
  }
  // TestNoWeight: the frame after the weighing, the 250 kHz impedance alone
  DecodeOutcome o = advert("xiaomi-s400", fe95("4859d53b2e724a8c783dc8a392c10db411000000a8a7bad5", mac, key));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.weight_kg);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_high_ohm, 360);
  // TestJustMACAddress: a plain frame holding only the scale's MAC is no reading
  EXPECT_FALSE(advert("xiaomi-s400", fe95("1059d53b06e6a564934684", mac, key)).ok());
}

// openScale's S400AggregatorTest.kt names the weight frame's 543.2 ohm "impedanceHigh" and the
// second frame's 497.6 "impedanceLow"; xiaomi-ble (obj6e16 in its parser.py) reads them the other
// way, as declouder does (TheSecondFrameCarriesTheHighFrequencyImpedanceAlone above). xiaomi-ble
// is right: a body's impedance falls as the frequency rises (at 250 kHz the current also crosses
// the cell membranes), so the larger value is the 50 kHz one; every frame of MiScaleBodyComposition
// above agrees (400.9 and 414.3 ohm with the weight, 360 after it).
TEST(XiaomiS400, TheLargerImpedanceIsTheLowFrequencyOne) {
  DecodeOutcome low = advert("xiaomi-s400", fe95("4859d53b0abc078ff2348c844138e930220000009e538599", kBeef, kBeefKey));
  DecodeOutcome high = advert("xiaomi-s400", fe95("4859d53b0bd6ef0b25db72785e7e2f46d6000000d8642df6", kBeef, kBeefKey));
  ASSERT_TRUE(low.ok() && high.ok());
  EXPECT_GT(*low.reading.impedance_low_ohm, *high.reading.impedance_high_ohm);
}
