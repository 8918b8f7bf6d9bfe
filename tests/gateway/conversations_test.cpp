// When the gateway talks to a scale that must be asked (gateway/conversations.hpp): once per
// wake, retried with a growing pause when it fails, never two at a time on one radio, and
// only by the gateway that owns the device. Then one conversation held end to end over a
// wall-clock simulator, as `declouder run --simulate picooc-mini` holds it.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/reading.hpp"
#include "devices/registry.hpp"
#include "gateway/conversations.hpp"
#include "link/simulator_link.hpp"

using namespace declouder;
using Decision = ConversationPlanner::Decision;

namespace {

constexpr std::int64_t kSecond = 1'000'000;
const std::string kPicooc = "D0:49:00:5A:00:03";
const std::string kCrenot = "CF:E5:10:5A:00:04";

}  // namespace

TEST(ConversationPlanner, TalksOncePerWakeAndAgainAfterTheScaleSlept) {
  ConversationPlanner p;
  std::int64_t t = 1000 * kSecond;
  EXPECT_EQ(p.advertised(kPicooc, "bluez", t, true), Decision::talk);
  EXPECT_EQ(p.advertised(kPicooc, "bluez", t + kSecond / 10, true), Decision::running);
  p.finished(kPicooc, true, t + 3 * kSecond);
  // The scale keeps advertising for a while after it answered: not asked again.
  for (int i = 1; i <= 20; ++i) EXPECT_EQ(p.advertised(kPicooc, "bluez", t + 3 * kSecond + i * kSecond, true), Decision::done);
  // It sleeps (no advert for more than 30 s) and wakes for the next weighing.
  EXPECT_EQ(p.advertised(kPicooc, "bluez", t + 60 * kSecond, true), Decision::talk);
}

TEST(ConversationPlanner, TheWakeCountsFromTheEndOfALongConversation) {
  // A conversation that waited 50 s for the person: the device did not advertise while
  // connected, but it has not slept either.
  ConversationPlanner p;
  EXPECT_EQ(p.advertised(kCrenot, "bluez", 0, true), Decision::talk);
  p.finished(kCrenot, true, 50 * kSecond);
  EXPECT_EQ(p.advertised(kCrenot, "bluez", 51 * kSecond, true), Decision::done);
}

TEST(ConversationPlanner, AFailureIsRetriedLaterAndGivenUpForThisWakeAfterThree) {
  ConversationPlanner p;  // retry after 5 s x attempt, 3 attempts per wake
  std::int64_t t = 0;
  EXPECT_EQ(p.advertised(kPicooc, "bluez", t, true), Decision::talk);
  p.finished(kPicooc, false, t += kSecond);
  EXPECT_EQ(p.advertised(kPicooc, "bluez", t + 4 * kSecond, true), Decision::waiting);
  EXPECT_EQ(p.advertised(kPicooc, "bluez", t += 5 * kSecond, true), Decision::talk);
  p.finished(kPicooc, false, t += kSecond);
  EXPECT_EQ(p.advertised(kPicooc, "bluez", t + 9 * kSecond, true), Decision::waiting);
  EXPECT_EQ(p.advertised(kPicooc, "bluez", t += 10 * kSecond, true), Decision::talk);
  p.finished(kPicooc, false, t += kSecond);
  for (int i = 1; i <= 25; ++i) EXPECT_EQ(p.advertised(kPicooc, "bluez", t + i * kSecond, true), Decision::gave_up);
  // The next wake starts afresh.
  EXPECT_EQ(p.advertised(kPicooc, "bluez", t + 25 * kSecond + 31 * kSecond, true), Decision::talk);
}

