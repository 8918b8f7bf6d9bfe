// The Mi Band conversations against the simulated band (seed 004's behaviour),
// in simulated time: the driver's order survives, and each way the seed failed
// drops the link with the HCI reason the research predicts.
#include <gtest/gtest.h>

#include "band_fixture.hpp"
#include "devices/miband/conversation.hpp"
#include "devices/miband/simulator.hpp"

using namespace declouder;
using namespace declouder::miband;
using namespace declouder::sim;

namespace {

using band_fixture::kBand;
UserProfile user() { return band_fixture::wearer(); }

std::vector<PlanStep> operator+(std::vector<PlanStep> a, const std::vector<PlanStep>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<PlanStep> without(std::vector<PlanStep> plan, PlanStep::Kind kind, std::uint16_t characteristic = 0) {
  std::erase_if(plan, [&](const PlanStep& s) { return s.kind == kind && (characteristic == 0 || s.characteristic == characteristic); });
  return plan;
}

}  // namespace

TEST(MiBandConversation, PairsWithATapThenMeasuresHeartRate) {
  MiBandBand band({.heart_rate_bpm = 70});
  VirtualBandLink link(band);
  auto out = link.run(connect_plan(user(), kBand, Model::mi1s) + heart_rate_once_plan());
  ASSERT_TRUE(out.ok) << out.failed_step << ": " << out.detail;
  ASSERT_EQ(out.prompts.size(), 1u);  // the band vibrated: the person was asked to tap
  ASSERT_FALSE(out.values.empty());
  const Bytes& hr = out.values.back();
  EXPECT_EQ(to_hex(hr), "0646");
  EXPECT_EQ(parse_heart_rate_measurement(hr)->bpm, 70);
  EXPECT_EQ(link.supervision_ms(), 6000);
  // The device info read on the way is valid and says 1S.
  auto info = parse_device_info(out.values[1]);
  ASSERT_TRUE(info.info) << info.error;
  EXPECT_EQ(info.info->model, Model::mi1s);
}

TEST(MiBandConversation, KnownUserNeedsNoTap) {
  MiBandBand band({.known_uid = 1550050550, .tap_after_ms = -1});
  VirtualBandLink link(band);
  auto out = link.run(connect_plan(user(), kBand, Model::mi1s) + heart_rate_once_plan());
  ASSERT_TRUE(out.ok) << out.failed_step << ": " << out.detail;
  EXPECT_TRUE(out.prompts.empty());
}

TEST(MiBandConversation, SeedFailureStartWithoutUserInfoDropsTheLink) {
  MiBandBand band({});
  VirtualBandLink link(band, 6000);
  auto out = link.run(heart_rate_once_plan());
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.failed_step, "start one measurement (15 02 01, answered after ~1.3 s)");
  ASSERT_TRUE(out.hci_reason);
  EXPECT_EQ(*out.hci_reason, 0x13);  // the band hung up
  EXPECT_NE(out.detail.find("remote user terminated"), std::string::npos) << out.detail;
}

TEST(MiBandConversation, UserInfoIsNeededAgainOnEveryConnection) {
  MiBandBand band({.known_uid = 1550050550});
  VirtualBandLink first(band);
  ASSERT_TRUE(first.run(connect_plan(user(), kBand, Model::mi1s) + heart_rate_once_plan()).ok);
  first.drop(0x16);
  VirtualBandLink second(band, 6000);  // a new connection: the band forgot the user info
  auto out = second.run(heart_rate_once_plan());
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.hci_reason, 0x13);
}

TEST(MiBandConversation, SeedFailureLinuxDefaultSupervisionTimeoutDrops) {
  // pygattlib on BlueZ 5.37: user info and tap worked, but neither the link's
  // supervision timeout (420 ms) nor the band's FF09 parameters were touched.
  MiBandBand band({.known_uid = 1550050550});
  VirtualBandLink link(band);  // 420 ms
  auto plan = without(without(connect_plan(user(), kBand, Model::mi1s), PlanStep::Kind::link_parameters),
                      PlanStep::Kind::write, uuid::kLeParams);
  auto out = link.run(plan + heart_rate_once_plan());
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.hci_reason, 0x08);  // supervision timeout
  EXPECT_EQ(disconnect_advice(0x08), "the band went quiet longer than the supervision timeout: raise it (and write FF09)");
}

TEST(MiBandConversation, TheBandsOwnParametersAloneAlsoKeepTheLink) {
  // Without touching BlueZ's knob: FF09 asks for a 5 s supervision timeout and the host accepts.
  MiBandBand band({.known_uid = 1550050550});
  VirtualBandLink link(band);
  auto out = link.run(without(connect_plan(user(), kBand, Model::mi1s), PlanStep::Kind::link_parameters) +
                      heart_rate_once_plan());
  ASSERT_TRUE(out.ok) << out.detail;
  EXPECT_EQ(link.supervision_ms(), 5000);
}

