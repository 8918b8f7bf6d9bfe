// The session runner and the conversations, against the simulators on a virtual clock.
#include <gtest/gtest.h>

#include "devices/registry.hpp"
#include "link/simulator_link.hpp"

namespace declouder {
namespace {

std::unique_ptr<SimulatedDevice> make(std::string_view name, SimOptions o = {}) {
  return builtin_registry().find_simulator(name)->create(o);
}

// The device `read` would talk to about this advertisement (`run`: unattended only).
const DeviceDescriptor* conversation_for(const Advertisement& a) { return builtin_registry().conversation_for(a); }
const DeviceDescriptor* unattended_conversation_for(const Advertisement& a) {
  return builtin_registry().conversation_for(a, true);
}
Conversation build(const Advertisement& a, ConversationContext c = {}) {
  c.advert = a;
  return conversation_for(a)->conversation->build(c);
}

Advertisement advert_of(const SimulatedDevice& d) { return heard_advertisement(d.advert(), d.address()); }

SessionResult converse(SimulatorLink& link, std::vector<std::string>* told = nullptr) {
  EXPECT_NE(conversation_for(advert_of(link.device())), nullptr);
  ConversationContext p;
  p.unix_now = link.unix_now();
  SessionOptions o;
  if (told) o.tell = [told](const std::string& s) { told->push_back(s); };
  SessionRunner runner(link, o);
  return runner.run(build(advert_of(link.device()), p));
}

TEST(Conversations, EachGattSimulatorHasOneAndAdvertOnlyOnesHaveNone) {
  EXPECT_EQ(conversation_for(advert_of(*make("picooc-mini")))->id, "picooc-mini");
  EXPECT_EQ(conversation_for(advert_of(*make("crenot-gofit-s2")))->id, "icomon-ffb0");
  EXPECT_EQ(conversation_for(advert_of(*make("mi-scale")))->id, "xiaomi-mi-scale");
  EXPECT_EQ(conversation_for(advert_of(*make("sig-scale")))->id, "bluetooth-sig-scale");
  EXPECT_EQ(conversation_for(advert_of(*make("mi-scale-2"))), nullptr);
}

TEST(Conversations, TheGatewayStartsEveryConversationByItself) {
  // The Mi scale's live weighings arrive in its adverts; `run` also downloads its history, so
  // the weighings made while no gateway heard it are not lost.
  EXPECT_EQ(unattended_conversation_for(advert_of(*make("mi-scale")))->id, "xiaomi-mi-scale");
  EXPECT_EQ(unattended_conversation_for(advert_of(*make("picooc-mini")))->id, "picooc-mini");
  EXPECT_EQ(unattended_conversation_for(advert_of(*make("crenot-gofit-s2")))->id, "icomon-ffb0");
  EXPECT_EQ(unattended_conversation_for(advert_of(*make("sig-scale")))->id, "bluetooth-sig-scale");
}

TEST(Conversations, AScaleThatBroadcastsItsWeighingIsNotTakenForAStandardScale) {
  // A Mi Body Composition Scale 2 that also lists 0x181B among its services.
  Advertisement a = advert_of(*make("mi-scale-2"));
  a.service_uuids.push_back(Uuid::from16(0x181B));
  EXPECT_EQ(conversation_for(a), nullptr);
}

TEST(PicoocConversation, RequestWithoutResponseThenMeasurementThenAck) {
  SimOptions o;
  o.weight_kg = 81.1;
  o.impedance_ohm = 538;
  SimulatorLink link(make("picooc-mini", o));
  SessionResult r = converse(link);
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.weight_kg, 81.1);
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.impedance_ohm, 538.0);
  ASSERT_EQ(link.writes().size(), 2u);
  EXPECT_EQ(link.writes()[0].mode, WriteMode::without_response);
  EXPECT_EQ(to_hex(link.writes()[0].value).substr(0, 6), "f1093a");
  EXPECT_EQ(to_hex(link.writes()[0].value).substr(14), "a500");
  EXPECT_EQ(to_hex(link.writes()[1].value), "f10339");
  EXPECT_FALSE(link.connected());
}

TEST(PicoocConversation, DisconnectMidConversationResumesFromTheSafeStep) {
  SimOptions o;
  o.drop_after_writes = 1;  // the link breaks on the request
  SimulatorLink link(make("picooc-mini", o));
  std::vector<std::string> told;
  SessionResult r = converse(link, &told);
  EXPECT_EQ(r.reconnects, 1);
  EXPECT_EQ(link.connects(), 2);
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.weight_kg, 72.35);
  ASSERT_FALSE(told.empty());
  EXPECT_NE(told[0].find("connection timeout"), std::string::npos) << told[0];
  EXPECT_NE(told[0].find("resuming at 'enable indications on FFF1'"), std::string::npos) << told[0];
}

TEST(IcomonConversation, GateForThePersonThenTheA3Result) {
  SimOptions o;
  o.weight_kg = 80.25;
  o.impedance_ohm = 512;
  o.heart_rate_bpm = 71;
  SimulatorLink link(make("crenot-gofit-s2", o));
  std::vector<std::string> told;
  SessionResult r = converse(link, &told);
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.weight_kg, 80.25);
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.impedance_ohm, 512);
  EXPECT_EQ(*r.readings[0].reading.heart_rate_bpm, 71);
  ASSERT_FALSE(told.empty());
  EXPECT_EQ(told[0], "step on the scale");
  EXPECT_TRUE(link.writes().empty()) << "the GoFit S2 needs no handshake";
}