TEST(ConversationPlanner, OneConversationAtATimePerRadio) {
  ConversationPlanner p;
  EXPECT_EQ(p.advertised(kPicooc, "bluez:hci0", 0, true), Decision::talk);
  EXPECT_EQ(p.advertised(kCrenot, "bluez:hci0", kSecond, true), Decision::source_busy);
  EXPECT_EQ(p.advertised(kCrenot, "bluez:hci1", kSecond, true), Decision::talk) << "another adapter is free";
  p.finished(kCrenot, true, 2 * kSecond);
  p.finished(kPicooc, true, 2 * kSecond);
  // Waiting for a busy radio does not use up a device's wake.
  ConversationPlanner q;
  EXPECT_EQ(q.advertised(kPicooc, "bluez", 0, true), Decision::talk);
  EXPECT_EQ(q.advertised(kCrenot, "bluez", kSecond, true), Decision::source_busy);
  q.finished(kPicooc, true, 2 * kSecond);
  EXPECT_EQ(q.advertised(kCrenot, "bluez", 3 * kSecond, true), Decision::talk);
}

TEST(ConversationPlanner, OnlyTheOwningGatewayTalks) {
  ConversationPlanner p;
  EXPECT_EQ(p.advertised(kPicooc, "bluez", 0, false), Decision::not_owner);
  EXPECT_EQ(p.advertised(kPicooc, "bluez", kSecond, false), Decision::not_owner);
  // Ownership moves here (the owner went offline): talk within the same wake.
  EXPECT_EQ(p.advertised(kPicooc, "bluez", 2 * kSecond, true), Decision::talk);
}

TEST(GatewayConversation, HeldOverAWallClockSimulatorGivesTheScalesReading) {
  SimOptions o;
  o.weight_kg = 81.1;
  o.impedance_ohm = 538;
  std::vector<AdvertData> adverts;
  SimulatorLink::WallClock wall;
  wall.sleep = [](std::chrono::milliseconds d) {
    std::this_thread::sleep_for(d);
    return false;
  };
  wall.on_advert = [&](const AdvertData& a) { adverts.push_back(a); };
  SimulatorLink link(builtin_registry().find_simulator("picooc-mini")->create(o), wall);

  ConversationRequest r;
  r.advert = heard_advertisement(link.device().advert(), link.device().address());
  r.device = builtin_registry().conversation_for(r.advert, /*unattended_only=*/true);
  ASSERT_NE(r.device, nullptr);
  r.context.advert = r.advert;
  r.context.unix_now = link.unix_now();
  std::vector<Reading> readings;
  FrameHandlers to;
  to.on_reading = [&](const Reading& reading, const Bytes& raw, std::int64_t) {
    readings.push_back(reading);
    EXPECT_EQ(raw.size(), 13u) << "the measurement frame is kept as the raw bytes";
  };
  const ConversationOutcome out = hold_conversation(link, r, to);
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.device, kPicooc);
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_NEAR(*readings[0].weight_kg, 81.1, 0.001);
  EXPECT_NEAR(*readings[0].impedance_ohm, 538, 0.01);
  ASSERT_TRUE(readings[0].address);
  EXPECT_EQ(readings[0].address->str(), kPicooc);
  EXPECT_FALSE(link.connected()) << "the gateway hangs up when done";
}

TEST(GatewayConversation, AStopCutsTheConversationShortAndSaysSo) {
  // A SIG scale waits for the person; the gateway stops while it waits.
  std::atomic<int> sleeps{0};
  SimulatorLink::WallClock wall;
  wall.sleep = [&](std::chrono::milliseconds) { return ++sleeps > 2; };  // the stop arrives
  SimulatorLink link(builtin_registry().find_simulator("sig-scale")->create({}), wall);
  ConversationRequest r;
  r.advert = heard_advertisement(link.device().advert(), link.device().address());
  r.device = builtin_registry().conversation_for(r.advert, /*unattended_only=*/true);
  ASSERT_NE(r.device, nullptr);
  r.context.advert = r.advert;
  const ConversationOutcome out = hold_conversation(link, r, {});
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find("stopping"), std::string::npos) << out.error;
  EXPECT_FALSE(link.connected());
}
