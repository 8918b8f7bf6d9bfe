// Dr. Trust SSW532 / ICOMON FG2211WB: the decoder against the real FG2211WBF frames of
// ble-scale-sync pull request #383 (tests/scales/speediance.test.ts: a PacketLogger capture of
// a full weigh-in) and frames built from openScale DrTrustSSW532Handler.kt's layout (marked
// "layout"; their checksums computed from sum(bytes 3..18) mod 32), the app's frames against
// the same capture, the claims against icomon-ffb0 and mgb on the shared service, and the
// conversation against the simulator and, for the timings the simulator does not play (the
// handles taken late, a person who stays on, a result without a locked weight), against a
// scale scripted frame by frame.
#include <algorithm>

#include "device_test_util.hpp"
#include "devices/drtrust_ssw532/protocol.hpp"
#include "devices/scripted_scale.hpp"
#include "link/simulator_link.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {

constexpr const char* kId = "drtrust-ssw532";

DecodeOutcome ffb2(std::string_view h, std::string name = "SSW532") { return gatt(kId, 0xFFB2, h, std::move(name)); }
DecodeOutcome ffb3(std::string_view h, std::string name = "SSW532") { return gatt(kId, 0xFFB3, h, std::move(name)); }

// Layout: session 5B, A3, 2024-03-17 19:59:33 UTC, 81.100 kg, byte 14 = 01, channels 452.1 / 448.0.
constexpr const char* kWeightPart = "5b2300a365f74ba500013ccc000001a911801104";
// Layout: Z1..Z8 = 287.0 288.5 42.4 229.0 231.0 300.0 305.0 595.0 ohm.
constexpr const char* kSegmentPart = "5b2301360b450ba801f2080609b80bea0b3e1710";

const DeviceDescriptor& drtrust_device() { return family(kId); }

Advertisement named(std::string name, std::initializer_list<std::uint16_t> services) {
  Advertisement adv;
  adv.name = std::move(name);
  for (auto s : services) adv.service_uuids.push_back(Uuid::from16(s));
  return adv;
}

std::vector<std::string> claimant_ids(const Advertisement& adv) {
  std::vector<std::string> ids;
  for (const DeviceDescriptor* d : builtin_registry().claimants(adv)) ids.push_back(d->id);
  return ids;
}

// A scale scripted frame by frame (layout frames, session 5B): the setup frames, then, once the
// app id is written, a live weight (`live_hex`: locked by default) and a result without
// segments; `then` follows it (the person taking the handles late, or nothing).
std::unique_ptr<SimulatedDevice> scripted(std::vector<ScriptedFrame> then,
                                          std::string live_hex = "050700a20300013ccc000000000000000000000e") {
  using namespace std::chrono_literals;
  const Uuid live = Uuid::from16(0xFFB2), result = Uuid::from16(0xFFB3);
  ScriptedScale s;
  s.kind = "scripted-ssw532";
  s.name = "SSW532";
  s.default_address = "A4:C1:38:53:20:12";
  s.advertised_services = {Uuid::from16(0xFFB0)};
  s.services = {{Uuid::from16(0xFFB0), {{Uuid::from16(0xFFB1), kWrite, {}}, {live, kNotify, {}}, {result, kIndicate, {}}}}};
  s.on_subscribe = [=](const Uuid& c, const SimOptions&) -> std::vector<ScriptedFrame> {
    if (c == result) return {{20ms, result, hex("5b18000000000000000000000000000000000000")}};
    return {{20ms, result, hex("5b18010000000000000000000000000000000000")}};
  };
  s.on_write = [=](const Uuid&, const Bytes& v, const SimOptions&) -> std::vector<ScriptedFrame> {
    if (v != drtrust::app_id_frame(1)) return {};
    std::vector<ScriptedFrame> f{{100ms, live, hex(live_hex)},
                                 {300ms, result, hex(kWeightPart)},
                                 {400ms, result, hex("5b23020000000000000000000000000000000000")}};
    f.insert(f.end(), then.begin(), then.end());
    return f;
  };
  return scripted_simulator(s, {});
}

}  // namespace