TEST(MiScaleHistoryConversation, DownloadsReassemblesAndAcknowledges) {
  SimOptions o;
  o.weight_kg = 70.0;
  SimulatorLink link(make("mi-scale", o));
  link.advance(std::chrono::seconds(2));  // the scale makes one weighing of its own
  SessionResult first = converse(link);
  // Three stored weighings + the one just made; records were split across notifications.
  ASSERT_EQ(first.readings.size(), 4u);
  EXPECT_DOUBLE_EQ(*first.readings[0].reading.weight_kg, 70.6);
  EXPECT_DOUBLE_EQ(*first.readings[3].reading.weight_kg, 70.0);
  for (const auto& e : first.readings) {
    EXPECT_TRUE(e.reading.stabilized);
    ASSERT_TRUE(e.reading.device_time);
    EXPECT_EQ(e.raw.size(), 10u);
  }
  EXPECT_EQ(to_hex(link.writes().front().value), "01968abd62");
  EXPECT_EQ(to_hex(link.writes().back().value), "04ffff4443");
  // Acknowledged: nothing is new for this user any more.
  SessionResult second = converse(link);
  EXPECT_TRUE(second.readings.empty());
}

TEST(MiScaleHistoryConversation, ADisconnectDuringTheDownloadRepeatsItWithoutDuplicates) {
  SimOptions o;
  o.drop_after_writes = 4;  // the "02" that starts the transfer
  SimulatorLink link(make("mi-scale", o));
  SessionResult r = converse(link);
  EXPECT_EQ(r.reconnects, 1);
  EXPECT_EQ(r.readings.size(), 3u);
}

TEST(SigScaleConversation, ConsentThenWeightAndBodyComposition) {
  SimOptions o;
  o.weight_kg = 64.5;
  o.impedance_ohm = 455.5;
  SimulatorLink link(make("sig-scale", o));
  SessionResult r = converse(link);
  ASSERT_EQ(r.readings.size(), 2u);
  const Reading& reading = r.readings[0].reading;
  EXPECT_DOUBLE_EQ(*reading.weight_kg, 64.5);
  EXPECT_DOUBLE_EQ(*reading.impedance_ohm, 455.5);
  EXPECT_EQ(*reading.user_slot, 1);
  EXPECT_FALSE(reading.battery_percent);
  // Then the Battery Level (0x2A19) it has: a reading of its own, nothing else in it.
  const Reading& battery = r.readings[1].reading;
  EXPECT_EQ(battery.battery_percent, 87);
  EXPECT_FALSE(battery.weight_kg);
  EXPECT_STREQ(battery.model, "bluetooth-sig-scale");
  EXPECT_EQ(to_hex(r.readings[1].raw), "57");
}

TEST(SigScaleConversation, AWrongConsentCodeFailsNamingTheStep) {
  SimulatorLink link(make("sig-scale"));
  ConversationContext p;
  p.user.consent_code = 1234;
  SessionRunner runner(link);
  try {
    runner.run(build(advert_of(link.device()), p));
    FAIL() << "expected a SessionError";
  } catch (const SessionError& e) {
    EXPECT_NE(std::string(e.what()).find("wait for the consent answer"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("200205"), std::string::npos) << e.what();
  }
}

TEST(SessionRunner, ATimeoutNamesTheStepItHappenedIn) {
  SimulatorLink link(make("picooc-mini"));
  Conversation c;
  c.name = "silent";
  c.steps.push_back(subscribe_step(Uuid::from16(0xFFF1)));
  c.steps.push_back(expect_step("wait for something that never comes",
                                [](const GattValue&, SessionContext&) { return Verdict::done; },
                                std::chrono::seconds(3)));
  SessionRunner runner(link);
  try {
    runner.run(c);
    FAIL() << "expected a SessionError";
  } catch (const SessionError& e) {
    EXPECT_EQ(std::string(e.what()), "step 'wait for something that never comes' timed out after 3 s");
  }
}

TEST(SessionRunner, GivesUpAfterTooManyDisconnects) {
  SimOptions o;
  o.drop_after_writes = 1;
  SimulatorLink link(make("picooc-mini", o));
  Conversation c = build(advert_of(link.device()));
  c.max_reconnects = 0;
  SessionRunner runner(link);
  try {
    runner.run(c);
    FAIL() << "expected a SessionError";
  } catch (const SessionError& e) {
    EXPECT_NE(std::string(e.what()).find("connection timeout"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("gave up"), std::string::npos) << e.what();
  }
}

TEST(SessionRunner, PacingLetsTimePassBetweenWrites) {
  SimulatorLink link(make("picooc-mini"));
  Conversation c;
  c.name = "paced";
  c.pacing = std::chrono::milliseconds(400);
  c.steps.push_back(write_step(Uuid::from16(0xFFF2), Bytes{0xF1, 0x03, 0x39}, WriteMode::without_response));
  c.steps.push_back(write_step(Uuid::from16(0xFFF2), Bytes{0xF1, 0x03, 0x39}, WriteMode::without_response));
  SessionRunner runner(link);
  runner.run(c);
  // Virtual time: the second write waited for the pacing interval.
  EXPECT_GE(link.now(), std::chrono::milliseconds(399));
}

}  // namespace
}  // namespace declouder
