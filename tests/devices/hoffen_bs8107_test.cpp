// Hoffen BS-8107 / ProfiCare PC-PW 3008 BT: every vector of openScale's
// HoffenBbs8107HandlerTest.kt (names the handler claims and refuses, in constructed adverts with
// the WeChat service 0xFEE7), the PC-PW's captured advert of openScale pull request #1476, and
// frames constructed from the layout of openScale's HoffenBbs8107Handler.kt (no frame of this
// scale is published): the final frame with and without the composition, its checksum in the
// next notification, live weights, refusals; then the conversation against the simulator.
#include "device_test_util.hpp"
#include "devices/hoffen_bs8107/protocol.hpp"
#include "link/session.hpp"
#include "link/simulator_link.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {

const Uuid kFee7 = Uuid::from16(0xFEE7);

Advertisement named(std::string name, std::vector<Uuid> services = {kFee7}) {
  Advertisement a;
  a.name = std::move(name);
  a.service_uuids = std::move(services);
  return a;
}

bool claimed_by_hoffen(const Advertisement& a) {
  for (const DeviceDescriptor* d : builtin_registry().claimants(a))
    if (d->id == "hoffen-bs8107") return true;
  return false;
}

// Constructed: 81.1 kg (811 = 2B 03), barefoot (00), fat 25.3 %, water 54.1 %, muscle 38.0 %,
// BMR 1650 kcal (72 06), bone 3.1 kg (1F), BMI 27.4 (12 01), visceral fat 9.5 (5F 00), body age
// 38 (26); FA 02 11 with 17 payload bytes, checksum A5 at byte 20.
constexpr const char* kFinal = "fa02112b0300fd001d027c0172061f12015f0026a5";

DecodeOutcome hoffen_frame(std::string_view hex_frame) {
  return gatt("hoffen-bs8107", 0xFFB2, hex_frame, "Hoffen BS-8107");
}

}  // namespace

TEST(HoffenBs8107, ClaimsTheHoffenAndTheProfiCareRebrand) {
  // HoffenBbs8107HandlerTest: "claims the Hoffen BBS-8107", "claims the ProfiCare PC-PW 3008 BT
  // rebrand under its own name" (both with 0xFEE7).
  for (const char* name : {"Hoffen BS-8107", "PC-PW 3008 BT"}) {
    const auto who = builtin_registry().claimants(named(name));
    ASSERT_EQ(who.size(), 1u) << name;
    EXPECT_EQ(who[0]->id, "hoffen-bs8107");
    EXPECT_EQ(builtin_registry().conversation_for(named(name))->id, "hoffen-bs8107");
  }
}

TEST(HoffenBs8107, MatchesRegardlessOfCaseAndSurroundingWhitespace) {
  // HoffenBbs8107HandlerTest: no service advertised at all.
  EXPECT_TRUE(claimed_by_hoffen(named("pc-pw 3008 bt", {})));
  EXPECT_TRUE(claimed_by_hoffen(named(" PC-PW 3008 BT ", {})));
  EXPECT_TRUE(claimed_by_hoffen(named("HOFFEN bs-8107", {})));
}

TEST(HoffenBs8107, TheWeChatServiceAloneClaimsNothing) {
  // HoffenBbs8107HandlerTest: "does not claim other devices advertising the generic WeChat
  // service" and "does not claim a similarly named but different model".
  EXPECT_FALSE(claimed_by_hoffen(named("MI Band 5")));
  EXPECT_FALSE(claimed_by_hoffen(named("")));
  EXPECT_FALSE(claimed_by_hoffen(named("PC-PW 3007 BT", {})));
  EXPECT_FALSE(claimed_by_hoffen(named("PC-PW 3008", {})));
  EXPECT_FALSE(claimed_by_hoffen(named("Hoffen BS-8107 Pro", {})));
}