TEST(DrTrust, RealFg2211wbfResultAndLiveFrames) {
  // The A7 part 00 of the capture: 01 2A 3E = 76.350 kg at 9-11, its time at 4-7.
  DecodeOutcome o = ffb3("4d2300a76a96d1ff25012a3e000a00ce0b970b2a", "FG2211WBF");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 76.35);
  EXPECT_TRUE(o.reading.stabilized);
  ASSERT_TRUE(o.reading.device_time);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2026-09-01T13:24:15Z");  // 23 s after the profile frame's time
  // The whole-body channels (302.2 / 296.7 ohm) are not the foot-to-foot impedance.
  EXPECT_FALSE(o.reading.impedance_ohm);

  // Its live frame (byte 1 = 0x10 on this unit, 0x07 in openScale's): 75.050 kg, state 01 settling.
  o = ffb2("071000a2012501252a0000000000000000000038", "FG2211WBF");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 75.05);
  EXPECT_FALSE(o.reading.stabilized);
}

TEST(DrTrust, TheChecksumIsTheLowFiveBitsOfByte19) {
  // The capture's frames: byte 19 = 0x2A and 0x38 carry 0x0A and 0x18 = the sums mod 32 with bit 5 set.
  EXPECT_TRUE(drtrust::checksum_ok(hex("4d2300a76a96d1ff25012a3e000a00ce0b970b2a")));
  EXPECT_TRUE(drtrust::checksum_ok(hex("021a00b86a96d1e880f001b11770ac13880f0030")));
  EXPECT_TRUE(drtrust::checksum_ok(hex("011a00b86a96d1e880f001ac17709813880f0017")));
  EXPECT_EQ(ffb3("4d2300a76a96d1ff25012a3e000a00ce0b970b2b").status, DecodeStatus::bad_checksum);
}

TEST(DrTrust, LiveWeightIsStabilizedOnlyWhenLocked) {
  DecodeOutcome o = ffb2("050700a20300013ccc000000000000000000000e");  // layout: state 03
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 81.1);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(ffb2("040700a20100013ccc000000000000000000000c").reading.stabilized);  // 01: settling
}

TEST(DrTrust, AWeightPartOfAWeighingMadeNow) {
  DecodeOutcome o = ffb3(kWeightPart);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 81.1);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2024-03-17T19:59:33Z");
  EXPECT_FALSE(o.reading.impedance_ohm);  // that is in part 01
}

TEST(DrTrust, SegmentsGiveTheFootToFootImpedance) {
  auto z = drtrust::segments(hex(kSegmentPart));
  ASSERT_TRUE(z);
  EXPECT_DOUBLE_EQ((*z)[0], 287.0);
  EXPECT_DOUBLE_EQ((*z)[2], 42.4);  // Z3, the trunk
  EXPECT_DOUBLE_EQ((*z)[7], 595.0);
  EXPECT_DOUBLE_EQ(*drtrust::foot_to_foot(*z), 502.4);  // Z3 + Z4 + Z5
  // 0xFFFF placeholders and a segment without contact are no impedance.
  EXPECT_FALSE(drtrust::foot_to_foot(*drtrust::segments(hex("5b2301ffffffffffffffffffffffffffffffff10"))));
  EXPECT_FALSE(drtrust::foot_to_foot(*drtrust::segments(hex("5b2301360b450b0000f2080609b80bea0b3e1707"))));
  EXPECT_FALSE(drtrust::segments(hex("5b2301360b450ba801f2080609b80bea0b3e1711")));  // checksum
}

