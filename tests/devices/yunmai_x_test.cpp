// Yunmai X (YMBS-M268) broadcast frames. The vectors are openScale's YunmaiXHandlerTest.kt:
// frames that test builds to the layout of a real YMBS-M268 capture for its placeholder scale
// C0:FF:EE:12:34:56 (company 0x3456, payload 12 EE FF C0 0B 74 17 <session> <state> <weight>
// <impedance> <xor>); constructed, not captured. The checksums were computed by hand here.
#include <cmath>

#include "device_test_util.hpp"
#include "devices/yunmai_x/protocol.hpp"
#include "link/simulator_link.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {

const MacAddress kScale = *MacAddress::parse("C0:FF:EE:12:34:56");

// What a receiver hears: the manufacturer data and, as the scale advertises it, service 0x1320.
Advertisement heard(std::string_view payload_hex, std::optional<MacAddress> from = kScale, bool with_service = true) {
  Advertisement adv = manufacturer_advert(0x3456, payload_hex);
  adv.address = from;
  if (with_service) adv.service_uuids = {Uuid::from16(0x1320)};
  return adv;
}

DecodeOutcome decoded(std::string_view payload_hex, std::optional<MacAddress> from = kScale) {
  return advert("yunmai-x", heard(payload_hex, from));
}

}  // namespace

TEST(YunmaiX, TheFinalFrameIsTheWeighingWithItsImpedance) {
  auto o = decoded("12eeffc00b741704031f4001f4ad");  // state 03, 0x1F40 = 80.00 kg, 500 ohm
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_STREQ(o.reading.model, "yunmai-x");
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 80.0);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 500.0);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_EQ(o.reading.address, kScale);
}

TEST(YunmaiX, TheSessionByteIsNotAConstant) {
  auto o = decoded("12eeffc00b741710031f4001f4b9");  // session 0x10 instead of 0x04
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 80.0);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 500.0);
}

TEST(YunmaiX, LiveAndStableFramesAreNotTheWeighingYet) {
  auto live = decoded("12eeffc00b741704011f13000009");  // 0x1F13 = 79.55 kg, measuring
  ASSERT_TRUE(live.ok()) << live.detail;
  EXPECT_DOUBLE_EQ(*live.reading.weight_kg, 79.55);
  EXPECT_FALSE(live.reading.stabilized);
  EXPECT_FALSE(live.reading.impedance_ohm);
  // "Stable": the weight settled, but the scale is still measuring the impedance.
  auto stable = decoded("12eeffc00b741704021f40000059");
  ASSERT_TRUE(stable.ok()) << stable.detail;
  EXPECT_DOUBLE_EQ(*stable.reading.weight_kg, 80.0);
  EXPECT_FALSE(stable.reading.stabilized);
}

TEST(YunmaiX, AFinalFrameWithoutImpedanceIsAWeightOnly) {
  auto o = decoded("12eeffc00b741704031f40000058");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 80.0);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.impedance_ohm);
}

TEST(YunmaiX, RefusesWhatIsNotAWeighing) {
  // The idle frame (nobody on the scale) carries a zero weight.
  EXPECT_EQ(decoded("12eeffc00b741704010000000005").status, DecodeStatus::invalid_value);
  // 655.35 kg is no person's weight, whatever the checksum says.
  auto absurd = decoded("12eeffc00b74170403ffff01f4f2");
  EXPECT_EQ(absurd.status, DecodeStatus::invalid_value);
  EXPECT_NE(std::string(absurd.detail).find("300 kg"), std::string::npos) << absurd.detail;
  // openScale's corrupted frame: a weight byte changed, the checksum stale.
  EXPECT_EQ(decoded("12eeffc00b741704031c4001f4ad").status, DecodeStatus::bad_checksum);
  // Its wrong signature (0x75 for 0x74) and its short frame.
  EXPECT_FALSE(decoded("12eeffc00b751704031f4001f4ad").ok());
  EXPECT_FALSE(decoded("12eeffc00b741704031f4001f4").ok());
  // An unknown state byte.
  EXPECT_EQ(decoded("12eeffc00b741704041f4001f4aa").status, DecodeStatus::unsupported_frame);
}