TEST(HoffenBs8107, TheCapturedProfiCareAdvertIsItsAlone) {
  // openScale pull request #1476: 02 01 06 | 03 02 E7 FE | 0E 09 "PC-PW 3008 BT" |
  // 09 FF 31 01 6A 2B 00 00 A6 BC.
  Advertisement a = named("PC-PW 3008 BT");
  a.manufacturer_data.emplace_back(0x0131, hex("6a2b0000a6bc"));
  const auto who = builtin_registry().claimants(a);
  ASSERT_EQ(who.size(), 1u);
  EXPECT_EQ(who[0]->id, "hoffen-bs8107");
}

TEST(HoffenBs8107, ItsNamesAreItsAloneThoughItTalksOn0xFFB0) {
  // Should a unit advertise its 0xFFB0 too, icomon-ffb0 and mgb (any 0xFFB0 device) leave it.
  for (const char* name : {"Hoffen BS-8107", "PC-PW 3008 BT"}) {
    const auto who = builtin_registry().claimants(named(name, {Uuid::from16(0xFFB0), kFee7}));
    ASSERT_EQ(who.size(), 1u) << name;
    EXPECT_EQ(who[0]->id, "hoffen-bs8107");
  }
  // Named, its frames are offered to it alone: no other 0xFFB2 family's verdict on them.
  GattValue v;
  v.characteristic = Uuid::from16(0xFFB2);
  v.value = hex(kFinal);
  v.device_name = "Hoffen BS-8107";
  std::vector<std::string> tried;
  builtin_registry().decode_gatt(v, [&](const DeviceDescriptor& d, const DecodeOutcome&) { tried.push_back(d.id); });
  EXPECT_EQ(tried, std::vector<std::string>{"hoffen-bs8107"});
}

TEST(HoffenBs8107, TheFinalFrameWithTheScalesComposition) {
  DecodeOutcome o = hoffen_frame(kFinal);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_STREQ(o.reading.model, "hoffen-bs8107");
  EXPECT_NEAR(*o.reading.weight_kg, 81.1, 1e-9);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_EQ(o.reading.unit, WeightUnit::kg);
  EXPECT_NEAR(metric(o.reading, "fat_percent"), 25.3, 1e-9);
  EXPECT_NEAR(metric(o.reading, "water_percent"), 54.1, 1e-9);
  EXPECT_NEAR(metric(o.reading, "muscle_percent"), 38.0, 1e-9);
  EXPECT_NEAR(metric(o.reading, "bone_kg"), 3.1, 1e-9);
  EXPECT_NEAR(metric(o.reading, "visceral_fat"), 9.5, 1e-9);
  EXPECT_EQ(o.reading.device_metric_count, 5u);  // BMR, BMI and body age stay raw
  EXPECT_FALSE(o.reading.user_slot);             // the scale has no users
  EXPECT_FALSE(o.reading.impedance_ohm);         // it never sends one
}

TEST(HoffenBs8107, ShodTheFinalFrameIsTheWeightAlone) {
  DecodeOutcome o = hoffen_frame("fa02032b03042d");  // constructed: 81.1 kg, marker 04
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 81.1, 1e-9);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_EQ(o.reading.device_metric_count, 0u);
  // Barefoot, but the scale's composition is zeros (no contact after all): nothing is made of them.
  o = hoffen_frame("fa0211" "2b0300" "0000000000000000000000000000" "3b");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_EQ(o.reading.device_metric_count, 0u);
}

TEST(HoffenBs8107, LiveWeightsAreNotFinal) {
  DecodeOutcome o = hoffen_frame("fa0103002b032a");  // constructed: 81.1 kg at bytes 4-5
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 81.1, 1e-9);
  EXPECT_FALSE(o.reading.stabilized);
  o = hoffen_frame("fa0103000e010d");  // 27.0 kg: still stepping on
  ASSERT_TRUE(o.ok());
  EXPECT_NEAR(*o.reading.weight_kg, 27.0, 1e-9);
}

