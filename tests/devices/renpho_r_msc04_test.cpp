// Renpho R-MSC04: the two frames of ble-scale-sync's tests/scales/renpho-msc04.test.ts (from the
// reporter's PacketLogger capture, #117 / pull request #256), and the claim it shares with the
// ES-CS20M's service.
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

TEST(RenphoRMsc04, LiveWeightThenTheSettledOne) {
  DecodeOutcome live = gatt("renpho-r-msc04", 0x2A10, "55aa210005010000255da8", "R-MSC04");
  ASSERT_TRUE(live.ok()) << live.detail;
  EXPECT_DOUBLE_EQ(*live.reading.weight_kg, 95.65);
  EXPECT_FALSE(live.reading.stabilized);
  DecodeOutcome settled = gatt("renpho-r-msc04", 0x2A12, "55aa240006011100002553b3", "R-MSC04");
  ASSERT_TRUE(settled.ok()) << settled.detail;
  EXPECT_DOUBLE_EQ(*settled.reading.weight_kg, 95.55);
  EXPECT_TRUE(settled.reading.stabilized);
}

TEST(RenphoRMsc04, DamagedAndOtherFramesAreRefused) {
  EXPECT_EQ(gatt("renpho-r-msc04", 0x2A12, "55aa240006011100002553b4", "R-MSC04").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(gatt("renpho-r-msc04", 0x2A10, "56aa240006011100002553b3", "R-MSC04").status, DecodeStatus::not_this_device);
  EXPECT_EQ(gatt("renpho-r-msc04", 0x2A10, "55aa24000601", "R-MSC04").status, DecodeStatus::wrong_length);
  EXPECT_EQ(gatt("renpho-r-msc04", 0x2A10, "55aa26000212346d", "R-MSC04").status, DecodeStatus::unsupported_frame);
}

TEST(RenphoRMsc04, ItsNameTakesItFromTheEsCs20mThatSharesItsService) {
  Advertisement a;
  a.name = "R-MSC04";
  a.service_uuids = {Uuid::from16(0x1A10)};
  const auto claimants = builtin_registry().claimants(a);
  ASSERT_EQ(claimants.size(), 1u);
  EXPECT_EQ(claimants.front()->id, "renpho-r-msc04");
  a.name.clear();  // a nameless 0x1A10 scale stays an ES-CS20M
  EXPECT_EQ(builtin_registry().conversation_for(a)->id, "renpho-es-cs20m");
}