TEST(DrTrust, FramesWithoutAWeighingOfNowAreNamedRejections) {
  EXPECT_EQ(ffb3("5b2300a465f74ba500013ccc000001a911801105").status, DecodeStatus::unsupported_frame);  // replay A4
  EXPECT_EQ(ffb3(kSegmentPart).status, DecodeStatus::unsupported_frame);
  EXPECT_EQ(ffb3("5b23020000000000000000000000000000000000").status, DecodeStatus::unsupported_frame);  // end
  EXPECT_EQ(ffb3("5b18000000000000000000000000000000000000").status, DecodeStatus::unsupported_frame);  // setup
  EXPECT_EQ(ffb3("5b2300a365f74ba500000000000001a91180111b").status, DecodeStatus::invalid_value);    // 0 g
  EXPECT_EQ(ffb3("5b2300a365f74ba500013ccc000001a9118011").status, DecodeStatus::wrong_length);
  // The Robi S9's A3 result (openScale RobiS9HandlerTest) is icomon-ffb0's, not this family's.
  EXPECT_EQ(ffb3("030800a300012dc2000000000000000000000013", "").status, DecodeStatus::not_this_device);
}

TEST(DrTrust, IcomonRefusesItsFramesEvenFromANamelessDevice) {
  // Without a name both families on 0xFFB3 are tried: only this one decodes the 0x23 frames.
  DecodeOutcome icomon = gatt("icomon-ffb0", 0xFFB3, kWeightPart);
  EXPECT_EQ(icomon.status, DecodeStatus::not_this_device) << icomon.detail;
  EXPECT_TRUE(gatt(kId, 0xFFB3, kWeightPart).ok());
  EXPECT_FALSE(gatt("icomon-ffb0", 0xFFB3, "4d2300a76a96d1ff25012a3e000a00ce0b970b2a").ok());
}

TEST(DrTrust, TheAppsFramesAreTheCapturesAndOpenScales) {
  // The capture's app id frame and its first frame (session 00), byte for byte.
  EXPECT_EQ(drtrust::app_id_frame(1), hex("011a010000000669636f6d6f6e0000000000000b"));
  EXPECT_EQ(drtrust::session_frame(0), hex("000300b000000000000000000000000000000010"));
  EXPECT_EQ(to_hex(drtrust::teardown_frame(0x5B)), "040300b05b00000000000000000000000000000b");
  // The profile of the capture's person (172 cm, 24): time, height and age where the capture has
  // them. Bytes 8-10 are openScale's 01 4A 01 (this unit's app wrote 80 F0 01; their meaning is
  // not known).
  const Bytes ours = drtrust::profile_frame(1, 0x6A96D1E8, 172, 24);
  const Bytes real = hex("011a00b86a96d1e880f001ac17709813880f0017");
  for (std::size_t i = 0; i < 19; ++i)
    if (i < 8 || i > 10) {
      EXPECT_EQ(ours[i], real[i]) << "byte " << i;
    }
  EXPECT_EQ(to_hex(Bytes(ours.begin() + 8, ours.begin() + 11)), "014a01");
  EXPECT_TRUE(drtrust::checksum_ok(ours));
}

TEST(DrTrust, ItsNamesAreItsAloneOnTheSharedService) {
  using V = std::vector<std::string>;
  EXPECT_EQ(claimant_ids(named("SSW532", {0xFFB0})), V{kId});
  EXPECT_EQ(claimant_ids(named("FG2211WB", {0xFFB0})), V{kId});
  EXPECT_EQ(claimant_ids(named("ICOMON FG2211", {0xFFB0})), V{kId});  // not mgb's "icomon" either
  EXPECT_EQ(claimant_ids(named("Crenot Gofit S2", {0xFFB0})), V{"icomon-ffb0"});
  EXPECT_EQ(claimant_ids(named("FG2210LB", {0xFFB0})), V{"icomon-ffb0"});
  EXPECT_EQ(claimant_ids(named("", {0xFFB0})), (V{"icomon-ffb0", "mgb"}));  // a nameless one is not this scale
  const V other = claimant_ids(named("SSW532", {0x181D}));  // another service: not this protocol
  EXPECT_EQ(std::find(other.begin(), other.end(), kId), other.end());
}

