// Beurer/Sanitas on Beurer's own protocol (BF700/BF710/SBF70...). Real frames: a Sanitas SBF70's
// live weights and an unregistered person's measurement part (ble-scale-sync issue #112), and a
// whole measurement from the official app's HCI snoop (issue #211), as ble-scale-sync
// tests/scales/beurer-sanitas.test.ts holds them with the values it reads. The conversation is
// tried against the simulator, which sends each part only once the one before is acknowledged.
#include "device_test_util.hpp"
#include "link/simulator_link.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome ffe1(std::string_view hex_value, std::string name = "SANITAS SBF70") {
  return gatt("beurer-sanitas-bf700", 0xFFE1, hex_value, std::move(name));
}

// The frames of issue #211's SBF70, played back in their order: each measurement part only once
// the app acknowledged the one before, as the scale does. (The live weights are #112's.)
class RecordedSbf70 : public SimulatedDevice {
 public:
  explicit RecordedSbf70(bool registered) : SimulatedDevice(SimOptions{}), registered_(registered) {}
  std::string_view kind() const override { return "recorded-sbf70"; }
  MacAddress address() const override { return *MacAddress::parse("C4:B9:64:70:00:02"); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = "SANITAS SBF70";
    a.service_uuids = {Uuid::from16(0xFFE0)};
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{Uuid::from16(0xFFE0), {{Uuid::from16(0xFFE1), kNotify | kWrite, {}}}}};
  }
  void on_write(const Uuid&, const Bytes& v, bool) override {
    if (v == hex("e601")) send(100, hex("e600"));
    if (!v.empty() && v[0] == 0xE9) {
      send(300, hex("e75801012b"));
      send(600, hex("e75801085e"));
      send(900, hex("e75801085f"));
      send(1200, hex("e75801085e"));
      send(2000, hex("e7590301010000000000000065"));
    }
    if (v == hex("e7f1590301"))
      send(100, registered_ ? hex("e75903026a21f4c6068701b500df02") : hex("e75903026a21f4c6000000000000000000"));
    if (v == hex("e7f1590302"))
      send(100, registered_ ? hex("e7590303 09018d00e907170aa20108") : hex("e7590303 0000000000000000000000"));
  }

 private:
  void send(int ms, Bytes value) {
    host().after(std::chrono::milliseconds(ms), [this, value] { host().notify(Uuid::from16(0xFFE1), value); });
  }
  bool registered_;
};

struct Talk {
  SimulatorLink link;
  SessionResult result;
  std::int64_t started = 0;
};
Talk talk(std::unique_ptr<SimulatedDevice> device) {
  Talk t{SimulatorLink(std::move(device)), {}};
  const Advertisement advert = heard_advertisement(t.link.device().advert(), t.link.device().address());
  const DeviceDescriptor* d = builtin_registry().conversation_for(advert, true);
  EXPECT_NE(d, nullptr);
  if (!d) return t;
  EXPECT_EQ(d->id, "beurer-sanitas-bf700");
  ConversationContext c;
  c.advert = advert;
  c.unix_now = t.started = t.link.unix_now();
  SessionRunner runner(t.link);
  t.result = runner.run(d->conversation->build(c));
  return t;
}
}  // namespace

TEST(BeurerSanitasBf700, RealLiveWeightsOfAnSbf70) {
  // #112: E7 58 01 08 5E = 0x085E x 50 g = 107.1 kg, flag 01 (someone on the scale, not settled)
  DecodeOutcome o = ffe1("e75801085e");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 107.1);
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_DOUBLE_EQ(*ffe1("e75801012b").reading.weight_kg, 14.95);  // the capture's first, bogus, frame
  EXPECT_EQ(ffe1("e7580108").status, DecodeStatus::wrong_length);
  EXPECT_EQ(ffe1("e75801ffff").status, DecodeStatus::invalid_value);  // 3276.75 kg
}

