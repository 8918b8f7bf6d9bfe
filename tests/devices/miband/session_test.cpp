// The Mi Band conversation through the real SessionRunner, against the registered
// `miband-1s` simulator on a SimulatorLink (virtual time): the driver's order
// measures; the seed's orders fail with the reason the research predicts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "band_fixture.hpp"
#include "devices/miband/session.hpp"
#include "devices/registry.hpp"
#include "link/session.hpp"
#include "link/simulator_link.hpp"

using namespace declouder;
using namespace declouder::miband;

namespace {

using band_fixture::kBand;
using band_fixture::wearer;

std::unique_ptr<SimulatorLink> band_link(int bpm = 70) {
  const DeviceSimulator* info = builtin_registry().find_simulator("miband-1s");
  EXPECT_NE(info, nullptr);
  SimOptions o;
  o.heart_rate_bpm = bpm;
  return std::make_unique<SimulatorLink>(info->create(o));
}

std::vector<std::string> told;
SessionOptions options() {
  told.clear();
  SessionOptions o;
  o.tell = [](const std::string& s) { told.push_back(s); };
  return o;
}

std::size_t index_of_write(const SimulatorLink& link, std::uint16_t c, const std::string& hex) {
  const auto& w = link.writes();
  for (std::size_t i = 0; i < w.size(); ++i)
    if (w[i].characteristic == Uuid::from16(c) && (hex.empty() || to_hex(w[i].value) == hex)) return i;
  return w.size();
}

}  // namespace

TEST(MiBandSession, RunnerMeasuresHeartRateInTheOrderThatKeepsTheLink) {
  auto link = band_link(72);
  SessionRunner runner(*link, options());
  auto result = runner.run(heart_rate_conversation(wearer(), kBand, Model::mi1s, {}, [](int ms) {
    return "supervision timeout " + std::to_string(ms) + " ms (test tuner)";
  }));
  ASSERT_EQ(result.readings.size(), 1u);
  EXPECT_EQ(result.readings[0].reading.heart_rate_bpm, 72);
  EXPECT_STREQ(result.readings[0].reading.model, "xiaomi-mi-band-1");
  EXPECT_EQ(result.reconnects, 0);
  // The person was asked to tap, and the tuner spoke.
  EXPECT_NE(std::find(told.begin(), told.end(), "the band is vibrating: tap it to confirm"), told.end());
  EXPECT_NE(std::find(told.begin(), told.end(), "supervision timeout 6000 ms (test tuner)"), told.end());
  // Order on the wire: FF09, user info, stop, stop, start.
  const std::size_t le = index_of_write(*link, uuid::kLeParams, ""), ui = index_of_write(*link, uuid::kUserInfo, "");
  const std::size_t stop1 = index_of_write(*link, 0x2A39, "150100"), stop2 = index_of_write(*link, 0x2A39, "150200"),
                    start = index_of_write(*link, 0x2A39, "150201");
  ASSERT_LT(start, link->writes().size());
  EXPECT_LT(le, ui);
  EXPECT_LT(ui, stop1);
  EXPECT_LT(stop1, stop2);
  EXPECT_LT(stop2, start);
  EXPECT_EQ(link->writes()[start].mode, WriteMode::with_response);
}

TEST(MiBandSession, SeedOrderWithoutUserInfoEndsWithTheBandHangingUp) {
  auto link = band_link();
  SessionRunner runner(*link, options());
  try {
    runner.run(to_conversation("seed 004 without user info", heart_rate_once_plan()));
    FAIL() << "the band should have hung up";
  } catch (const std::exception& e) {
    const std::string what = e.what();
    EXPECT_EQ(hci_reason_of(what), 0x13) << what;
  }
}

TEST(MiBandSession, SeedOrderOnLinuxDefaultsLosesTheLinkToTheSupervisionTimeout) {
  // User info and the tap, as in the seed, but neither FF09 nor a longer supervision timeout.
  auto plan = connect_plan(wearer(), kBand, Model::mi1s);
  std::erase_if(plan, [](const PlanStep& s) {
    return s.kind == PlanStep::Kind::link_parameters || s.characteristic == uuid::kLeParams;
  });
  auto hr = heart_rate_once_plan();
  plan.insert(plan.end(), hr.begin(), hr.end());
  auto link = band_link();
  SessionRunner runner(*link, options());
  try {
    runner.run(to_conversation("seed 004 on Linux defaults", plan));
    FAIL() << "the link should have dropped";
  } catch (const std::exception& e) {
    const std::string what = e.what();
    EXPECT_EQ(hci_reason_of(what), 0x08) << what;
  }
}