TEST(HoffenBs8107, PoundsForLbAndStone) {
  // Constructed: 178.8 lb (1788 = FC 06), which the scale sends for lb and st alike.
  const Bytes f = hex("fa0211fc0600fd001d027c0172061f12015f002677");
  for (WeightUnit told : {WeightUnit::lb, WeightUnit::st}) {
    DecodeOutcome o = hoffen::decode_frame(f, told);
    ASSERT_TRUE(o.ok()) << o.detail;
    EXPECT_NEAR(*o.reading.weight_kg, 178.8 * 0.45359237, 1e-9);
    EXPECT_EQ(o.reading.unit, told);
  }
}

TEST(HoffenBs8107, AFinalFrameWithoutItsChecksumWaitsForIt) {
  const std::string whole = kFinal;
  DecodeOutcome o = hoffen_frame(whole.substr(0, 40));  // the first 20 bytes, as notified
  EXPECT_EQ(o.status, DecodeStatus::wrong_length);
  EXPECT_NE(std::string_view(o.detail).find("next notification"), std::string_view::npos) << o.detail;
  EXPECT_EQ(hoffen::frame_state(hex(whole.substr(0, 40))), hoffen::FrameState::checksum_follows);
  EXPECT_EQ(hoffen::frame_state(hex(whole)), hoffen::FrameState::whole);
}

TEST(HoffenBs8107, ABadChecksumIsRefusedWithAReason) {
  DecodeOutcome o = hoffen_frame("fa02112b0300fd001d027c0172061f12015f0026a4");
  EXPECT_EQ(o.status, DecodeStatus::bad_checksum);
  EXPECT_NE(std::string_view(o.detail).find("XOR"), std::string_view::npos) << o.detail;
  EXPECT_EQ(hoffen_frame("fa0103002b032b").status, DecodeStatus::bad_checksum);  // a live one too
  EXPECT_EQ(hoffen::frame_state(hex("fa0103002b032b")), hoffen::FrameState::bad);
}

TEST(HoffenBs8107, OtherFramesAreNamedRefusals) {
  EXPECT_EQ(hoffen_frame("fa03018587").status, DecodeStatus::unsupported_frame);      // an ack
  EXPECT_EQ(hoffen_frame("fa020300000001").status, DecodeStatus::invalid_value);     // 0 kg
  EXPECT_EQ(hoffen_frame("fa0203ffff0405").status, DecodeStatus::invalid_value);     // 6553.5 kg
  EXPECT_EQ(hoffen_frame("fa0204002b032a").status, DecodeStatus::wrong_length);      // size byte 4, 3 given
  EXPECT_EQ(hoffen_frame("fa0100").status, DecodeStatus::wrong_length);
  EXPECT_EQ(hoffen_frame("ac0203490000ca16").status, DecodeStatus::not_this_device);  // an MGB frame
}

TEST(HoffenBs8107, TheAppsFramesByteForByte) {
  // FA 85 04 00 <female 00> <38> <168 = A8> <xor 0F>; FA 83 02 <lb 02> 00 <83>; FA 82 01 00 <83>.
  EXPECT_EQ(hoffen::user_frame(false, 38, 168), hex("fa85040000 26a80f"));
  EXPECT_EQ(hoffen::user_frame(true, 30, 170), hex("fa85040001 1eaa34"));
  EXPECT_EQ(hoffen::unit_frame(WeightUnit::kg), hex("fa8302010080"));
  EXPECT_EQ(hoffen::unit_frame(WeightUnit::lb), hex("fa8302020083"));
  EXPECT_EQ(hoffen::unit_frame(WeightUnit::st), hex("fa8302030082"));
  EXPECT_EQ(hoffen::done_frame(), hex("fa82010083"));
}

