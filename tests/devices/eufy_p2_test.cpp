// Eufy P2 / P2 Pro. Real frames: three P2 Pro weighings of ble-scale-sync issue #289 with the
// weights the Eufy app showed, and that frames with and without a measurement through
// the feet (ble-scale-sync tests/scales/eufy-p2.test.ts). The authentication is tried against
// the simulator, which answers only an app that sealed its texts with the key of its MAC.
#include "device_test_util.hpp"
#include "devices/eufy_p2/protocol.hpp"
#include "link/simulator_link.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome fff2(std::string_view hex_value) { return gatt("eufy-p2", 0xFFF2, hex_value, "eufy T9149"); }

SessionResult converse(const SimOptions& o, std::optional<MacAddress> advert_address = std::nullopt) {
  SimulatorLink link(builtin_registry().find_simulator("eufy-p2")->create(o));
  Advertisement advert = heard_advertisement(link.device().advert(), link.device().address());
  const DeviceDescriptor* d = builtin_registry().conversation_for(advert, true);
  EXPECT_NE(d, nullptr);
  EXPECT_EQ(d->id, "eufy-p2");
  if (advert_address) advert.address = advert_address;
  ConversationContext c;
  c.advert = advert;
  c.unix_now = link.unix_now();
  SessionRunner runner(link);
  return runner.run(d->conversation->build(c));
}
}  // namespace

TEST(EufyP2, RealP2ProWeighings) {
  struct Case {
    const char* hex;
    double kg, ohm;
  };
  for (const Case& c : {Case{"cf0e00cf08115622080388000000 0021", 87.90, 436.0},
                        Case{"cf0e00cf72102e22eee710000000 00b8", 87.50, 421.0},
                        Case{"cf0e00cf4a103d22393429000000 00ae", 87.65, 417.0}}) {
    DecodeOutcome o = fff2(c.hex);
    ASSERT_TRUE(o.ok()) << c.hex << ": " << o.detail;
    EXPECT_DOUBLE_EQ(*o.reading.weight_kg, c.kg);
    EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, c.ohm);
    EXPECT_TRUE(o.reading.stabilized);
  }
}

TEST(EufyP2, RealFramesWithoutAMeasurementThroughTheFeet) {
  // #289: barefoot 88.00 kg (470 ohm), then the same weight in socks: no impedance
  EXPECT_DOUBLE_EQ(*fff2("cf0e00cf5c1260221113f100000000 30").reading.impedance_ohm, 470.0);
  DecodeOutcome socks = fff2("cf0e00cf0000602200000000000000 8d");
  ASSERT_TRUE(socks.ok()) << socks.detail;
  EXPECT_DOUBLE_EQ(*socks.reading.weight_kg, 88.00);
  EXPECT_FALSE(socks.reading.impedance_ohm);
}

TEST(EufyP2, DamagedAndForeignFrames) {
  EXPECT_EQ(fff2("cf0e00cf08115622080388000000 0022").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(fff2("cf0e00cf081156220803880000").status, DecodeStatus::wrong_length);
  EXPECT_EQ(fff2("ab0e00cf08115622080388000000 0021").status, DecodeStatus::not_this_device);
}

TEST(EufyP2, SealingRoundTripsAndNeedsTheKeyOfTheMac) {
  const auto key = eufy_p2::key_for(*MacAddress::parse("e8:5a:2e:49:00:01"));
  EXPECT_EQ(key, eufy_p2::key_for(*MacAddress::parse("E8:5A:2E:49:00:01")));  // upper case either way
  const std::string sealed = eufy_p2::seal("0123abcd-4567ef", key);
  EXPECT_EQ(sealed.size(), 24u);  // 15 bytes pad to one AES block: 16 bytes, base64 24
  EXPECT_EQ(eufy_p2::open(sealed, key), "0123abcd-4567ef");
  EXPECT_FALSE(eufy_p2::open(sealed, eufy_p2::key_for(*MacAddress::parse("E8:5A:2E:49:00:02"))));
  // 24 characters in two frames of 15 and 9, each with its index, the total and its XOR
  const auto frames = eufy_p2::segments(0xC0, sealed);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].size(), 4u + 15 + 1);
  EXPECT_EQ(frames[1][2], 1);
  EXPECT_EQ(frames[1][3], 24);
  eufy_p2::Reassembly r;
  EXPECT_TRUE(r.add(0xC0, frames[0]));
  EXPECT_FALSE(r.complete);
  EXPECT_TRUE(r.add(0xC0, frames[1]));
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.text, sealed);
}

TEST(EufyP2, SealedAndFramedAsEufylifeBleClientDoes) {
  // Known answers computed with eufylife-ble-client's own util.py (encrypt_aes128cbc and
  // get_sub_contract_bytes, run under Python's cryptography package) for the key of
  // E8:5A:2E:49:00:01: the same text sealed, and a C2 sequence byte for byte.
  const auto key = eufy_p2::key_for(*MacAddress::parse("E8:5A:2E:49:00:01"));
  EXPECT_EQ(eufy_p2::seal("0123abcd-4567ef", key), "eh8pRd+BkzQNtEvNwtpFYw==");
  const auto c2 = eufy_p2::segments(0xC2, eufy_p2::seal("0123abcd-4567ef_T9149SIMULATED0", key));
  ASSERT_EQ(c2.size(), 3u);
  EXPECT_EQ(c2[0], hex("C203002C4E594D7843664D50632F452F666434E7"));
  EXPECT_EQ(c2[1], hex("C203012C704A7468654A552F426A536579336FA4"));
  EXPECT_EQ(c2[2], hex("C203022C6935725041577A316163754C303DFA"));
}

TEST(EufyP2, TheConversationAuthenticatesAndWaitsForTheSettledWeight) {
  SimOptions o;
  o.weight_kg = 87.9;
  o.impedance_ohm = 436;
  const SessionResult result = converse(o);
  ASSERT_EQ(result.readings.size(), 1u);
  const Reading& r = result.readings[0].reading;
  EXPECT_DOUBLE_EQ(*r.weight_kg, 87.9);  // not the first final frame, 0.15 kg short
  EXPECT_DOUBLE_EQ(*r.impedance_ohm, 436);
  EXPECT_TRUE(r.stabilized);
}

TEST(EufyP2, AnAppWithTheWrongKeyGetsNoWeight) {
  // sealed with another MAC's key: the scale does not answer C0, so there is no C1
  EXPECT_THROW(converse(SimOptions{}, MacAddress::parse("E8:5A:2E:49:00:99")), SessionError);
}
