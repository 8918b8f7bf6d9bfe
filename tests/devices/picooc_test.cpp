// Picooc Mini (seed 000) and Picooc Mini Lite (openScale's captured adverts).
#include "device_test_util.hpp"
#include "devices/picooc_mini/protocol.hpp"

using namespace declouder;
using namespace declouder::test;

TEST(PicoocMini, SeedRequest) {
  // The seed's request at 1710705570 (0x65F74BA2).
  EXPECT_EQ(picooc::build_request(1710705570), hex("f1093a65f74ba2a500"));
  EXPECT_EQ(picooc::build_ack(0x39), hex("f10339"));
}

TEST(PicoocMini, SeedResponse) {
  auto o = gatt("picooc-mini", 0xFFF1, "390d65f74ba5065615 0486fc00", "PICOOC-CQ");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 81.1);
  ASSERT_TRUE(o.reading.device_time);
  EXPECT_TRUE(o.reading.device_time->utc);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2024-03-17T19:59:33Z");
  EXPECT_TRUE(o.reading.stabilized);
  // bytes 10-11: 0x86FC & 0x7FFF = 178.8 lb agrees with 81.1 kg, so 8-9 is the impedance
  EXPECT_EQ(o.reading.impedance_ohm, 538.0);
  EXPECT_EQ(o.reading.unit, WeightUnit::kg);
}

TEST(PicoocMini, PoundsDisagreeingKeepsTheRestRaw) {
  auto o = picooc::parse_response(hex("390d65f74ba50656150400fc00"));  // pounds field 25.2 lb
  ASSERT_TRUE(o.ok());
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 81.1);
  EXPECT_FALSE(o.reading.impedance_ohm);
}

TEST(PicoocMini, HeartRateFrame) {
  auto o = picooc::parse_response(hex("3c05004802"));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reading.heart_rate_bpm, 72);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.weight_kg);
  // Status 1, "still measuring" (openScale PicoocHandler.kt's layout): no heart rate yet,
  // neither its placeholder 0 nor a running value.
  EXPECT_EQ(picooc::parse_response(hex("3c05000001")).status, DecodeStatus::not_stabilized);
  EXPECT_EQ(picooc::parse_response(hex("3c05004801")).status, DecodeStatus::not_stabilized);
  EXPECT_EQ(picooc::parse_response(hex("3c05000002")).status, DecodeStatus::invalid_value);
}

TEST(PicoocMini, TheScalesOwnBodyCompositionFrame) {
  // Built from the layout of openScale PicoocHandler.kt parseComposition (no capture of a 0x32
  // is public): 75.5 kg, 23.4 % fat, 52.1 % water, bone 3.1 kg, visceral fat 8, metabolic age
  // 41, 512 ohm, the undocumented fields zero.
  auto o = gatt("picooc-mini", 0xFFF1, "3214 05e6 00ea 0209 0000 003e 0000 08 29 0000 0200", "PICOOC-CQ");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 75.5);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_DOUBLE_EQ(metric(o.reading, "fat_percent"), 23.4);
  EXPECT_DOUBLE_EQ(metric(o.reading, "water_percent"), 52.1);
  EXPECT_DOUBLE_EQ(metric(o.reading, "bone_kg"), 3.1);
  EXPECT_DOUBLE_EQ(metric(o.reading, "visceral_fat"), 8);
  EXPECT_DOUBLE_EQ(metric(o.reading, "metabolic_age"), 41);
  EXPECT_EQ(o.reading.impedance_ohm, 512.0);

  // A field the scale did not compute is zero: left out, not reported as 0 % fat.
  auto bare = picooc::parse_response(hex("3214 05e6 0000 0000 0000 0000 0000 00 00 0000 0000"));
  ASSERT_TRUE(bare.ok());
  EXPECT_DOUBLE_EQ(*bare.reading.weight_kg, 75.5);
  EXPECT_EQ(bare.reading.device_metric_count, 0);
  EXPECT_FALSE(bare.reading.impedance_ohm);

  EXPECT_EQ(picooc::parse_response(hex("3210 05e6 00ea 0209 0000 003e 0000 08 29")).status, DecodeStatus::wrong_length);
  EXPECT_EQ(picooc::parse_response(hex("3214 0000 00ea 0209 0000 003e 0000 08 29 0000 0200")).status,
            DecodeStatus::invalid_value);
}