TEST(DrTrustConversation, SessionProfileResultWithSegmentsThenTeardown) {
  SimOptions o;
  o.weight_kg = 81.1;
  o.impedance_ohm = 538;
  SimulatorLink link(drtrust_device().simulator->create(o));
  ConversationContext c = context_for(link, nullptr);
  Person sam = test::sam();
  c.person = sam;
  std::vector<std::string> told;
  SessionOptions options;
  options.tell = [&](const std::string& m) { told.push_back(m); };
  const SessionResult r = SessionRunner(link, options).run(drtrust_device().conversation->build(c));
  ASSERT_EQ(r.readings.size(), 1u);
  const Reading& reading = r.readings[0].reading;
  EXPECT_STREQ(reading.model, kId);
  EXPECT_DOUBLE_EQ(*reading.weight_kg, 81.1);
  EXPECT_DOUBLE_EQ(*reading.impedance_ohm, 538);
  EXPECT_TRUE(reading.stabilized);
  ASSERT_TRUE(reading.device_time);
  EXPECT_NEAR(unix_from_civil(reading.device_time->civil), link.unix_now(), 5);  // the clock the profile set
  EXPECT_EQ(r.readings[0].raw.size(), 40u);  // part 00 and part 01
  ASSERT_FALSE(told.empty());
  EXPECT_EQ(told[0], "step on the scale");

  // The app's four frames: the session id the scale gave, sam's height and age, the teardown.
  const auto& w = link.writes();
  ASSERT_EQ(w.size(), 4u);
  const std::uint8_t session = w[0].value[4];
  EXPECT_EQ(w[0].value, drtrust::session_frame(session));
  EXPECT_EQ(w[1].value[3], 0xB8);
  EXPECT_EQ(w[1].value[11], 168);
  EXPECT_EQ(w[1].value[14], 0x80 | 35);  // 35 on 2024-03-17
  EXPECT_EQ(w[2].value, drtrust::app_id_frame(1));
  EXPECT_EQ(w[3].value, drtrust::teardown_frame(session));
  for (const auto& write : w) EXPECT_EQ(write.mode, WriteMode::with_response);
}

TEST(DrTrustConversation, WithoutTheHandlesTheWeightAloneWhenThePersonStepsOff) {
  SimOptions o;
  o.weight_kg = 64.3;
  o.impedance_ohm = 0;  // the handles not held: no part 01
  SimulatorLink link(drtrust_device().simulator->create(o));
  const auto start = link.now();
  const SessionResult r = SessionRunner(link).run(drtrust_device().conversation->build(context_for(link, nullptr)));
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.weight_kg, 64.3);
  EXPECT_FALSE(r.readings[0].reading.impedance_ohm);
  // The simulated person stepped off 1.5 s after the end marker: no need to wait the 5 s.
  EXPECT_LT(link.now() - start, std::chrono::seconds(5));
  EXPECT_EQ(link.writes().back().value[0], 0x04);  // the teardown
}

TEST(DrTrustConversation, AStoredWeighingReplayedIsAcknowledgedAndSkipped) {
  SimOptions o;
  o.weight_kg = 70.2;
  SimulatorLink link(drtrust_device().simulator->create(o));
  // An app that left without the teardown: the scale keeps that weighing.
  Conversation rude = drtrust_device().conversation->build(context_for(link, nullptr));
  rude.steps.pop_back();
  ASSERT_EQ(SessionRunner(link).run(rude).readings.size(), 1u);
  const std::size_t before = link.writes().size();

  const SessionResult r = SessionRunner(link).run(drtrust_device().conversation->build(context_for(link, nullptr)));
  ASSERT_EQ(r.readings.size(), 1u) << "the replay was taken as a weighing";
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.weight_kg, 70.2);
  // session, profile, app id, the replay's acknowledgement, then the weighing's teardown.
  ASSERT_EQ(link.writes().size() - before, 5u);
  EXPECT_EQ(link.writes()[before + 3].value[0], 0x04);
  EXPECT_EQ(link.writes()[before + 4].value[0], 0x04);
}

