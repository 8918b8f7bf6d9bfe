// The real BlueZ client against the fake org.bluez on a private system bus: scanning,
// GATT conversations, and the field failures (busy adapter, a device hanging up, bluetoothd
// restarting, a scanner gone silent, and the errors a person must be able to act on).
#include <gtest/gtest.h>

#include "devices/registry.hpp"
#include "private_bus.hpp"
#include "radio/bluez_client.hpp"

namespace declouder {
namespace {

using testing::FakeBluezThread;
using testing::PrivateSystemBus;
using Clock = std::chrono::steady_clock;

struct Log {
  std::vector<std::string> lines;
  bool contains(const std::string& s) const {
    for (const auto& l : lines)
      if (l.find(s) != std::string::npos) return true;
    return false;
  }
};

TEST(BluezScanner, SeesServiceDataManufacturerDataNamesAndUuids) {
  PrivateSystemBus bus;
  FakeBluezThread fake({"mi-scale-2", "picooc-mini"});
  BluezClient client;
  std::map<std::string, Advertisement> seen;
  int mi_frames = 0;
  FrameHandlers h;
  h.on_advertisement = [&](const Advertisement& adv) {
    seen[adv.name] = adv;
    if (adv.name == "MIBFS") ++mi_frames;
  };
  Scanner scanner(client, {}, h);
  scanner.run(Clock::now() + std::chrono::milliseconds(1500));
  ASSERT_TRUE(seen.count("MIBFS"));
  ASSERT_TRUE(seen.count("PICOOC-CQ"));
  const Advertisement& mi = seen["MIBFS"];
  ASSERT_NE(mi.service_data_for(0x181B), nullptr);
  EXPECT_EQ(mi.service_data_for(0x181B)->size(), 13u);
  EXPECT_EQ(mi.address->str(), "C8:47:8C:5A:00:02");
  ASSERT_TRUE(mi.rssi);
  EXPECT_LT(*mi.rssi, 0);
  // Duplicate data: every re-advertisement of the changing weight is reported.
  EXPECT_GT(mi_frames, 5);
  const Advertisement& picooc = seen["PICOOC-CQ"];
  ASSERT_NE(picooc.manufacturer_data_for(0x000A), nullptr);
  EXPECT_TRUE(picooc.advertises_service(0xFFF0));
}

TEST(BluezScanner, BusyAdapterBacksOffAndRetries) {
  PrivateSystemBus bus;
  FakeBluezOptions o;
  o.busy_discovery_starts = 3;
  FakeBluezThread fake({"mi-scale-2"}, o);
  BluezClient client;
  Log log;
  client.log = [&](const std::string& l) { log.lines.push_back(l); };
  int adverts = 0;
  FrameHandlers h;
  h.on_advertisement = [&](const Advertisement&) { ++adverts; };
  Scanner scanner(client, {}, h);
  scanner.run(Clock::now() + std::chrono::seconds(15), [&] { return adverts > 0; });
  EXPECT_GT(adverts, 0);
  EXPECT_TRUE(log.contains("org.bluez.Error.InProgress, retrying in 250 ms"));
  EXPECT_TRUE(log.contains("retrying in 1000 ms"));
}

TEST(BluezScanner, DiscoveryResumesAfterBluetoothdRestarts) {
  PrivateSystemBus bus;
  FakeBluezOptions o;
  o.restart_after = std::chrono::milliseconds(600);
  o.restart_gap = std::chrono::milliseconds(500);
  FakeBluezThread fake({"mi-scale-2"}, o);
  BluezClient client;
  Log log;
  bool resumed = false;
  client.log = [&](const std::string& l) {
    log.lines.push_back(l);
    if (l.find("discovery resumed") != std::string::npos) resumed = true;
  };
  int before = 0, after = 0;
  FrameHandlers h;
  h.on_advertisement = [&](const Advertisement&) { ++(resumed ? after : before); };
  Scanner scanner(client, {}, h);
  scanner.run(Clock::now() + std::chrono::seconds(15), [&] { return after > 0; });
  EXPECT_TRUE(log.contains("bluetoothd went away"));
  EXPECT_EQ(scanner.resumes(), 1);
  EXPECT_GT(before, 0);
  EXPECT_GT(after, 0) << "no advertisement after bluetoothd came back";
}

TEST(BluezScanner, WatchdogRestartsASilentScanner) {
  PrivateSystemBus bus;
  FakeBluezOptions o;
  o.silent_after = std::chrono::milliseconds(500);
  FakeBluezThread fake({"picooc-mini"}, o);
  BluezClient client;
  client.log = [](const std::string&) {};
  int after_restart = 0;
  Scanner* sp = nullptr;
  FrameHandlers h;
  h.on_advertisement = [&](const Advertisement&) {
    if (sp && sp->watchdog_restarts() > 0) ++after_restart;
  };
  ScanOptions so;
  so.watchdog = std::chrono::milliseconds(1200);
  Scanner scanner(client, so, h);
  sp = &scanner;
  scanner.run(Clock::now() + std::chrono::seconds(15), [&] { return after_restart > 0; });
  EXPECT_GE(scanner.watchdog_restarts(), 1);
  EXPECT_GT(after_restart, 0) << "the restarted discovery heard nothing";
}

SessionResult read_device(BluezClient& client, const std::string& address, std::vector<std::string>* told = nullptr) {
  BluezDevice device(client, client.adapter(""), *MacAddress::parse(address));
  device.find(std::chrono::seconds(5));
  ConversationContext p;
  p.advert = device.advertisement();
  p.unix_now = 1'710'705'573;
  const DeviceDescriptor* d = builtin_registry().conversation_for(p.advert);
  EXPECT_NE(d, nullptr);
  SessionOptions o;
  if (told) o.tell = [told](const std::string& s) { told->push_back(s); };
  SessionRunner runner(device, o);
  return runner.run(d->conversation->build(p));
}

TEST(BluezDevice, PicoocConversationOverDbus) {
  PrivateSystemBus bus;
  SimOptions sim;
  sim.weight_kg = 81.1;
  sim.impedance_ohm = 538;
  FakeBluezThread fake({"picooc-mini"}, {}, sim);
  BluezClient client;
  SessionResult r = read_device(client, "D0:49:00:5A:00:03");
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.weight_kg, 81.1);
  EXPECT_EQ(r.reconnects, 0);
}

TEST(BluezDevice, DisconnectMidConversationIsRetriedAndItsReasonReported) {
  PrivateSystemBus bus;
  SimOptions sim;
  sim.drop_after_writes = 1;
  FakeBluezThread fake({"picooc-mini"}, {}, sim);
  BluezClient client;
  client.log = [](const std::string&) {};
  std::vector<std::string> told;
  SessionResult r = read_device(client, "D0:49:00:5A:00:03", &told);
  EXPECT_EQ(r.reconnects, 1);
  ASSERT_EQ(r.readings.size(), 1u);
  ASSERT_FALSE(told.empty());
  // The reason comes from Device1.Disconnected (reason + message).
  EXPECT_NE(told[0].find("connection timeout (org.bluez.Reason.Timeout)"), std::string::npos) << told[0];
}

// bluetoothd can send ServicesResolved before the InterfacesAdded of the last service's
// characteristics (two idle queues): a SIG scale's conversation needs its User Control Point
// (0x2A9F), and must find it anyway (met in the VM tier with the real bluetoothd).
TEST(BluezDevice, CharacteristicsAnnouncedAfterServicesResolvedAreFound) {
  PrivateSystemBus bus;
  SimOptions sim;
  sim.weight_kg = 81.1;
  FakeBluezOptions o;
  o.gatt_objects_after_resolved = true;
  FakeBluezThread fake({"sig-scale"}, o, sim);
  BluezClient client;
  SessionResult r = read_device(client, "00:09:1F:5A:00:05");
  ASSERT_FALSE(r.readings.empty());
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.weight_kg, 81.1);
}

