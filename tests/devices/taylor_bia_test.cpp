// Taylor 5331891 BIA: the weights of openScale's TaylorBIAHandlerTest.kt (bytes 3..5 of real
// frames from the btsnoop captures of openScale pull request #1393: 77.650 kg = the user's
// 171.2 lb, 78.400 kg = the app's 173.0 lb, the idle frame; and two constructed values,
// 8D 00 00 = 65.536 kg and 8C 9C 40 = 40.000 kg), completed into whole 20-byte frames from the
// handler's documented layout; the refusals; the names, which mgb and icomon-ffb0 leave alone;
// and the conversation against the simulator.
#include "device_test_util.hpp"
#include "devices/icomon/protocol.hpp"
#include "link/session.hpp"
#include "link/simulator_link.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {

// A 20-byte frame: AC 27 <flag> <chan hi lo> and the captures' tail (its last byte unchecked).
std::string frame(std::string_view flag_chan_hi_lo) {
  return "ac27" + std::string(flag_chan_hi_lo) + "020000010000000000000024d500";
}

DecodeOutcome taylor(const std::string& hex, std::string name = "5331891 BIA Scale") {
  return gatt("taylor-bia", 0xFFB2, hex, std::move(name));
}

}  // namespace

TEST(TaylorBia, TheCapturedWeighInsInGrams) {
  DecodeOutcome o = taylor(frame("808d2f52"));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 77.650, 1e-9);
  EXPECT_NEAR(*o.reading.weight_kg / 0.45359237, 171.2, 0.05);  // the user's 171.2 lb
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.impedance_ohm);  // weight only over Bluetooth
  EXPECT_FALSE(o.reading.user_slot);

  o = taylor(frame("808d3240"));
  ASSERT_TRUE(o.ok());
  EXPECT_NEAR(*o.reading.weight_kg, 78.400, 1e-9);
  EXPECT_NEAR(*o.reading.weight_kg / 0.45359237, 173.0, 0.2);  // the app showed 173.0 lb
}

TEST(TaylorBia, TheChannelsLowBitIsBitSixteen) {
  DecodeOutcome o = taylor(frame("008d0000"));
  ASSERT_TRUE(o.ok());
  EXPECT_NEAR(*o.reading.weight_kg, 65.536, 1e-9);
  EXPECT_FALSE(o.reading.stabilized);  // a live frame
  o = taylor(frame("008c9c40"));
  ASSERT_TRUE(o.ok());
  EXPECT_NEAR(*o.reading.weight_kg, 40.000, 1e-9);
}

// The ALPHA Smart Scale PRO 3 (MY_SCALE) and the Runstar R5 send the same frames with another
// precision in the packed weight's top byte (68/69, not 8C/8D): the frames as logged in openScale
// issue #1358 (the ALPHA, the person stepping on) and #1443 (an R5, idle).
TEST(TaylorBia, TheAlphaAndTheRunstarR5SendTheSameFramesWithAnotherPrecision) {
  DecodeOutcome o = taylor("ac270068e3620200300100000000000000" "24d519", "MY_SCALE");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 58.210, 1e-9);
  EXPECT_FALSE(o.reading.stabilized);
  o = taylor("ac2700695bc60200300100000000000000" "24d516", "MY_SCALE");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 89.030, 1e-9);  // #1534: that user weighs about 88.97 kg
  EXPECT_EQ(taylor("ac27006800000200000100000000000000" "02d502", "RUNSTAR-R5").status, DecodeStatus::invalid_value);

  // Both are this family's, not mgb's or icomon-ffb0's (which took them by service or name).
  for (const char* name : {"MY_SCALE", "RUNSTAR-R5", "Runstar-RX"}) {
    Advertisement a;
    a.name = name;
    a.service_uuids = {Uuid::from16(0xFFB0)};
    const auto who = builtin_registry().claimants(a);
    ASSERT_EQ(who.size(), 1u) << name;
    EXPECT_EQ(who[0]->id, "taylor-bia") << name;
  }
}

TEST(TaylorBia, TheSummaryEchoesTheLockedWeight) {
  // AC 27 01 00 02 <idx> 01 80 <chan hi lo> 00 …: the weight at bytes 8..10.
  DecodeOutcome o = taylor("ac27010002030180" "8d2f52" "000000000000000000");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 77.650, 1e-9);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(TaylorBia, TheIdleFrameAndOtherFramesAreNoWeighing) {
  DecodeOutcome o = taylor(frame("008c0000"));  // nobody on the scale
  EXPECT_EQ(o.status, DecodeStatus::invalid_value);
  EXPECT_NE(std::string_view(o.detail).find("nobody"), std::string_view::npos);
  EXPECT_EQ(taylor(frame("428d2f52")).status, DecodeStatus::unsupported_frame);  // unknown flag
  EXPECT_EQ(taylor("ac27808d2f52").status, DecodeStatus::wrong_length);
  EXPECT_EQ(taylor("ac0203490000ca16").status, DecodeStatus::not_this_device);  // an MGB frame
}