TEST(DrTrustSimulator, IgnoresAProfileWithABadChecksumOrAnotherSession) {
  SimulatorLink link(drtrust_device().simulator->create({}));
  link.connect(std::chrono::seconds(1));
  link.subscribe(Uuid::from16(0xFFB3));
  auto setup0 = link.next_value(GattLink::Clock::now() + std::chrono::seconds(1));
  ASSERT_TRUE(setup0);
  const std::uint8_t session = setup0->value[0];
  link.subscribe(Uuid::from16(0xFFB2));
  ASSERT_TRUE(link.next_value(GattLink::Clock::now() + std::chrono::seconds(1)));  // setup frame 1
  const Uuid command = Uuid::from16(0xFFB1);
  Bytes profile = drtrust::profile_frame(1, 1710705573, 170, 30);
  profile[19] ^= 0x01;  // a wrong checksum
  link.write(command, drtrust::session_frame(static_cast<std::uint8_t>(session + 1)), WriteMode::with_response);
  link.write(command, profile, WriteMode::with_response);
  link.write(command, drtrust::app_id_frame(1), WriteMode::with_response);
  EXPECT_FALSE(link.next_value(GattLink::Clock::now() + std::chrono::seconds(3))) << "it weighed without a profile";
  // Right, it weighs.
  link.write(command, drtrust::session_frame(session), WriteMode::with_response);
  link.write(command, drtrust::profile_frame(1, 1710705573, 170, 30), WriteMode::with_response);
  EXPECT_TRUE(link.next_value(GattLink::Clock::now() + std::chrono::seconds(3)));
}

TEST(DrTrustConversation, HandlesTakenWithinFiveSecondsGiveTheImpedance) {
  using namespace std::chrono_literals;
  const Uuid result = Uuid::from16(0xFFB3);
  SimulatorLink link(scripted({{2400ms, result, hex("5b2300a765f74ba500013ccc000001a911801108")},
                               {2500ms, result, hex(kSegmentPart)},
                               {2600ms, result, hex("5b23020000000000000000000000000000000000")}}));
  const SessionResult r = SessionRunner(link).run(drtrust_device().conversation->build(context_for(link, nullptr)));
  ASSERT_EQ(r.readings.size(), 1u) << "the weight alone was kept as well";
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.weight_kg, 81.1);
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.impedance_ohm, 502.4);
  EXPECT_EQ(link.writes().back().value, drtrust::teardown_frame(0x5B));
}

TEST(DrTrustConversation, NoHandlesAndNoSteppingOffKeepsTheWeightAloneAfterFiveSeconds) {
  SimulatorLink link(scripted({}));
  const SessionResult r = SessionRunner(link).run(drtrust_device().conversation->build(context_for(link, nullptr)));
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.weight_kg, 81.1);
  EXPECT_FALSE(r.readings[0].reading.impedance_ohm);
  EXPECT_GE(link.now(), std::chrono::seconds(5));  // it waited for the handles
}

TEST(DrTrustConversation, AResultWithoutALockedLiveWeightIsNotTaken) {
  // The result of a weighing made now, but no live weight locked on this connection: openScale
  // treats it as not this weighing's, acknowledges it, and waits on. Nothing else comes here.
  SimulatorLink link(scripted({}, "040700a20100013ccc000000000000000000000c"));  // settling, never locked
  SessionOptions options;
  options.gate_timeout_scale = 0.1;
  EXPECT_THROW(SessionRunner(link, options).run(drtrust_device().conversation->build(context_for(link, nullptr))),
               SessionError);
  bool acknowledged = false;
  for (const auto& w : link.writes()) acknowledged |= w.value == drtrust::teardown_frame(0x5B);
  EXPECT_TRUE(acknowledged);
}
