// Renpho ES-CS20M: 55 AA frames built from openScale's ESCS20MHandler.kt layout (no public capture),
// and ble-scale-sync's constructed es-cs20m.test.ts frames (below).
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

// ble-scale-sync tests/scales/es-cs20m.test.ts (KristianP26/ble-scale-sync): every frame is
// constructed in the test (Buffer.alloc, not captures). Its adapter accepts a frame "with stripped
// header" (the command at byte 0) or with 55 AA but a zero length byte and no checksum; openScale's
// ESCS20MHandler.kt documents every notification as 55 AA <cmd> 00 <len> <payload> <sum> (its only
// other shapes are the AD/AF fragments of long frames), so the peer's shortcuts are refused and its
// fields decode once framed as the scale frames them.
TEST(RenphoEsCs20m, BleScaleSyncVectors) {
  const auto f = [](std::string_view h) { return gatt("renpho-es-cs20m", 0x2A10, h, "ES-CS20M"); };
  EXPECT_FALSE(f("140000000001 00001f40 01f4").ok());          // "parses msgId 0x14 weight frame (stripped header)"
  EXPECT_FALSE(f("55aa14000001 00001f40 01f4 0000").ok());     // "parses msgId 0x14 with 55 AA header"
  DecodeOutcome stable = f("55aa140007 01 00001f40 01f4 6f");  // the same fields, framed: 80 kg, 500 ohm, stable
  ASSERT_TRUE(stable.ok()) << stable.detail;
  EXPECT_DOUBLE_EQ(*stable.reading.weight_kg, 80.0);
  EXPECT_DOUBLE_EQ(*stable.reading.impedance_ohm, 500);
  EXPECT_TRUE(stable.reading.stabilized);
  DecodeOutcome live = f("55aa140007 00 00001f40 0000 79");  // "parses msgId 0x14 weight frame (not stable)"
  ASSERT_TRUE(live.ok()) << live.detail;
  EXPECT_DOUBLE_EQ(*live.reading.weight_kg, 80.0);
  EXPECT_FALSE(live.reading.stabilized);
  // "parses msgId 0x15 extended frame (returns null, stores resistance)": no weight in it, no weighing
  EXPECT_EQ(f("55aa15000a 00000000 01f4 00000000 13").status, DecodeStatus::invalid_value);
  // "rejects weight above 300 kg" (301.00 kg). "rejects weight below 0.5 kg" (0.10 kg): the decoder
  // reports what the scale sent and the recorder refuses a weighing below its 5 kg minimum.
  EXPECT_EQ(f("55aa140007 01 00007594 0000 24").status, DecodeStatus::invalid_value);
  EXPECT_DOUBLE_EQ(*f("55aa140007 01 0000000a 0000 25").reading.weight_kg, 0.10);
  // "parses 0x11 STOP frame": the end of the weighing, which the conversation acts on, not a weighing
  EXPECT_EQ(f("55aa110001 00 11").status, DecodeStatus::unsupported_frame);
  EXPECT_FALSE(f("00").ok());  // "returns null for too-short buffer"
}
