// Huawei AH100 / CH100: the keys, frames and measurements against openScale's
// HuaweiAhCh100HandlerTest.kt (synthetic vectors built by an independent re-implementation of
// openScale v2.5.4's handler; the first holds the 97.0 kg / 28.0 % a user reported in openScale
// issue #1280), the names, the refusals, and the conversation against the simulator.
#include "device_test_util.hpp"
#include "devices/conversation_util.hpp"
#include "devices/huawei_ah100/protocol.hpp"
#include "link/session.hpp"
#include "link/simulator_link.hpp"

using namespace declouder;
using namespace declouder::test;
namespace ah = declouder::huawei_ah100;

namespace {

const MacAddress kMac = *MacAddress::parse("5C:CA:D3:08:7B:4F");  // the test's scale

// openScale HuaweiAhCh100HandlerTest.kt: the first halves on the wire and their plaintexts.
constexpr const char* kUserFrame = "bc100edef702c9bbf2176c755b6eccdd5b92b0";
constexpr const char* kLightFrame = "bc100ede15036dbaf2176869547ce7dbaf91b0";
constexpr const char* kHeavyFrame = "bc100ede3904b1bbf2176a67404fedd82392b0";
constexpr const char* kUserPlain = "01ca031801ea070513080c21021c02";
constexpr const char* kLightPlain = "012802bc00ea07010f071e0a04e801";
constexpr const char* kHeavyPlain = "0104056001ea070301132d00076402";

// A notification on 0xFAA2 through the registry, as `decode --gatt faa2=… --address …` has it.
DecodeOutcome notification(std::string_view frame_hex, std::optional<MacAddress> address = kMac, std::string name = "") {
  GattValue v;
  v.characteristic = Uuid::from16(0xFAA2);
  v.value = hex(frame_hex);
  v.address = address;
  v.device_name = std::move(name);
  DecodeOutcome result = DecodeOutcome::reject(DecodeStatus::not_this_device, "family not tried by the registry");
  builtin_registry().decode_gatt(v, [&](const DeviceDescriptor& f, const DecodeOutcome& o) {
    if (f.id == "huawei-ah100") result = o;
  });
  return result;
}

void expect_time(const Reading& r, CivilTime t) {
  ASSERT_TRUE(r.device_time);
  EXPECT_FALSE(r.device_time->utc);  // the scale's wall clock
  EXPECT_EQ(r.device_time->civil.year, t.year);
  EXPECT_EQ(r.device_time->civil.month, t.month);
  EXPECT_EQ(r.device_time->civil.day, t.day);
  EXPECT_EQ(r.device_time->civil.hour, t.hour);
  EXPECT_EQ(r.device_time->civil.minute, t.minute);
  EXPECT_EQ(r.device_time->civil.second, t.second);
}

}  // namespace

TEST(HuaweiAh100, TheTokenAndTheKeyOfTheTestScale) {
  EXPECT_EQ(to_hex(ah::auth_token(1)), "11223344551001");
  EXPECT_EQ(xor8(ah::auth_token(7)), 0);
  EXPECT_EQ(ah::token_user(ah::auth_token(7)), 7);
  EXPECT_FALSE(ah::token_user(hex("11223344551002")));  // the check byte does not hold
  const ah::Key key = ah::magic_key(ah::auth_token(1), kMac);
  EXPECT_EQ(to_hex(ByteView(key.data(), key.size())), "4de8e04c2e5f5d2a980fde3456732156");
}

TEST(HuaweiAh100, TheThreeFramesOfOpenScalesTest) {
  DecodeOutcome o = notification(kUserFrame);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 97.0, 1e-9);
  EXPECT_NEAR(metric(o.reading, "fat_percent"), 28.0, 1e-9);
  EXPECT_EQ(*o.reading.impedance_ohm, 540);
  EXPECT_EQ(o.reading.user_slot, 1);
  EXPECT_TRUE(o.reading.stabilized);
  expect_time(o.reading, {2026, 5, 19, 8, 12, 33});

  o = notification(kLightFrame);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 55.2, 1e-9);
  EXPECT_NEAR(metric(o.reading, "fat_percent"), 18.8, 1e-9);
  EXPECT_EQ(*o.reading.impedance_ohm, 488);
  expect_time(o.reading, {2026, 1, 15, 7, 30, 10});

  o = notification(kHeavyFrame);
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 128.4, 1e-9);
  EXPECT_NEAR(metric(o.reading, "fat_percent"), 35.2, 1e-9);
  EXPECT_EQ(*o.reading.impedance_ohm, 612);
  expect_time(o.reading, {2026, 3, 1, 19, 45, 0});
}