// The conversation against the simulator.
namespace {

struct Weighing {
  SessionResult result;
  std::vector<Bytes> notified;            // every value of the scale, as the conversation heard it
  std::vector<std::string> told;          // what the person was told
  std::vector<SimulatorLink::Write> writes;
};

Weighing weigh(std::unique_ptr<SimulatedDevice> device, std::optional<Person> person) {
  SimulatorLink link(std::move(device));
  ConversationContext c = context_for(link, std::make_shared<DeviceMemory>());
  c.person = std::move(person);
  Weighing w;
  SessionOptions options;
  options.tell = [&](const std::string& s) { w.told.push_back(s); };
  FrameHandlers handlers;
  handlers.on_gatt_value = [&](const GattValue& v) { w.notified.push_back(v.value); };
  w.result = SessionRunner(link, options).run(family("hoffen-bs8107").conversation->build(c), handlers);
  w.writes = link.writes();
  return w;
}

std::unique_ptr<SimulatedDevice> simulator(double kg, double ohm) {
  SimOptions o;
  o.weight_kg = kg;
  o.impedance_ohm = ohm;
  return family("hoffen-bs8107").simulator->create(o);
}

// A scale that sends scripted frames (hex, one notification each) once told the unit.
class ScriptedHoffen : public SimulatedDevice {
 public:
  explicit ScriptedHoffen(std::vector<std::string> frames) : SimulatedDevice(SimOptions{}), frames_(std::move(frames)) {}
  std::string_view kind() const override { return "scripted-hoffen"; }
  MacAddress address() const override { return *MacAddress::parse("C8:B2:1E:81:07:02"); }
  AdvertData advert() const override { return {.name = "PC-PW 3008 BT", .service_uuids = {Uuid::from16(0xFEE7)}}; }
  std::vector<SimService> gatt() const override {
    return {{Uuid::from16(0xFFB0), {{Uuid::from16(0xFFB2), kNotify | kWrite, {}}}}};
  }
  void on_write(const Uuid&, const Bytes& v, bool) override {
    if (v.size() < 2) return;
    const Uuid frames = Uuid::from16(0xFFB2);
    host().after(std::chrono::milliseconds(20), [this, frames, cmd = v[1]] { host().notify(frames, hoffen::frame(0x03, Bytes{cmd})); });
    if (v[1] != 0x83) return;
    int ms = 100;
    for (const std::string& f : frames_) {
      Bytes b = hex(f);
      host().after(std::chrono::milliseconds(ms += 50), [this, frames, b] { host().notify(frames, b); });
    }
  }

 private:
  std::vector<std::string> frames_;
};

}  // namespace

TEST(HoffenBs8107Conversation, ThePersonTheUnitThenTheFinalFrameInTwoNotifications) {
  Person sam = test::sam();  // female, 168 cm, 35 on the simulator's day (2024-03-17)
  Weighing w = weigh(simulator(81.1, 538), sam);
  ASSERT_EQ(w.result.readings.size(), 1u);
  const Reading& r = w.result.readings[0].reading;
  EXPECT_STREQ(r.model, "hoffen-bs8107");
  EXPECT_NEAR(*r.weight_kg, 81.1, 1e-9);  // the VM tier's weight, in kg: exact
  EXPECT_TRUE(r.stabilized);
  EXPECT_EQ(r.unit, WeightUnit::kg);
  EXPECT_TRUE(r.address);
  // The scale's own composition, computed from the person it was told.
  EXPECT_GT(metric(r, "fat_percent"), 10);
  EXPECT_GT(metric(r, "water_percent"), 30);
  EXPECT_GT(metric(r, "muscle_percent"), 20);
  EXPECT_GT(metric(r, "bone_kg"), 1);
  EXPECT_GT(metric(r, "visceral_fat"), 0);
  // The final frame came as 20 bytes and then its checksum alone; the reading's raw is both.
  ASSERT_GE(w.notified.size(), 2u);
  bool split = false;
  for (std::size_t i = 0; i + 1 < w.notified.size(); ++i)
    split |= w.notified[i].size() == 20 && w.notified[i][1] == 0x02 && w.notified[i + 1].size() == 1;
  EXPECT_TRUE(split);
  EXPECT_EQ(w.result.readings[0].raw.size(), 21u);
  // The scale answered the person first.
  EXPECT_EQ(w.notified.front(), hoffen::frame(0x03, Bytes{0x85}));  // the ack of the person
  // What the app wrote, in order, each with response: sam (female, 35, 168 cm), kg, the end.
  ASSERT_EQ(w.writes.size(), 3u);
  EXPECT_EQ(w.writes[0].value, hex("fa85040000 23a8 0a"));
  EXPECT_EQ(w.writes[1].value, hex("fa8302010080"));
  EXPECT_EQ(w.writes[2].value, hex("fa82010083"));
  for (const auto& write : w.writes) {
    EXPECT_EQ(write.characteristic, Uuid::from16(0xFFB2));
    EXPECT_EQ(write.mode, WriteMode::with_response);
  }
}

