// The conversations of the QN, Yunmai, 1byone, Excelvan, Medisana and MGB scales against their
// simulators: what the app writes (the person, the unit, the clock, byte for byte where the
// protocol fixes them) and the reading the scale's frames give.
#include <gtest/gtest.h>

#include <cmath>

#include "devices/registry.hpp"
#include "link/simulator_link.hpp"

namespace declouder {
namespace {

// A woman born 1985-06-01, 164 cm, who reads her weight in pounds, on user slot 3.
Person alice() {
  Person p;
  p.name = "alice";
  p.sex = Sex::female;
  p.birth_date = {1985, 6, 1, 0, 0, 0};
  p.height_cm = 164;
  p.unit = WeightUnit::lb;
  p.scale_user = 3;
  return p;
}

struct Session {
  SimulatorLink link;
  SessionResult result;
};

// Talks to simulator `name` as `read` and `run` would: the device the advertisement names,
// its conversation, the person when given.
Session converse(std::string_view name, SimOptions o, std::optional<Person> person = std::nullopt) {
  Session s{SimulatorLink(builtin_registry().find_simulator(name)->create(o)), {}};
  const Advertisement advert = heard_advertisement(s.link.device().advert(), s.link.device().address());
  const DeviceDescriptor* d = builtin_registry().conversation_for(advert, true);
  EXPECT_NE(d, nullptr) << name << " is not talked to by `run`";
  if (!d) return s;
  ConversationContext c;
  c.advert = advert;
  c.unix_now = s.link.unix_now();
  c.person = person;
  if (person && person->scale_user) c.user.slot = *person->scale_user;
  SessionRunner runner(s.link);
  s.result = runner.run(d->conversation->build(c));
  return s;
}

// The first write to `characteristic` whose first byte is `lead` (and second `second`, if given).
std::optional<Bytes> written(const SimulatorLink& link, std::uint16_t characteristic, std::uint8_t lead, int second = -1) {
  for (const auto& w : link.writes())
    if (w.characteristic == Uuid::from16(characteristic) && !w.value.empty() && w.value[0] == lead &&
        (second < 0 || (w.value.size() > 1 && w.value[1] == second)))
      return w.value;
  return std::nullopt;
}

double metric(const Reading& r, std::string_view name) {
  for (std::size_t i = 0; i < r.device_metric_count; ++i)
    if (r.device_metrics[i].name == name) return r.device_metrics[i].value;
  return NAN;
}

SimOptions body(double kg, double ohm) {
  SimOptions o;
  o.weight_kg = kg;
  o.impedance_ohm = ohm;
  return o;
}

TEST(QnConversation, WaitsForTheScaleInfoThenEchoesItsProtocolByte) {
  Session s = converse("qn-scale", body(83.45, 512), alice());
  ASSERT_EQ(s.result.readings.size(), 1u);
  const Reading& r = s.result.readings[0].reading;
  EXPECT_STREQ(r.model, "qn-scale");
  EXPECT_DOUBLE_EQ(*r.weight_kg, 83.45);  // the 0x12 said hundredths
  EXPECT_TRUE(r.stabilized);
  EXPECT_EQ(metric(r, "qn_r1"), 512);
  // 13 09 <protocol 07> <unit 02 lb> 10 00 00 00 <sum>, the time sync after the ready, the ack.
  EXPECT_EQ(written(s.link, 0xFFF2, 0x13), (Bytes{0x13, 0x09, 0x07, 0x02, 0x10, 0, 0, 0, 0x35}));
  auto sync = written(s.link, 0xFFF2, 0x20);
  ASSERT_TRUE(sync);
  EXPECT_EQ((*sync)[2], 0x07);
  EXPECT_EQ(written(s.link, 0xFFF2, 0x1F), (Bytes{0x1F, 0x05, 0x07, 0x10, 0x3B}));
  EXPECT_EQ(s.link.writes().front().value[0], 0x13) << "nothing may be sent before the scale info";
}

TEST(YunmaiConversation, TheUserSetIsTheUserWeighed) {
  Session s = converse("yunmai", body(64.2, 530), alice());
  ASSERT_EQ(s.result.readings.size(), 1u);
  const Reading& r = s.result.readings[0].reading;
  EXPECT_DOUBLE_EQ(*r.weight_kg, 64.2);
  EXPECT_DOUBLE_EQ(*r.impedance_ohm, 530);
  EXPECT_EQ(r.user_slot, 3);
  // 0D 12 10 01 00 00 <uid 00 03> <164 cm> <2 female> <age> 55 5A 00 00 <2 lb> 00 <xor>
  auto user = written(s.link, 0xFFE9, 0x0D, 0x12);
  ASSERT_TRUE(user);
  ASSERT_EQ(user->size(), 18u);
  EXPECT_EQ((*user)[6], 0x00);
  EXPECT_EQ((*user)[7], 0x03);
  EXPECT_EQ((*user)[8], 164);
  EXPECT_EQ((*user)[9], 2);
  EXPECT_EQ((*user)[10], age_on(alice().birth_date, s.link.unix_now() * 1000000));
  EXPECT_EQ((*user)[15], 2);
  EXPECT_TRUE(written(s.link, 0xFFE9, 0x0D, 0x05)) << "the start command";
}

TEST(OneByoneConversation, TheStoredWeighingThenTheLiveOneAndTheHistoryIsCleared) {
  Session s = converse("1byone", body(90.1, 455));
  ASSERT_EQ(s.result.readings.size(), 2u);
  const Reading& stored = s.result.readings[0].reading;
  EXPECT_NEAR(*stored.weight_kg, 89.5, 1e-9);  // the simulator's weighing of the day before
  ASSERT_TRUE(stored.device_time);
  EXPECT_EQ(stored.device_time->civil.hour, 7);
  const Reading& live = s.result.readings[1].reading;
  EXPECT_DOUBLE_EQ(*live.weight_kg, 90.1);
  EXPECT_DOUBLE_EQ(*live.impedance_ohm, 455);
  EXPECT_TRUE(live.stabilized);
  EXPECT_FALSE(live.device_time);
  EXPECT_EQ(written(s.link, 0xFFF1, 0xFD), (Bytes{0xFD, 0x37, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0xCB}));  // kg, group 1
  EXPECT_TRUE(written(s.link, 0xFFF1, 0xF2, 0x01)) << "the history was not cleared";
  // The next connection finds the history empty: only the live weighing.
  SessionRunner again(s.link);
  ConversationContext c;
  c.advert = heard_advertisement(s.link.device().advert(), s.link.device().address());
  c.unix_now = s.link.unix_now();
  auto second = again.run(builtin_registry().conversation_for(c.advert)->conversation->build(c));
  EXPECT_EQ(second.readings.size(), 1u);
}

TEST(ExcelvanConversation, TheScaleWeighsInThePersonsUnitAndComputesTheRest) {
  Session s = converse("excelvan-cf36x", body(70.0, 500), alice());
  ASSERT_EQ(s.result.readings.size(), 1u);
  const Reading& r = s.result.readings[0].reading;
  EXPECT_EQ(r.unit, WeightUnit::lb);
  EXPECT_NEAR(*r.weight_kg, 70.0, 0.05);  // 154.3 lb, in tenths of a pound
  EXPECT_GT(metric(r, "fat_percent"), 5);
  EXPECT_GT(metric(r, "bmr_kcal"), 1000);
  // FE <user 3> <sex 0 female> <activity 0> <164> <age> <unit 2 lb> <xor of bytes 1..6>
  auto config = written(s.link, 0xFFF1, 0xFE);
  ASSERT_TRUE(config);
  ASSERT_EQ(config->size(), 8u);
  EXPECT_EQ((*config)[1], 3);
  EXPECT_EQ((*config)[2], 0);
  EXPECT_EQ((*config)[4], 164);
  EXPECT_EQ((*config)[6], 2);
}

TEST(MedisanaConversation, WeightAndBodyFramesOfOneMeasurementBecomeOneReading) {
  Session s = converse("medisana-bs444", body(77.35, 480));
  ASSERT_EQ(s.result.readings.size(), 1u);
  const Reading& r = s.result.readings[0].reading;
  EXPECT_DOUBLE_EQ(*r.weight_kg, 77.35);
  EXPECT_EQ(r.user_slot, 1);
  ASSERT_TRUE(r.device_time);
  EXPECT_GT(metric(r, "fat_percent"), 5);
  EXPECT_GT(metric(r, "water_percent"), 30);
  // 02 <seconds since 2010-01-01>: the BS444 counts from 2010, and its frames give the time back.
  auto time = written(s.link, 0x8A81, 0x02);
  ASSERT_TRUE(time);
  const std::int64_t sent = le32(&(*time)[1]) + 1262304000LL;
  EXPECT_LE(std::llabs(sent - s.link.unix_now()), 60);
  EXPECT_EQ(iso8601(*r.device_time), iso8601_utc_s(sent));
}

TEST(MgbConversation, ThePersonAndUnitThenTenthsOfThatUnitAndTheImpedance) {
  Session s = converse("mgb", body(84.1, 518), alice());
  ASSERT_EQ(s.result.readings.size(), 1u);
  const Reading& r = s.result.readings[0].reading;
  EXPECT_EQ(r.unit, WeightUnit::lb);
  EXPECT_NEAR(*r.weight_kg, 84.1, 0.05);  // 185.4 lb
  EXPECT_DOUBLE_EQ(*r.impedance_ohm, 518);
  EXPECT_TRUE(r.stabilized);
  // AC 02 FB <2 female> <age> <164 cm> CC <sum>; AC 02 FE 06 <1 lb> 00 CC <sum>
  bool saw_person = false, saw_unit = false;
  for (const auto& w : s.link.writes()) {
    if (w.value.size() != 8) continue;
    EXPECT_EQ(w.mode, WriteMode::without_response);
    if (w.value[2] == 0xFB) saw_person = w.value[3] == 2 && w.value[5] == 164;
    if (w.value[2] == 0xFE) saw_unit = w.value == Bytes{0xAC, 0x02, 0xFE, 0x06, 0x01, 0x00, 0xCC, 0xD1};
  }
  EXPECT_TRUE(saw_person);
  EXPECT_TRUE(saw_unit);
}

TEST(MgbConversation, WithoutAPersonTheScaleStillWeighsInKg) {
  Session s = converse("mgb", body(84.1, 518));
  ASSERT_EQ(s.result.readings.size(), 1u);
  EXPECT_EQ(s.result.readings[0].reading.unit, WeightUnit::kg);
  EXPECT_DOUBLE_EQ(*s.result.readings[0].reading.weight_kg, 84.1);
}

}  // namespace
}  // namespace declouder
