// Renpho ES-CS20M: 55 AA frames built from openScale's ESCS20MHandler.kt layout (no public capture).
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

TEST(RenphoEsCs20m, TheBodyCompositionResult) {
  // 0x18: weight 72.30 kg at payload 5-6, resistances 480 and 528 ohm at 7-10
  DecodeOutcome o = gatt("renpho-es-cs20m", 0x2A10, "55aa18000b00000000001c3e01e002106f", "ES-CS20M");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.30);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 480);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(RenphoEsCs20m, LiveWeightsAndAcksAreNotResults) {
  DecodeOutcome o = gatt("renpho-es-cs20m", 0x2A10, "55aa1400070000001c3e000074", "ES-CS20M");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_EQ(gatt("renpho-es-cs20m", 0x2A10, "55aa1600010117", "ES-CS20M").status, DecodeStatus::unsupported_frame);
}

TEST(RenphoEsCs20m, TheEs26bbIsNotClaimedByIt) {
  Advertisement a;
  a.name = "ES-26BB-B";
  a.service_uuids = {Uuid::from16(0x1A10)};
  const auto claimants = builtin_registry().claimants(a);
  ASSERT_EQ(claimants.size(), 1u);
  EXPECT_EQ(claimants.front()->id, "renpho-es26bb");
  a.name = "R-A012";  // another 0x1A10 scale: the conversation with the person
  EXPECT_EQ(builtin_registry().conversation_for(a)->id, "renpho-es-cs20m");
}

TEST(RenphoEsCs20m, TheNamelessEscs20mb2IsKnownByItsOwnAddressInItsData) {
  // The ESCS20MB2's advert, byte for byte from a reporter's capture (ble-scale-sync
  // tests/scales/es-cs20m.test.ts, issue #376): no name, no service, company 0x1A10.
  Advertisement a;
  a.address = MacAddress::parse("CF:EA:02:07:2C:87");
  a.manufacturer_data.emplace_back(0x1A10, hex("00040031cfea02072c870109"));
  ASSERT_NE(builtin_registry().conversation_for(a), nullptr);
  EXPECT_EQ(builtin_registry().conversation_for(a)->id, "renpho-es-cs20m");
  a.manufacturer_data[0].second = hex("00040031872c0702eacf0109");  // the address reversed
  EXPECT_EQ(builtin_registry().conversation_for(a)->id, "renpho-es-cs20m");

  // Another device's address, no address at all, another length, another company: not it.
  a.address = MacAddress::parse("AA:BB:CC:DD:EE:FF");
  EXPECT_EQ(builtin_registry().conversation_for(a), nullptr);
  a.address.reset();
  EXPECT_EQ(builtin_registry().conversation_for(a), nullptr);
  a.address = MacAddress::parse("CF:EA:02:07:2C:87");
  a.manufacturer_data[0] = {0x1A10, hex("00040031cfea02072c87010900")};
  EXPECT_EQ(builtin_registry().conversation_for(a), nullptr);
  a.manufacturer_data[0] = {0x02AC, hex("00040031cfea02072c870109")};
  EXPECT_EQ(builtin_registry().conversation_for(a), nullptr);
}