TEST(YunmaiX, AFrameFromAnotherAddressIsNotThisScales) {
  // openScale's relocated frame: valid, but echoing C0:FF:EE:12:34:56 while heard from another.
  const auto other = MacAddress::parse("AA:BB:CC:DD:EE:FF");
  EXPECT_FALSE(decoded("12eeffc00b741704031f4001f4ad", other).ok());
  EXPECT_TRUE(builtin_registry().claimants(heard("12eeffc00b741704031f4001f4ad", other, false)).empty());
  // Where the receiver has no address (bytes typed on the command line), the frame decodes.
  EXPECT_TRUE(decoded("12eeffc00b741704031f4001f4ad", std::nullopt).ok());
}

TEST(YunmaiX, ClaimedByItsFrameOrItsServiceAndNotByTheOtherYunmai) {
  const auto claimants = builtin_registry().claimants(heard("12eeffc00b741704011f13000009", kScale, false));
  ASSERT_EQ(claimants.size(), 1u);
  EXPECT_EQ(claimants.front()->id, "yunmai-x");
  // A saved scale known only by what it lists: service 0x1320, no name.
  Advertisement by_service;
  by_service.service_uuids = {Uuid::from16(0x1320)};
  ASSERT_EQ(builtin_registry().claimants(by_service).size(), 1u);
  EXPECT_EQ(builtin_registry().claimants(by_service).front()->id, "yunmai-x");
  // openScale's foreign 14 bytes of the same length (a wearable's) are not a Yunmai X.
  EXPECT_TRUE(builtin_registry().claimants(heard("0102030405060708090a0b0c0d0e", kScale, false)).empty());
  // The older Yunmai scales (named YUNMAI-…, over GATT) stay the yunmai family's.
  Advertisement mini;
  mini.name = "YUNMAI-ISM2-W";
  mini.service_uuids = {Uuid::from16(0xFFE0)};
  ASSERT_EQ(builtin_registry().claimants(mini).size(), 1u);
  EXPECT_EQ(builtin_registry().claimants(mini).front()->id, "yunmai");
}

TEST(YunmaiX, BuildsTheFrameOpenScaleBuilds) {
  const auto [company, payload] = yunmai_x::build_advert(
      kScale, {.session = 0x04, .state = yunmai_x::State::final, .weight_centi_kg = 8000, .impedance_ohm = 500});
  EXPECT_EQ(company, 0x3456);
  EXPECT_EQ(to_hex(payload), "12eeffc00b741704031f4001f4ad");
}

TEST(YunmaiX, TheSimulatorWeighsTheSimulatedPerson) {
  SimOptions o;
  o.weight_kg = 81.1;
  o.impedance_ohm = 538;
  SimulatorLink link(family("yunmai-x").simulator->create(o));
  EXPECT_TRUE(link.device().advert().name.empty());  // the scale advertises no name
  std::optional<Reading> weighing;
  bool saw_live = false;
  for (int step = 0; step < 100 && !weighing; ++step) {
    link.advance(std::chrono::milliseconds(100));
    auto got = advert("yunmai-x", heard_advertisement(link.device().advert(), link.device().address()));
    if (!got.ok()) continue;
    if (got.reading.stabilized)
      weighing = got.reading;
    else
      saw_live = true;
  }
  ASSERT_TRUE(weighing) << "no final frame in 10 s";
  EXPECT_TRUE(saw_live);
  EXPECT_DOUBLE_EQ(*weighing->weight_kg, 81.1);
  EXPECT_DOUBLE_EQ(*weighing->impedance_ohm, 538.0);
}
