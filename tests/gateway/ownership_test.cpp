#include "gateway/ownership.hpp"

#include <gtest/gtest.h>

namespace declouder {
namespace {

constexpr std::int64_t kSecond = 1'000'000;
const std::string kScale = "5C:CA:D3:00:00:01";

TEST(DeviceOwnership, AnnouncesNothingBeforeTheRetainedOwnersAreKnown) {
  DeviceOwnership o("hall");
  EXPECT_FALSE(o.heard(kScale, -60, 1 * kSecond));
  EXPECT_FALSE(o.is_owner(kScale));
}

TEST(DeviceOwnership, ClaimsADeviceNobodyOwns) {
  DeviceOwnership o("hall");
  o.set_ready(true);
  auto a = o.heard(kScale, -60, 1 * kSecond);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->gateway, "hall");
  EXPECT_DOUBLE_EQ(a->rssi, -60);
  EXPECT_TRUE(o.is_owner(kScale));
}

TEST(DeviceOwnership, AStrongerGatewayTakesOverOnlyBeyondTheSwitchThreshold) {
  DeviceOwnership o("bathroom");
  o.set_ready(true);
  o.announced(kScale, {"hall", -70}, 0);
  o.gateway_status("hall", true);
  // 10 dB better than the owner: not enough (16 dB hysteresis).
  EXPECT_FALSE(o.heard(kScale, -60, 1 * kSecond));
  EXPECT_FALSE(o.is_owner(kScale));
  // The smoothed RSSI climbs towards -45 dBm: 25 dB better, it takes over.
  std::optional<OwnerAnnouncement> a;
  for (int i = 2; i < 20 && !a; ++i) a = o.heard(kScale, -45, i * kSecond / 10 + 2 * kSecond);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->gateway, "bathroom");
  EXPECT_TRUE(o.is_owner(kScale));
}

TEST(DeviceOwnership, AWeakerGatewayNeverChallengesALiveOwnerThatHearsTheDevice) {
  DeviceOwnership o("bedroom");
  o.set_ready(true);
  for (int i = 0; i < 50; ++i) {
    o.announced(kScale, {"bathroom", -50}, i * kSecond / 5);  // the owner keeps refreshing
    EXPECT_FALSE(o.heard(kScale, -85, i * kSecond / 5 + 1));
  }
  EXPECT_EQ(o.owner(kScale), "bathroom");
}

TEST(DeviceOwnership, TakesOverFromAnOwnerThatWentOffline) {
  DeviceOwnership o("hall");
  o.set_ready(true);
  o.announced(kScale, {"bathroom", -50}, 0);
  o.gateway_status("bathroom", false);  // its last will
  auto a = o.heard(kScale, -80, 1 * kSecond);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->gateway, "hall");
}

TEST(DeviceOwnership, TakesOverWhenTheOwnerIsSilentDuringAWholeBurst) {
  DeviceOwnership o("hall");
  o.set_ready(true);
  o.announced(kScale, {"bathroom", -50}, 0);
  o.gateway_status("bathroom", true);
  // A weighing an hour later that the bathroom does not hear (door closed).
  const std::int64_t start = 3600 * kSecond;
  std::optional<OwnerAnnouncement> a;
  std::int64_t t = start;
  for (; t < start + 20 * kSecond && !a; t += kSecond / 2) a = o.heard(kScale, -80, t);
  ASSERT_TRUE(a);
  EXPECT_GE(t - start, 8 * kSecond);  // only after the grace period
}

TEST(DeviceOwnership, TheOwnerReannouncesWhenItsSignalMoves) {
  DeviceOwnership o("hall");
  o.set_ready(true);
  ASSERT_TRUE(o.heard(kScale, -60, 0));
  o.announced(kScale, {"hall", -60}, 0);
  EXPECT_FALSE(o.heard(kScale, -61, 2 * kSecond));  // small change: quiet
  std::optional<OwnerAnnouncement> a;
  for (int i = 3; i < 10 && !a; ++i) a = o.heard(kScale, -75, i * kSecond);
  ASSERT_TRUE(a);
  EXPECT_LT(a->rssi, -63);
}

TEST(DeviceOwnership, ForgetsOwnersWhenTheConnectionDrops) {
  DeviceOwnership o("hall");
  o.set_ready(true);
  o.announced(kScale, {"bathroom", -50}, 0);
  o.set_ready(false);
  EXPECT_FALSE(o.owner(kScale));
}

}  // namespace
}  // namespace declouder