// A service discovery that stalls (connected, ServicesResolved stays false) is cured by one more
// connection, as a phone app does; two in a row give up with the reason.
TEST(BluezDevice, AStalledServiceDiscoveryIsRetriedOnce) {
  PrivateSystemBus bus;
  FakeBluezOptions once;
  once.unresolved_connects = 1;
  {
    FakeBluezThread fake({"picooc-mini"}, once);
    BluezClient client;
    std::vector<std::string> logged;
    client.log = [&](const std::string& s) { logged.push_back(s); };
    BluezDevice device(client, client.adapter(""), *MacAddress::parse("D0:49:00:5A:00:03"));
    device.find(std::chrono::seconds(5));
    device.connect(std::chrono::seconds(2));
    EXPECT_TRUE(device.has_characteristic(Uuid::from16(0xFFF1)));
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_NE(logged[0].find("not resolved in time; connecting again"), std::string::npos) << logged[0];
  }
  FakeBluezOptions twice;
  twice.unresolved_connects = 2;
  FakeBluezThread fake({"picooc-mini"}, twice);
  BluezClient client;
  client.log = [](const std::string&) {};
  BluezDevice device(client, client.adapter(""), *MacAddress::parse("D0:49:00:5A:00:03"));
  device.find(std::chrono::seconds(5));
  try {
    device.connect(std::chrono::seconds(1));
    FAIL() << "two stalled discoveries connected";
  } catch (const BleError& e) {
    EXPECT_NE(std::string(e.what()).find("not resolved in time (twice)"), std::string::npos) << e.what();
  }
}

