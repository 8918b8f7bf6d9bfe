// The session runner and the conversations, against the simulators on a virtual clock.
#include <gtest/gtest.h>

#include "device_test_util.hpp"
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
  // The Mini sends no body composition of its own: the weighing waited the few seconds a
  // scale that computes one would take, and is the 0x39's.
  EXPECT_EQ(r.readings[0].reading.device_metric_count, 0);
  EXPECT_GE(link.now(), std::chrono::seconds(3));
  EXPECT_FALSE(link.connected());
}

// A Picooc that computes its body composition on board: the Mini's simulator, which after the
// acknowledged 0x39 also sends a final heart rate (3C 05 <bpm> 02) and its 0x32 (the layout of
// openScale PicoocHandler.kt), and hangs up 300 ms after the 0x32 is acknowledged, as openScale's
// PICOOC-CQ capture shows the scale ending the link itself.
class PicoocWithBodyComposition : public SimulatedDevice {
 public:
  explicit PicoocWithBodyComposition(SimOptions o) : SimulatedDevice(o), mini_(make("picooc-mini", o)) {}
  std::string_view kind() const override { return "picooc-mini"; }
  MacAddress address() const override { return mini_->address(); }
  AdvertData advert() const override { return mini_->advert(); }
  std::vector<SimService> gatt() const override { return mini_->gatt(); }
  void on_connect() override { mini_->on_connect(); }
  void on_subscribe(const Uuid& c) override { mini_->on_subscribe(c); }
  void on_disconnect() override { mini_->on_disconnect(); }
  void on_write(const Uuid& c, const Bytes& v, bool with_response) override {
    mini_->on_write(c, v, with_response);
    const Uuid answer = Uuid::from16(0xFFF1);
    if (v == Bytes{0xF1, 0x03, 0x39}) {
      host().after(std::chrono::milliseconds(50), [this, answer] { host().notify(answer, test::hex("3c05004402")); });
      // 21.5 % fat, 54.8 % water, bone 3.25 kg, visceral fat 9, metabolic age 34, 538 ohm.
      host().after(std::chrono::milliseconds(80), [this, answer] {
        host().notify(answer, test::hex("3214 065c 00d7 0224 0000 0041 0000 09 22 0000 021a"));
      });
    }
    if (v == Bytes{0xF1, 0x03, 0x32})
      host().after(std::chrono::milliseconds(300), [this] { host().disconnect("the scale is done"); });
  }

 private:
  void start() override { mini_->attach(host()); }
  std::unique_ptr<SimulatedDevice> mini_;
};

TEST(PicoocConversation, TheScalesOwnBodyCompositionJoinsTheWeighing) {
  SimOptions o;
  o.weight_kg = 81.1;
  o.impedance_ohm = 538;
  SimulatorLink link(std::make_unique<PicoocWithBodyComposition>(o));
  SessionResult r = converse(link);
  ASSERT_EQ(r.readings.size(), 1u);  // one weighing, not one per frame
  const Reading& w = r.readings[0].reading;
  EXPECT_DOUBLE_EQ(*w.weight_kg, 81.1);
  EXPECT_DOUBLE_EQ(*w.impedance_ohm, 538.0);  // the live frame's, to the tenth
  EXPECT_EQ(w.heart_rate_bpm, 68);
  EXPECT_DOUBLE_EQ(test::metric(w, "fat_percent"), 21.5);
  EXPECT_DOUBLE_EQ(test::metric(w, "water_percent"), 54.8);
  EXPECT_DOUBLE_EQ(test::metric(w, "bone_kg"), 3.25);
  EXPECT_DOUBLE_EQ(test::metric(w, "visceral_fat"), 9);
  EXPECT_DOUBLE_EQ(test::metric(w, "metabolic_age"), 34);
  // Every frame acknowledged: the request, 0x39, 0x3C, 0x32.
  ASSERT_EQ(link.writes().size(), 4u);
  EXPECT_EQ(to_hex(link.writes()[2].value), "f1033c");
  EXPECT_EQ(to_hex(link.writes()[3].value), "f10332");
  EXPECT_EQ(r.reconnects, 0);
  EXPECT_LT(link.now(), std::chrono::seconds(3));  // it did not wait for what had come
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

// PicoocWithBodyComposition hangs up 300 ms after its 0x32 is acknowledged, as the scale does.
Conversation until_the_scale_hangs_up(bool hang_up_moves_on) {
  const Uuid answer = Uuid::from16(0xFFF1), request = Uuid::from16(0xFFF2);
  Conversation c;
  c.name = "hang-up";
  Step sub = subscribe_step(answer, "subscribe");
  sub.resume_here = true;
  c.steps.push_back(sub);
  c.steps.push_back(write_step(request, Bytes{0xF1, 0x03, 0x32}, WriteMode::without_response, "the last ack"));
  Step wait = expect_step("anything more", [](const GattValue&, SessionContext&) { return Verdict::ignore; },
                          std::chrono::seconds(3));
  wait.optional = true;
  wait.hang_up_moves_on = hang_up_moves_on;
  c.steps.push_back(wait);
  c.max_reconnects = 1;
  return c;
}

TEST(SessionRunner, ADeviceThatHangsUpDuringAnOptionalWaitEndsItWhenTheStepSaysSo) {
  SimulatorLink link(std::make_unique<PicoocWithBodyComposition>(SimOptions{}));
  SessionRunner runner(link);
  SessionResult r = runner.run(until_the_scale_hangs_up(true));
  EXPECT_EQ(r.reconnects, 0);
  EXPECT_EQ(link.connects(), 1);
  EXPECT_LT(link.now(), std::chrono::seconds(3));  // it did not wait out the timeout

  // Without it, a hang-up is a lost link: reconnect and resume (here, until it gives up).
  SimulatorLink again(std::make_unique<PicoocWithBodyComposition>(SimOptions{}));
  SessionRunner other(again);
  EXPECT_THROW(other.run(until_the_scale_hangs_up(false)), SessionError);
  EXPECT_EQ(again.connects(), 2);
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