TEST(HuaweiAh100, OurMeasurementAndEncryptionMakeTheSameBytes) {
  // The simulator's side, checked against the independent vectors: the plaintext layout (its
  // weekday byte too: Tuesday 2, Thursday 4, Sunday 7), then AES-CTR and the obfuscation.
  struct Case {
    const char* frame;
    const char* plain;
    ah::MeasurementFields m;
  };
  const Case cases[] = {
      {kUserFrame, kUserPlain, {1, 97.0, 28.0, {2026, 5, 19, 8, 12, 33}, 540}},
      {kLightFrame, kLightPlain, {1, 55.2, 18.8, {2026, 1, 15, 7, 30, 10}, 488}},
      {kHeavyFrame, kHeavyPlain, {1, 128.4, 35.2, {2026, 3, 1, 19, 45, 0}, 612}},
  };
  const ah::Key key = ah::magic_key(ah::auth_token(1), kMac);
  for (const Case& c : cases) {
    const Bytes payload = ah::measurement_payload(c.m);
    EXPECT_EQ(to_hex(ByteView(payload).first(15)), c.plain);
    const Bytes frame = ah::encrypted_notification(ah::kOpMeasurement, payload, key, kMac);
    EXPECT_EQ(to_hex(frame), c.frame);  // the 16th byte is the vectors' 00 too
    const auto opened = ah::open_frame(hex(c.frame), kMac, &key);
    EXPECT_EQ(to_hex(ByteView(opened->payload).first(15)), c.plain);
  }
}

TEST(HuaweiAh100, PlainCommandsAndTheEncryptedUserInfo) {
  // DB <payload length + 1> <cmd> <payload XOR the MAC>: the token under 5C CA D3 08 7B 4F.
  EXPECT_EQ(to_hex(ah::plain_command(ah::kCmdAuth, ah::auth_token(1), kMac)), "db08244de8e04c2e5f5d");
  EXPECT_EQ(to_hex(ah::plain_command(ah::kCmdGetVersion, {}, kMac)), "db010c");
  EXPECT_EQ(to_hex(ah::plain_command(ah::kCmdSetUnit, ah::unit_payload(WeightUnit::lb), kMac)), "db0202" "5e");
  EXPECT_EQ(to_hex(ah::unit_payload(WeightUnit::kg)), "01");
  // The clock: 2026-05-19 08:12:33, a Tuesday.
  EXPECT_EQ(to_hex(ah::clock_payload({2026, 5, 19, 8, 12, 33})), "ea07051308" "0c2102");

  ah::UserInfo u;
  u.user_id = 3;
  u.age = 38;
  u.male = false;
  u.height_cm = 168;
  u.weight_kg = 81.1;
  const Bytes plain = ah::user_info_payload(u);
  EXPECT_EQ(to_hex(plain), "11223344551203" "a6" "a8" "00" "2b03" "ffff" "1ce2");
  const ah::Key key = ah::magic_key(ah::auth_token(3), kMac);
  const Bytes frame = ah::encrypted_command(ah::kCmdUserInfo, plain, key, kMac);
  EXPECT_EQ(to_hex(ByteView(frame).first(3)), "dc1009");  // DC <payload length: 16> 09
  EXPECT_NE(Bytes(frame.begin() + 3, frame.end()), ah::obfuscate(plain, kMac));  // encrypted, not only obfuscated
  const auto opened = ah::open_frame(frame, kMac, &key);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->payload, plain);
  const auto back = ah::parse_user_info(opened->payload);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->user_id, 3);
  EXPECT_EQ(back->age, 38);
  EXPECT_FALSE(back->male);
  EXPECT_EQ(back->height_cm, 168);
  EXPECT_NEAR(back->weight_kg, 81.1, 1e-9);
}