TEST(HoffenBs8107Conversation, InPoundsTheScaleCountsPounds) {
  Person sam = test::sam();
  sam.unit = WeightUnit::lb;
  Weighing w = weigh(simulator(81.1, 538), sam);
  ASSERT_EQ(w.result.readings.size(), 1u);
  const Reading& r = w.result.readings[0].reading;
  EXPECT_NEAR(*r.weight_kg, 178.8 * 0.45359237, 1e-9);  // 81.1 kg shown as 178.8 lb
  EXPECT_EQ(r.unit, WeightUnit::lb);
  EXPECT_EQ(w.writes[1].value, hex("fa8302020083"));
}

TEST(HoffenBs8107Conversation, ShodTheWeightAloneAndAnUnknownPersonIsANeutralAdult) {
  Weighing w = weigh(simulator(64.3, 0), std::nullopt);
  ASSERT_EQ(w.result.readings.size(), 1u);
  EXPECT_NEAR(*w.result.readings[0].reading.weight_kg, 64.3, 1e-9);
  EXPECT_EQ(w.result.readings[0].reading.device_metric_count, 0u);
  EXPECT_EQ(w.writes[0].value, hoffen::user_frame(true, 30, 170));
}

TEST(HoffenBs8107Conversation, AFinalFrameWhoseLateChecksumIsWrongIsRefused) {
  const std::string first20 = std::string(kFinal).substr(0, 40);
  // A live weight, the final frame with a wrong checksum after it, then the scale's next final
  // frame whole in one notification (a larger ATT MTU): only that one is the weighing.
  Weighing w = weigh(std::make_unique<ScriptedHoffen>(std::vector<std::string>{
                         "fa0103002b032a", first20, "a4", "fa0211fc0600fd001d027c0172061f12015f002677"}),
                     std::nullopt);
  ASSERT_EQ(w.result.readings.size(), 1u);
  EXPECT_NEAR(*w.result.readings[0].reading.weight_kg, 178.8, 1e-9);  // told kg: the second frame's 1788
  bool told_refused = false;
  for (const auto& s : w.told) told_refused |= s.find("checksum") != std::string::npos;
  EXPECT_TRUE(told_refused);
}

TEST(HoffenBs8107Conversation, AFinalFrameWithoutALateChecksumIsNoWeighing) {
  // The checksum never comes (the next value is a live frame): nothing is emitted from it.
  const std::string first20 = std::string(kFinal).substr(0, 40);
  SimulatorLink link(std::make_unique<ScriptedHoffen>(std::vector<std::string>{first20, "fa0103002b032a"}));
  ConversationContext c = context_for(link, std::make_shared<DeviceMemory>());
  SessionOptions options;
  options.gate_timeout_scale = 0.05;
  EXPECT_THROW(SessionRunner(link, options).run(family("hoffen-bs8107").conversation->build(c)), SessionError);
}