TEST(MiBandSession, SupervisionTimeoutGoesToDebugfs) {
  const auto root = std::filesystem::path(::testing::TempDir()) / "debugfs-bluetooth";
  std::filesystem::create_directories(root / "hci0");
  EXPECT_FALSE(raise_supervision_timeout("hci0", 6000, root.string()));
  std::ifstream f(root / "hci0" / "supervision_timeout");
  int v = 0;
  f >> v;
  EXPECT_EQ(v, 600);  // 10 ms units
  auto why = raise_supervision_timeout("hci9", 6000, root.string());
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("hci9/supervision_timeout"), std::string::npos) << *why;
}

TEST(MiBandSession, DisconnectReasonsFromBlueZ) {
  EXPECT_EQ(hci_reason_of("device disconnected: connection timeout (org.bluez.Reason.Timeout)"), 0x08);
  EXPECT_EQ(hci_reason_of("device disconnected: remote user terminated connection (org.bluez.Reason.Remote)"), 0x13);
  EXPECT_EQ(hci_reason_of("disconnected (org.bluez.Reason.Local)"), 0x16);
  EXPECT_FALSE(hci_reason_of("bluetoothd went away"));
}

TEST(HeartRateStrapSession, TheRegisteredConversationReadsTheStrapSimulator) {
  const DeviceSimulator* info = builtin_registry().find_simulator("heart-rate-strap");
  ASSERT_NE(info, nullptr);
  SimOptions o;
  o.heart_rate_bpm = 58;
  auto device = info->create(o);
  Advertisement adv;
  adv.name = device->advert().name;
  adv.service_uuids = device->advert().service_uuids;
  const DeviceDescriptor* driver = builtin_registry().conversation_for(adv);
  ASSERT_NE(driver, nullptr);
  EXPECT_EQ(driver->id, "heart-rate-sensor");
  SimulatorLink link(std::move(device));
  SessionRunner runner(link, options());
  auto r = runner.run(driver->conversation->build({}));
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_EQ(r.readings[0].reading.heart_rate_bpm, 56);  // 58 - 2 at second 0
  // ...and the Mi Band, which also has 0x180D, is not taken for a strap.
  Advertisement band;
  band.service_uuids = {Uuid::from16(0xFEE0), Uuid::from16(0x180D)};
  auto* d = builtin_registry().conversation_for(band);
  EXPECT_TRUE(d == nullptr || d->id != "heart-rate-sensor");
}

TEST(MiBandSession, ActivityHistoryThroughTheRunnerIsAckedAndFreed) {
  auto link = band_link();
  SessionRunner runner(*link, options());
  auto result = runner.run(activity_conversation(wearer(), kBand, Model::mi1s));
  ASSERT_EQ(result.readings.size(), 90u);  // the simulator holds 90 minutes
  const Reading& last = result.readings.back().reading;
  EXPECT_EQ(last.steps, 35);
  EXPECT_EQ(last.heart_rate_bpm, 69);
  ASSERT_TRUE(last.device_time);
  EXPECT_EQ(last.device_time->civil, (CivilTime{2016, 6, 12, 8, 29, 0}));
  // Three blocks of 30 minutes, three acks of 120 bytes.
  int acks = 0;
  for (const auto& w : link->writes())
    if (w.characteristic == Uuid::from16(uuid::kControlPoint) && !w.value.empty() && w.value[0] == 0x0A) {
      EXPECT_EQ(le16(&w.value[7]), 120);
      ++acks;
    }
  EXPECT_EQ(acks, 3);
  // The band freed what was acknowledged (storing it once: tests/store/band_store_test.cpp).
  SessionRunner again(*link, options());
  EXPECT_TRUE(again.run(activity_conversation(wearer(), kBand, Model::mi1s)).readings.empty());
}