TEST(HuaweiAh100, ALoneFrameNeedsTheAddressAndTheRightOne) {
  EXPECT_EQ(notification(kUserFrame, std::nullopt).status, DecodeStatus::needs_key);
  EXPECT_EQ(notification(kUserFrame, *MacAddress::parse("5C:CA:D3:08:7B:40")).status, DecodeStatus::invalid_value);
  // Another user's session: the key of user 4's token, and the measurement names user 4.
  ah::MeasurementFields m{4, 64.3, 22.1, {2026, 2, 3, 7, 5, 0}, 501};
  const Bytes frame = ah::encrypted_notification(ah::kOpMeasurement, ah::measurement_payload(m),
                                                 ah::magic_key(ah::auth_token(4), kMac), kMac);
  DecodeOutcome o = notification(to_hex(frame));
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_EQ(o.reading.user_slot, 4);
  EXPECT_NEAR(*o.reading.weight_kg, 64.3, 1e-9);
  // The named device decides: an AH100's frame from a device of another name is not ours.
  EXPECT_TRUE(notification(kUserFrame, kMac, "HUAWEI AH100").ok());
  EXPECT_EQ(notification(kUserFrame, kMac, "CH100S").status, DecodeStatus::not_this_device);
}

TEST(HuaweiAh100, SessionFramesSecondHalvesAndAbsurdValues) {
  EXPECT_EQ(notification("bd0000").status, DecodeStatus::unsupported_frame);  // the wake-up
  EXPECT_EQ(notification("bc108edef702c9bbf2176c755b6eccdd5b92b0").status, DecodeStatus::unsupported_frame);
  EXPECT_EQ(notification("bc100edef702c9bbf2176c755b6e").status, DecodeStatus::wrong_length);
  EXPECT_EQ(notification("8d110000d302e700").status, DecodeStatus::not_this_device);  // an Ebelter's, same 0xFAA2

  auto plain = [](ah::MeasurementFields m) { return ah::measurement_payload(m); };
  EXPECT_EQ(ah::decode_measurement(plain({1, 0, 20, {2026, 1, 1, 0, 0, 0}, 500})).status, DecodeStatus::invalid_value);
  EXPECT_EQ(ah::decode_measurement(plain({1, 650, 20, {2026, 1, 1, 0, 0, 0}, 500})).status, DecodeStatus::invalid_value);
  EXPECT_EQ(ah::decode_measurement(plain({1, 80, 150, {2026, 1, 1, 0, 0, 0}, 500})).status, DecodeStatus::invalid_value);
  EXPECT_EQ(ah::decode_measurement(plain({1, 80, 20, {2026, 13, 1, 0, 0, 0}, 500})).status, DecodeStatus::invalid_value);
  EXPECT_EQ(ah::decode_measurement(plain({0, 80, 20, {2026, 1, 1, 0, 0, 0}, 500})).status, DecodeStatus::invalid_value);
  EXPECT_EQ(ah::decode_measurement(hex("01ca031801ea07051308")).status, DecodeStatus::wrong_length);
  // No contact (0), or a placeholder (4000): a weight without an impedance or a fat.
  DecodeOutcome o = ah::decode_measurement(plain({1, 80, 0, {2026, 1, 1, 0, 0, 0}, 0}));
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.reading.impedance_ohm);
  EXPECT_EQ(metric(o.reading, "fat_percent"), -1);
  o = ah::decode_measurement(plain({1, 80, 20, {2026, 1, 1, 0, 0, 0}, 4000}));
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.reading.impedance_ohm);
  EXPECT_EQ(ah::decode_measurement(plain({1, 80, 20, {2026, 1, 1, 0, 0, 0}, 3999})).reading.impedance_ohm, 3999);
}