TEST(PicoocMini, Rejects) {
  EXPECT_EQ(picooc::parse_response(hex("39")).status, DecodeStatus::wrong_length);
  EXPECT_EQ(picooc::parse_response(hex("390d65f74ba50656")).status, DecodeStatus::wrong_length);  // length says 13
  EXPECT_EQ(picooc::parse_response(hex("390665f74ba5")).status, DecodeStatus::wrong_length);      // too short for a weight
  EXPECT_EQ(picooc::parse_response(hex("390d65f74ba50000150486fc00")).status, DecodeStatus::invalid_value);
  EXPECT_EQ(picooc::parse_response(hex("3b0300")).status, DecodeStatus::unsupported_frame);  // low battery
  EXPECT_EQ(picooc::parse_response(hex("100b071c4d0101f401f274")).status, DecodeStatus::not_this_device);  // a QN frame
}

TEST(PicoocMini, MacFromManufacturerData) {
  // The seed's advertisement: name PICOOC-CQ, service 0xFFF0, company 10 = the MAC.
  Advertisement adv = manufacturer_advert(10, "d049003fa15c", "PICOOC-CQ");
  adv.service_uuids.push_back(Uuid::from16(0xFFF0));
  auto mac = picooc::mac_from_advert(adv);
  ASSERT_TRUE(mac);
  EXPECT_EQ(mac->str(), "D0:49:00:3F:A1:5C");
  EXPECT_FALSE(picooc::mac_from_advert(manufacturer_advert(10, "d04900", "PICOOC-CQ")));
  EXPECT_FALSE(picooc::mac_from_advert(manufacturer_advert(11, "d049003fa15c", "PICOOC-CQ")));
}

TEST(PicoocMini, Names) {
  EXPECT_TRUE(picooc::is_mini_name("PICOOC-CQ"));
  EXPECT_TRUE(picooc::is_mini_name("PICOOC-PQ"));
  EXPECT_TRUE(picooc::is_mini_name("Latin-S1"));
  EXPECT_FALSE(picooc::is_mini_name("PICOOC-L"));
  EXPECT_FALSE(picooc::is_mini_name("MIBFS"));
  EXPECT_TRUE(picooc::is_mini_lite_name("picooc-l"));
  EXPECT_FALSE(picooc::is_mini_lite_name("PICOOC-L1"));
}

namespace {
// openScale PicoocBroadcastHandlerTest packets A, B, C: the 16-byte value with the
// first two bytes (d0 49) as BlueZ reports them, i.e. as company id 0x49D0.
DecodeOutcome lite(std::string_view rest14, std::string name = "PICOOC-L") {
  return advert("picooc-mini-lite", manufacturer_advert(0x49D0, rest14, std::move(name)));
}
}  // namespace

TEST(PicoocMiniLite, CapturedPackets) {
  auto a = lite("004b4f1e391f065e13388704009c");
  auto b = lite("004b4f1e391f066013748706005c");
  auto c = lite("004b4f1e391f0676136087200040");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << a.detail << b.detail << c.detail;
  EXPECT_NEAR(*a.reading.weight_kg, 81.5, 1e-9);
  EXPECT_EQ(a.reading.impedance_ohm, 492.0);
  EXPECT_NEAR(*b.reading.weight_kg, 81.6, 1e-9);
  EXPECT_EQ(b.reading.impedance_ohm, 498.0);
  EXPECT_NEAR(*c.reading.weight_kg, 82.7, 1e-9);
  EXPECT_EQ(c.reading.impedance_ohm, 496.0);
  EXPECT_TRUE(c.reading.stabilized);
  EXPECT_EQ(c.reading.address->str(), "D0:49:00:4B:4F:1E");  // from the payload: the advert had none
}

TEST(PicoocMiniLite, InProgressState) {
  // state 0x38 instead of 0x39, checksum recomputed (0x40 + 1)
  auto o = lite("004b4f1e381f0676136087200041");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.stabilized);
}

TEST(PicoocMiniLite, Rejects) {
  EXPECT_EQ(lite("004b4f1e391f0676136087200041").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(lite("004b4f1e391f0677136087200040").status, DecodeStatus::bad_checksum);  // weight corrupted
  EXPECT_EQ(lite("004b4f1e391f06761360872000").status, DecodeStatus::wrong_length);
  // Other name: not offered to this family at all.
  EXPECT_STREQ(lite("004b4f1e391f0676136087200040", "PICOOC-L1").detail, "family not tried by the registry");
}