TEST(TaylorBia, ItsNamesAreItsAloneThoughItAdvertises0xFFB0) {
  for (const char* name : {"5331891 BIA Scale", "5331891", "bia scale"}) {
    Advertisement a;
    a.name = name;
    a.service_uuids = {Uuid::from16(0xFFB0)};
    const auto who = builtin_registry().claimants(a);
    ASSERT_EQ(who.size(), 1u) << name;
    EXPECT_EQ(who[0]->id, "taylor-bia");
    EXPECT_EQ(builtin_registry().conversation_for(a)->id, "taylor-bia");
  }
  // Other 0xFFB0 scales stay the other families'.
  Advertisement swan;
  swan.name = "SWAN";
  swan.service_uuids = {Uuid::from16(0xFFB0)};
  EXPECT_EQ(builtin_registry().conversation_for(swan)->id, "mgb");
  // Named, its frames are offered to it alone: no other family's verdict on them.
  GattValue v;
  v.characteristic = Uuid::from16(0xFFB2);
  v.value = hex(frame("808d2f52"));
  v.device_name = "5331891 BIA Scale";
  std::vector<std::string> tried;
  builtin_registry().decode_gatt(v, [&](const DeviceDescriptor& d, const DecodeOutcome&) { tried.push_back(d.id); });
  EXPECT_EQ(tried, std::vector<std::string>{"taylor-bia"});
}

// The conversation against the simulator.
namespace {

SessionResult converse(SimulatorLink& link, const ConversationContext& c) {
  return SessionRunner(link, SessionOptions{}).run(family("taylor-bia").conversation->build(c));
}

// A scale whose person keeps shifting: no value repeats, then the scale locks the weight.
class ShiftingScale : public SimulatedDevice {
 public:
  ShiftingScale() : SimulatedDevice(SimOptions{}) {}
  std::string_view kind() const override { return "shifting"; }
  MacAddress address() const override { return *MacAddress::parse("A4:C1:38:5A:16:22"); }
  AdvertData advert() const override { return {.name = "5331891 BIA Scale", .service_uuids = {Uuid::from16(0xFFB0)}}; }
  std::vector<SimService> gatt() const override {
    return {{Uuid::from16(0xFFB0), {{Uuid::from16(0xFFB1), kWrite, {}}, {Uuid::from16(0xFFB2), kNotify, {}}}}};
  }
  void on_write(const Uuid&, const Bytes& v, bool) override {
    if (v.size() != 8 || v[2] != 0xFE) return;
    int ms = 100;
    for (const char* f : {"008d2f50", "008d2f54", "008d2f51", "008d2f53", "808d2f52"}) {
      Bytes b = hex(frame(f));
      host().after(std::chrono::milliseconds(ms += 100), [this, b] { host().notify(Uuid::from16(0xFFB2), b); });
    }
  }
};

}  // namespace

TEST(TaylorBiaConversation, TheHandshakeThenTheSettledWeight) {
  SimOptions o;
  o.weight_kg = 81.1;
  SimulatorLink link(family("taylor-bia").simulator->create(o));
  ConversationContext c = context_for(link, std::make_shared<DeviceMemory>());
  Person sam = test::sam();
  sam.unit = WeightUnit::lb;
  c.person = sam;
  SessionResult r = converse(link, c);
  ASSERT_EQ(r.readings.size(), 1u);
  const Reading& reading = r.readings[0].reading;
  EXPECT_EQ(std::string_view(reading.model), "taylor-bia");
  EXPECT_NEAR(*reading.weight_kg, 81.1, 1e-9);  // grams: no rounding to the display unit
  EXPECT_TRUE(reading.stabilized);
  EXPECT_EQ(reading.unit, WeightUnit::lb);  // what the scale was told to show
  // Final on the fourth identical live frame: the scale mostly sends no locked frame.
  const Bytes& raw = r.readings[0].raw;
  ASSERT_EQ(raw.size(), 20u);
  EXPECT_EQ(Bytes(raw.begin(), raw.begin() + 6), hex("ac27008d3ccc"));  // live flag 00, 0x13CCC g
  // The handshake: the person (female, her age, 168 cm) and pounds, written with response.
  bool told_person = false, told_lb = false;
  for (const auto& w : link.writes()) {
    EXPECT_EQ(w.characteristic, Uuid::from16(0xFFB1));
    EXPECT_EQ(w.mode, WriteMode::with_response);
    told_person |= w.value.size() == 8 && w.value[2] == 0xFB && w.value[3] == 2 && w.value[5] == 168;
    told_lb |= w.value == icomon::build_mgb_command(0xFE, 6, 1, 0);
  }
  EXPECT_TRUE(told_person);
  EXPECT_TRUE(told_lb);
}

TEST(TaylorBiaConversation, ALockedFrameEndsAWeighingThatNeverRepeats) {
  SimulatorLink link(std::make_unique<ShiftingScale>());
  SessionResult r = converse(link, context_for(link, std::make_shared<DeviceMemory>()));
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_NEAR(*r.readings[0].reading.weight_kg, 77.650, 1e-9);
  EXPECT_EQ(r.readings[0].reading.unit, WeightUnit::kg);
}