TEST(HuaweiAh100, ItsNamesAndNotTheCh100S) {
  for (const char* name : {"AH100", "CH100", "ah100", "HUAWEI AH100", "HONOR CH100", "CH100-1A2B", "AH100_x"})
    EXPECT_TRUE(ah::is_ah100_name(name)) << name;
  EXPECT_TRUE(ah::is_ah100_name(std::string("AH100\0\0", 7)));  // padded with NULs
  EXPECT_TRUE(ah::is_ah100_name(std::string("CH100\0\0\0", 8)));
  for (const char* name : {"CH100S", "HUAWEI CH100S", "AH1000", "AH10", "BODY FAT-B2", ""})
    EXPECT_FALSE(ah::is_ah100_name(name)) << name;
  Advertisement a;
  a.name = "HUAWEI CH100";
  EXPECT_EQ(builtin_registry().conversation_for(a)->id, "huawei-ah100");
  a.name = "CH100S";
  EXPECT_EQ(builtin_registry().conversation_for(a), nullptr);
}

// The conversation against the simulator, a new scale that knows no user yet.
namespace {

const DeviceDescriptor& ah100() { return family("huawei-ah100"); }

SessionResult converse(SimulatorLink& link, const ConversationContext& c, std::vector<std::string>* told = nullptr) {
  SessionOptions options;
  options.tell = [told](const std::string& s) {
    if (told) told->push_back(s);
  };
  return SessionRunner(link, options).run(ah100().conversation->build(c));
}

bool said(const std::vector<std::string>& told, std::string_view what) {
  for (const std::string& s : told)
    if (s.find(what) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(HuaweiAh100Conversation, BindsTheUserOnceThenAuthenticatesAndWeighs) {
  SimOptions o;
  o.weight_kg = 81.1;
  o.impedance_ohm = 538;
  SimulatorLink link(ah100().simulator->create(o));
  auto memory = std::make_shared<DeviceMemory>();
  std::vector<std::string> told;
  SessionResult r = converse(link, context_for(link, memory), &told);
  ASSERT_EQ(r.readings.size(), 1u);
  const Reading& reading = r.readings[0].reading;
  EXPECT_NEAR(*reading.weight_kg, 81.1, 1e-9);
  EXPECT_EQ(*reading.impedance_ohm, 538);
  EXPECT_EQ(reading.user_slot, 1);
  EXPECT_GT(metric(reading, "fat_percent"), 0);
  EXPECT_TRUE(said(told, "bound user 1")) << "a new scale binds the user";
  // The measurement's time is the clock the app set (its local wall clock).
  const CivilTime local = local_wall_clock(context_for(link, memory).unix_now);
  EXPECT_LE(std::llabs(unix_from_civil(reading.device_time->civil) - unix_from_civil(local)), 5);
  ASSERT_TRUE(memory->get("ah100_weight_slot1"));

  // The next connection: the user is bound, the weight kept goes into the user info.
  told.clear();
  const std::size_t writes_before = link.writes().size();
  r = converse(link, context_for(link, memory), &told);
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_FALSE(said(told, "bound"));
  const ah::Key key = ah::magic_key(ah::auth_token(1), link.device().address());
  bool saw_user_info = false;
  for (std::size_t i = writes_before; i < link.writes().size(); ++i) {
    const Bytes& w = link.writes()[i].value;
    if (w.empty() || w[0] != ah::kAppEncrypted) continue;
    const auto u = ah::parse_user_info(ah::open_frame(w, link.device().address(), &key)->payload);
    ASSERT_TRUE(u);
    EXPECT_NEAR(u->weight_kg, 81.1, 1e-9);
    saw_user_info = true;
  }
  EXPECT_TRUE(saw_user_info);
}

TEST(HuaweiAh100Conversation, ThePersonsSlotUnitAndBody) {
  SimOptions o;
  o.weight_kg = 64.3;
  SimulatorLink link(ah100().simulator->create(o));
  ConversationContext c = context_for(link, std::make_shared<DeviceMemory>());
  Person sam = test::sam();
  sam.unit = WeightUnit::lb;
  sam.scale_user = 3;
  c.person = sam;
  SessionResult r = converse(link, c);
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_EQ(r.readings[0].reading.user_slot, 3);
  EXPECT_EQ(r.readings[0].reading.unit, WeightUnit::lb);
  EXPECT_NEAR(*r.readings[0].reading.weight_kg, 64.3, 1e-9);
  // The scale was told pounds and the person's data (the simulator's body fat follows them:
  // Deurenberg's formula for a woman of 168 cm and her age, about 31 % here).
  bool told_lb = false;
  for (const auto& w : link.writes())
    told_lb |= w.value == ah::plain_command(ah::kCmdSetUnit, ah::unit_payload(WeightUnit::lb), link.device().address());
  EXPECT_TRUE(told_lb);
  EXPECT_GT(metric(r.readings[0].reading, "fat_percent"), 25);
}

TEST(HuaweiAh100Conversation, TheWrongAddressIsRefusedAndSaysSo) {
  SimulatorLink link(ah100().simulator->create({}));
  ConversationContext c = context_for(link, std::make_shared<DeviceMemory>());
  c.advert.address = *MacAddress::parse("5C:CA:D3:08:7B:40");  // not the scale's: its XOR is wrong
  EXPECT_THROW(converse(link, c), SessionError);
  c.advert.address.reset();
  try {
    converse(link, c);
    FAIL() << "a conversation without the address went on";
  } catch (const SessionError& e) {
    EXPECT_NE(std::string(e.what()).find("address"), std::string::npos) << e.what();
  }
}

// A scale that weighs somebody else first: another user's measurement (user 5 stepped on,
// the scale recognised them), then the person's. Played by a minimal scale of the test's own,
// since the simulator weighs the user it was told.
namespace {

class TwoWeighingsScale : public SimulatedDevice {
 public:
  TwoWeighingsScale() : SimulatedDevice(SimOptions{}) {}
  std::string_view kind() const override { return "two-weighings"; }
  MacAddress address() const override { return kMac; }
  AdvertData advert() const override { return {.name = "AH100", .service_uuids = {ah::kService}}; }
  std::vector<SimService> gatt() const override {
    return {{ah::kService, {{ah::kCommands, kWrite, {}}, {ah::kNotifications, kNotify, {}}}}};
  }
  void on_subscribe(const Uuid&) override { send(100, ah::plain_notification(ah::kOpWakeUp, {}, kMac)); }
  void on_write(const Uuid&, const Bytes& v, bool) override {
    if (v.size() < 3) return;
    if (v[0] == ah::kAppPlain && v[2] == ah::kCmdAuth) send(50, ah::plain_notification(ah::kOpAuthResult, Bytes{1}, kMac));
    if (v[0] != ah::kAppEncrypted) return;  // the user info: the session's key is user 1's
    const ah::Key key = ah::magic_key(ah::auth_token(1), kMac);
    send(300, ah::encrypted_notification(ah::kOpMeasurement, ah::measurement_payload({5, 92.4, 30.1, {2026, 2, 3, 7, 0, 0}, 560}), key, kMac));
    send(900, ah::encrypted_notification(ah::kOpMeasurement, ah::measurement_payload({1, 81.1, 24.0, {2026, 2, 3, 7, 1, 0}, 538}), key, kMac));
  }

 private:
  void send(int ms, Bytes frame) {
    host().after(std::chrono::milliseconds(ms), [this, frame] { host().notify(ah::kNotifications, frame); });
  }
};

}  // namespace

TEST(HuaweiAh100Conversation, AnotherSlotsWeighingIsNotThePersons) {
  SimulatorLink link(std::make_unique<TwoWeighingsScale>());
  std::vector<std::string> told;
  SessionResult r = converse(link, context_for(link, std::make_shared<DeviceMemory>()), &told);
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_EQ(r.readings[0].reading.user_slot, 1);
  EXPECT_NEAR(*r.readings[0].reading.weight_kg, 81.1, 1e-9);
  EXPECT_TRUE(said(told, "weighed its user 5, not user 1"));
}