TEST(BeurerSanitasBf700, MeasurementPartsAloneAreNoReading) {
  // #112 and #211: part 1 of 3, the scale's user (0x65)
  EXPECT_EQ(ffe1("e7590301010000000000000065").status, DecodeStatus::unsupported_frame);
}

TEST(BeurerSanitasBf700, TheModelsStartBytesAreTheirOwn) {
  // a BF700/BF800 speaks F7: an E7 frame from a device named so is not its frame, and back
  EXPECT_EQ(ffe1("e75801085e", "BEURER BF800").status, DecodeStatus::not_this_device);
  DecodeOutcome f7 = ffe1("f75800085e", "BEURER BF800");  // layout: the same weight, settled
  ASSERT_TRUE(f7.ok()) << f7.detail;
  EXPECT_TRUE(f7.reading.stabilized);
  EXPECT_EQ(ffe1("f75801085e").status, DecodeStatus::not_this_device);
}

TEST(BeurerSanitasBf700, TheRealMeasurementOfIssue211ThroughTheConversation) {
  Talk t = talk(std::make_unique<RecordedSbf70>(true));
  ASSERT_EQ(t.result.readings.size(), 1u);
  const Reading& r = t.result.readings[0].reading;
  EXPECT_DOUBLE_EQ(*r.weight_kg, 83.55);
  EXPECT_DOUBLE_EQ(*r.impedance_ohm, 437);
  EXPECT_DOUBLE_EQ(metric(r, "fat_percent"), 22.3);
  EXPECT_DOUBLE_EQ(metric(r, "water_percent"), 52.1);
  EXPECT_DOUBLE_EQ(metric(r, "muscle_percent"), 39.7);
  EXPECT_TRUE(r.stabilized);
  EXPECT_EQ(iso8601(*r.device_time), "2026-06-04T21:57:26Z");
}

TEST(BeurerSanitasBf700, SomeoneTheScaleDoesNotKnowGetsTheLastLiveWeight) {
  // the same session with an empty measurement (no impedance, no composition): 107.1 kg, #112's
  Talk t = talk(std::make_unique<RecordedSbf70>(false));
  ASSERT_EQ(t.result.readings.size(), 1u);
  const Reading& r = t.result.readings[0].reading;
  EXPECT_DOUBLE_EQ(*r.weight_kg, 107.1);
  EXPECT_TRUE(r.stabilized);
  EXPECT_FALSE(r.impedance_ohm);
  EXPECT_EQ(metric(r, "fat_percent"), -1);
}

TEST(BeurerSanitasBf700, TheConversationWithTheSimulatorAcknowledgesEachPart) {
  SimOptions o;
  o.weight_kg = 83.55;
  o.impedance_ohm = 437;
  Talk t = talk(builtin_registry().find_simulator("beurer-sanitas-bf700")->create(o));
  ASSERT_EQ(t.result.readings.size(), 1u);
  const Reading& r = t.result.readings[0].reading;
  EXPECT_DOUBLE_EQ(*r.weight_kg, 83.55);
  EXPECT_DOUBLE_EQ(*r.impedance_ohm, 437);
  EXPECT_TRUE(r.stabilized);
  ASSERT_TRUE(r.device_time);
  EXPECT_GT(metric(r, "fat_percent"), 0);
  // init E6 01 first, then the time E9 <now>, then each part acknowledged E7 F1 59 03 <part>
  const auto& w = t.link.writes();
  ASSERT_GE(w.size(), 5u);
  EXPECT_EQ(w[0].value, hex("e601"));
  ASSERT_EQ(w[1].value.size(), 5u);
  EXPECT_EQ(w[1].value[0], 0xE9);
  EXPECT_EQ(be32(&w[1].value[1]), static_cast<std::uint32_t>(t.started));
  EXPECT_EQ(iso8601(*r.device_time), iso8601_utc_s(t.started));  // stamped with the clock it was given
  EXPECT_EQ(w[2].value, hex("e7f1590301"));
  EXPECT_EQ(w[3].value, hex("e7f1590302"));
  EXPECT_EQ(w[4].value, hex("e7f1590303"));
}