// A subscription that gets no answer ends the ATT bearer (Core spec Vol 3 Part F 3.3.3): the
// link is dropped and the conversation connects again and resumes.
TEST(BluezDevice, AnUnansweredSubscriptionReconnects) {
  PrivateSystemBus bus;
  FakeBluezOptions o;
  o.unanswered_subscriptions = 1;
  SimOptions sim;
  sim.weight_kg = 81.1;
  FakeBluezThread fake({"picooc-mini"}, o, sim);
  BluezClient client;
  client.log = [](const std::string&) {};
  SessionResult r = read_device(client, "D0:49:00:5A:00:03");
  EXPECT_EQ(r.reconnects, 1);
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.weight_kg, 81.1);
}

// A Connect that gets no answer goes on in bluetoothd, and the controller refuses every other
// connection until it is cancelled: one scale out of reach must not keep the adapter from the
// others (met in the VM tier: after one reconnect timed out, every scale after it on that
// adapter timed out too).
TEST(BluezDevice, AConnectWithoutAnswerIsCancelledSoTheAdapterServesTheNextScale) {
  PrivateSystemBus bus;
  FakeBluezOptions o;
  o.unanswered_connects = 1;
  FakeBluezThread fake({"picooc-mini", "crenot-gofit-s2"}, o);
  BluezClient client;
  client.log = [](const std::string&) {};
  BluezDevice away(client, client.adapter(""), *MacAddress::parse("D0:49:00:5A:00:03"));
  away.find(std::chrono::seconds(5));
  try {
    away.connect(std::chrono::seconds(2));
    FAIL() << "a Connect without an answer connected";
  } catch (const BleError& e) {
    EXPECT_EQ(e.kind, BleErrorKind::timeout) << e.what();
  }
  BluezDevice next(client, client.adapter(""), *MacAddress::parse("CF:E5:10:5A:00:04"));
  next.find(std::chrono::seconds(5));
  next.connect(std::chrono::seconds(2));
  EXPECT_TRUE(next.has_characteristic(Uuid::from16(0xFFB2)));
}

TEST(BluezDevice, MiScaleHistoryAndIcomonOverDbus) {
  PrivateSystemBus bus;
  FakeBluezThread fake({"mi-scale", "crenot-gofit-s2"});
  BluezClient client;
  SessionResult history = read_device(client, "88:0F:10:5A:00:01");
  EXPECT_GE(history.readings.size(), 3u);
  SessionResult icomon = read_device(client, "CF:E5:10:5A:00:04");
  ASSERT_EQ(icomon.readings.size(), 1u);
  EXPECT_DOUBLE_EQ(*icomon.readings[0].reading.weight_kg, 72.35);
}

TEST(BluezErrors, BluetoothdNotRunning) {
  PrivateSystemBus bus;
  try {
    BluezClient client;
    FAIL();
  } catch (const BleError& e) {
    EXPECT_EQ(e.kind, BleErrorKind::bluez_not_running);
    EXPECT_NE(std::string(e.what()).find("systemctl start bluetooth"), std::string::npos);
  }
}

TEST(BluezErrors, NotAllowedOnTheSystemBusNamesTheFix) {
  PrivateSystemBus bus("system-deny-bluez.conf");
  FakeBluezThread fake({"mi-scale-2"});
  try {
    BluezClient client;
    FAIL();
  } catch (const BleError& e) {
    EXPECT_EQ(e.kind, BleErrorKind::access_denied);
    EXPECT_NE(std::string(e.what()).find("'bluetooth' group"), std::string::npos);
  }
}

TEST(BluezErrors, NoAdapterAndUnknownAdapter) {
  PrivateSystemBus bus;
  {
    FakeBluezOptions o;
    o.adapters = {};
    FakeBluezThread fake({}, o);
    BluezClient client;
    try {
      client.adapter("");
      FAIL();
    } catch (const BleError& e) {
      EXPECT_EQ(e.kind, BleErrorKind::no_adapter);
      EXPECT_NE(std::string(e.what()).find("no Bluetooth adapter"), std::string::npos);
    }
  }
  FakeBluezOptions two;
  two.adapters = {"hci0", "hci1"};
  FakeBluezThread fake({}, two);
  BluezClient client;
  EXPECT_EQ(client.adapter("hci1").name, "hci1");
  EXPECT_EQ(client.adapter("00:AA:01:01:00:01").name, "hci1");
  try {
    client.adapter("hci7");
    FAIL();
  } catch (const BleError& e) {
    EXPECT_NE(std::string(e.what()).find("there is hci0 (00:AA:01:00:00:00), hci1 (00:AA:01:01:00:01)"),
              std::string::npos)
        << e.what();
  }
}

TEST(BluezErrors, NoSystemBus) {
  setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/declouder-test-bus", 1);
  try {
    BluezClient client;
    FAIL();
  } catch (const BleError& e) {
    EXPECT_EQ(e.kind, BleErrorKind::no_system_bus);
    EXPECT_NE(std::string(e.what()).find("is dbus running"), std::string::npos);
  }
  unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
}

}  // namespace
}  // namespace declouder