TEST(MiBandConversation, TooShortResponseTimeoutIsOurOwnDisconnect) {
  MiBandBand band({.known_uid = 1550050550});
  VirtualBandLink link(band);
  LinkPolicy hasty;
  hasty.write_response_timeout_ms = 1000;  // shorter than the band's 1.3 s
  auto out = link.run(connect_plan(user(), kBand, Model::mi1s) + heart_rate_once_plan(hasty));
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.hci_reason, 0x16);  // local host terminated
  EXPECT_NE(out.detail.find("no write response within 1000 ms"), std::string::npos) << out.detail;
}

TEST(MiBandConversation, WrongMacInTheChecksumFailsAuthentication) {
  MiBandBand band({});
  VirtualBandLink link(band);
  auto out = link.run(connect_plan(user(), *MacAddress::parse("C8:0F:10:32:CA:B7"), Model::mi1s));
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.failed_step, "authentication (tap the band if it vibrates)");
  EXPECT_NE(out.detail.find("authentication failed"), std::string::npos);
}

TEST(MiBandConversation, NobodyTapsTheBand) {
  MiBandBand band({.tap_after_ms = -1});
  VirtualBandLink link(band);
  LinkPolicy p;
  p.tap_timeout_ms = 5000;
  auto out = link.run(connect_plan(user(), kBand, Model::mi1s, p));
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.prompts.size(), 1u);
  EXPECT_NE(out.detail.find("nothing within 5000 ms"), std::string::npos);
}

TEST(MiBandConversation, PlanBytesMatchTheResearch) {
  auto plan = heart_rate_once_plan();
  ASSERT_EQ(plan.size(), 5u);
  EXPECT_EQ(plan[0].kind, PlanStep::Kind::subscribe);
  EXPECT_EQ(plan[0].characteristic, 0x2A37);
  EXPECT_EQ(to_hex(plan[1].value), "150100");
  EXPECT_EQ(to_hex(plan[2].value), "150200");
  EXPECT_EQ(to_hex(plan[3].value), "150201");
  EXPECT_TRUE(plan[3].with_response);
  EXPECT_GT(plan[3].timeout_ms, 1300);
  auto c = connect_plan(user(), kBand, Model::mi1s);
  auto ui = std::find_if(c.begin(), c.end(), [](const PlanStep& s) { return s.characteristic == uuid::kUserInfo; });
  ASSERT_NE(ui, c.end());
  EXPECT_TRUE(user_info_checksum_ok(ui->value, kBand));
}

namespace {
// A host that records notifications and runs timers at once, for the activity fetch.
struct ImmediateHost : MiBandBand::Host {
  std::vector<std::pair<std::uint16_t, Bytes>> got;
  std::vector<std::function<void()>> queue;
  void notify(std::uint16_t c, const Bytes& v) override { got.emplace_back(c, v); }
  void after(int, std::function<void()> fn) override { queue.push_back(std::move(fn)); }
  void drop(std::uint8_t) override {}
  int supervision_timeout_ms() const override { return 5000; }
  void request_parameters(int, int, int, int) override {}
  void run_all() {
    while (!queue.empty()) {
      auto q = std::move(queue);
      queue.clear();
      for (auto& f : q) f();
    }
  }
};
}  // namespace

TEST(MiBandConversation, ActivityHistoryBlockByBlockWithAcks) {
  MiBandSimConfig cfg;
  for (int i = 0; i < 75; ++i) cfg.history.push_back({{}, 1, static_cast<std::uint8_t>(i % 100), static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(60 + i % 20)});
  MiBandBand band(cfg);
  ImmediateHost host;
  band.on_connect(host);
  band.on_subscribe(uuid::kActivityData);
  band.on_write(uuid::kControlPoint, command::fetch_activity(), true);
  ActivityFetch fetch(true, true);
  std::vector<ActivityMinute> minutes;
  for (int round = 0; round < 10 && !fetch.finished(); ++round) {
    host.run_all();
    for (auto& [c, v] : host.got) ASSERT_FALSE(fetch.feed(v));
    host.got.clear();
    for (auto& m : fetch.take_minutes()) minutes.push_back(m);
    for (auto& ack : fetch.take_acks()) band.on_write(uuid::kControlPoint, ack, true);  // without the ack, no next block
  }
  EXPECT_TRUE(fetch.finished());
  ASSERT_EQ(minutes.size(), 75u);
  EXPECT_EQ(minutes[74].steps, 74);
  EXPECT_EQ(minutes[74].heart_rate, 60 + 74 % 20);
  EXPECT_EQ(unix_from_civil(minutes[74].time) + 60, unix_from_civil(cfg.clock));  // the last minute ends now
}
