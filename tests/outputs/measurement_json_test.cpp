// The one measurement JSON (docs/schema.md, "The measurement JSON"): every key
// of the two shapes it replaced, and read back exactly from the outbox.
#include "outputs/measurement_json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "body/composition.hpp"
#include "outputs/domoticz.hpp"
#include "outputs/home_assistant.hpp"

namespace declouder {
namespace {

Measurement anne() {
  Measurement m;
  m.id = 7;
  m.uid = "0123456789abcdef";
  m.person = "anne";
  m.model = "xiaomi-mi-scale-2";
  m.address = MacAddress::parse("5C:CA:D3:00:00:01");
  m.time_us = 1'763'700'000'123'456;
  DeviceClock c;
  c.civil = {2025, 11, 21, 5, 40, 0};
  m.device_time = c;
  m.weight_kg = 62.5249;
  m.impedance_ohm = 503.04;
  m.metrics.bmi = 22.9611;
  m.metrics.fat_percent = 24.349;
  m.metrics.bmr_kcal = 1350.456;
  m.metrics.metabolic_age = 35;
  m.metrics.body_type = "balanced";
  m.metrics.skipped = {{"water_percent", "not computed here"}};
  return m;
}

std::vector<std::string> keys(const Json& j) {
  std::vector<std::string> out;
  for (auto& [k, v] : j.items()) out.push_back(k);
  return out;
}

TEST(MeasurementJson, EveryKeyOfBothOlderShapesInOneOrder) {
  Measurement m = anne();
  m.device_time->unset = true;
  EXPECT_EQ(keys(measurement_to_json(m)),
            (std::vector<std::string>{"id", "uid", "person", "person_id", "time", "measured_at", "model", "address", "device_time",
                                      "device_clock_unset", "weight_kg", "weight", "unit", "impedance_ohm", "bmi",
                                      "fat_percent", "bmr_kcal", "metabolic_age", "body_type", "skipped"}));
}

TEST(MeasurementJson, TimesInSecondsAndInMicroseconds) {
  const Json j = measurement_to_json(anne());
  EXPECT_EQ(j["time"], "2025-11-21T04:40:00Z");
  EXPECT_EQ(j["measured_at"], "2025-11-21T04:40:00.123456Z");
  EXPECT_EQ(j["device_time"], "2025-11-21T05:40:00");
}

TEST(MeasurementJson, NumbersRoundedForPeople) {
  const Json j = measurement_to_json(anne(), WeightUnit::lb);
  EXPECT_EQ(j["weight_kg"], 62.525);  // grams
  EXPECT_EQ(j["weight"], 137.84);     // in her unit, 2 decimals
  EXPECT_EQ(j["unit"], "lb");
  EXPECT_EQ(j["impedance_ohm"], 503);
  EXPECT_EQ(j["bmi"], 22.96);  // every metric to 2 decimals
  EXPECT_EQ(j["fat_percent"], 24.35);
  EXPECT_EQ(j["bmr_kcal"], 1350.46);
  EXPECT_EQ(j["metabolic_age"], 35);
  EXPECT_EQ(j["skipped"]["water_percent"], "not computed here");
}

TEST(MeasurementJson, UnassignedIsNull) {
  Measurement m = anne();
  m.person.clear();
  const Json j = measurement_to_json(m);
  ASSERT_TRUE(j.contains("person"));
  EXPECT_TRUE(j["person"].is_null());
  EXPECT_TRUE(j["person_id"].is_null());
  EXPECT_EQ(j["unit"], "kg");
  EXPECT_EQ(measurement_from_json(j.dump()).measurement.person, "");
}

TEST(MeasurementJson, ExactNumbersReadBackToTheSameMeasurement) {
  const Measurement m = anne();
  auto back = measurement_from_json(measurement_to_json(m, WeightUnit::st, JsonNumbers::exact).dump());
  const Measurement& b = back.measurement;
  EXPECT_EQ(back.unit, WeightUnit::st);
  EXPECT_EQ(b.id, m.id);
  EXPECT_EQ(b.uid, m.uid);
  EXPECT_EQ(b.person, m.person);
  EXPECT_EQ(b.person_id, "anne");
  EXPECT_EQ(b.model, m.model);
  EXPECT_EQ(b.address, m.address);
  EXPECT_EQ(b.time_us, m.time_us);
  ASSERT_TRUE(b.device_time);
  EXPECT_EQ(b.device_time->civil, m.device_time->civil);
  EXPECT_FALSE(b.device_time->utc);
  EXPECT_EQ(b.weight_kg, m.weight_kg);
  EXPECT_EQ(b.impedance_ohm, m.impedance_ohm);
  EXPECT_EQ(b.metrics.bmi, m.metrics.bmi);
  EXPECT_EQ(b.metrics.fat_percent, m.metrics.fat_percent);
  EXPECT_EQ(b.metrics.bmr_kcal, m.metrics.bmr_kcal);
  EXPECT_EQ(b.metrics.body_type, m.metrics.body_type);
  EXPECT_EQ(b.metrics.skipped, m.metrics.skipped);
  EXPECT_FALSE(b.metrics.water_percent);
  // So the outputs give the same messages whether a measurement goes out at once or from the outbox.
  HomeAssistantNaming n;
  n.gateway_id = "hall";
  auto topics = [](const std::vector<MqttMessage>& msgs) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& msg : msgs) out.emplace_back(msg.topic, msg.payload);
    return out;
  };
  EXPECT_EQ(topics(measurement_states(n, b)), topics(measurement_states(n, m)));
}

TEST(MeasurementJson, ADualFrequencyScalesValuesAfterTheImpedanceAndBack) {
  Measurement m = anne();
  m.model = "xiaomi-s400";
  m.impedance_ohm = m.impedance_low_ohm = 543.24;
  m.impedance_high_ohm = 497.61;
  m.heart_rate_bpm = 92;
  m.profile_id = 1;
  const Json j = measurement_to_json(m);
  EXPECT_EQ(keys(j), (std::vector<std::string>{"id", "uid", "person", "person_id", "time", "measured_at", "model",
                                               "address", "device_time", "weight_kg", "weight", "unit", "impedance_ohm",
                                               "impedance_low_ohm", "impedance_high_ohm", "heart_rate_bpm", "profile_id",
                                               "bmi", "fat_percent", "bmr_kcal", "metabolic_age", "body_type", "skipped"}));
  EXPECT_EQ(j["impedance_low_ohm"], 543.2);
  EXPECT_EQ(j["impedance_high_ohm"], 497.6);
  EXPECT_EQ(j["heart_rate_bpm"], 92);
  EXPECT_EQ(j["profile_id"], 1);
  // The outbox gives them back exactly.
  const Measurement b = measurement_from_json(measurement_to_json(m, WeightUnit::kg, JsonNumbers::exact).dump()).measurement;
  EXPECT_EQ(b.impedance_low_ohm, m.impedance_low_ohm);
  EXPECT_EQ(b.impedance_high_ohm, m.impedance_high_ohm);
  EXPECT_EQ(b.heart_rate_bpm, 92);
  EXPECT_EQ(b.profile_id, 1);
  // A scale without them has none of the keys.
  EXPECT_FALSE(measurement_to_json(anne()).contains("impedance_high_ohm"));
}

TEST(MeasurementJson, ReadsWhatAnOutboxHeldBeforeTheShapeWasOne) {
  auto back = measurement_from_json(
      R"({"uid":"m-1","id":3,"model":"xiaomi-mi-scale-2","address":"5C:CA:D3:00:00:01","measured_at":"2025-11-21T04:40:00.000000Z","device_time":"2024-03-17T19:59:33Z","weight_kg":62.52,"bmi":23,"fat_percent":24.3,"impedance_ohm":503,"body_type":"balanced"})");
  EXPECT_EQ(back.measurement.person, "");
  EXPECT_EQ(back.measurement.person_id, "");
  EXPECT_FALSE(back.unit);
  EXPECT_EQ(back.measurement.time_us, 1'763'700'000'000'000);
  EXPECT_TRUE(back.measurement.device_time->utc);
  EXPECT_EQ(back.measurement.metrics.fat_percent, 24.3);
  EXPECT_EQ(back.measurement.impedance_ohm, 503);
  EXPECT_THROW(measurement_from_json("[1]"), std::invalid_argument);
  EXPECT_THROW(measurement_from_json("{\"uid\":\"x\"}"), std::invalid_argument);
  EXPECT_THROW(measurement_from_json("not json"), std::invalid_argument);
}

TEST(MeasurementJson, HomeAssistantAndDomoticzShowEachMetricWithItsOwnDecimals) {
  HomeAssistantNaming n;
  n.gateway_id = "hall";
  std::map<std::string, std::string> states;
  for (const auto& msg : measurement_states(n, anne())) states[msg.topic] = msg.payload;
  EXPECT_EQ(states["declouder/people/anne/fat_percent"], "24.3");
  EXPECT_EQ(states["declouder/people/anne/bmr_kcal"], "1350");
  // Weights to 10 g, as the entity's suggested_display_precision shows them (the
  // attributes keep the gram).
  EXPECT_EQ(states["declouder/people/anne/weight_kg"], "62.52");
  Json attributes = Json::parse(states["declouder/people/anne/measurement"]);
  EXPECT_EQ(attributes["fat_percent"], 24.35);  // the attributes are the one JSON
  EXPECT_EQ(attributes["gateway"], "hall");
  DomoticzSettings d;
  d.sensors = {{1, "fat_percent", "anne"}, {2, "bmr_kcal", ""}, {3, "body_type", ""}};
  auto msgs = domoticz_messages(d, anne());
  ASSERT_EQ(msgs.size(), 2u);  // body_type is no number
  EXPECT_EQ(Json::parse(msgs[0].payload)["svalue"], "24.30");
  EXPECT_EQ(Json::parse(msgs[1].payload)["svalue"], "1350.00");
}

TEST(MeasurementJson, BodyMetricsHaveTheContractKeysInOrder) {
  // `declouder body --json`: the openScale reference case (male, 30 y, 180 cm, 80 kg, 500 ohm).
  Json j = body_metrics_to_json(compute_body_metrics({Sex::male, 30, 180, 80, 500}));
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"bmi", "fat_percent", "water_percent", "muscle_kg", "bone_kg",
                                            "visceral_fat", "bmr_kcal", "lean_body_mass_kg", "protein_percent",
                                            "metabolic_age", "body_type", "ideal_weight_kg"}));
  EXPECT_EQ(j["bmi"], 24.69);
  EXPECT_EQ(j["body_type"], "overweight");
  EXPECT_EQ(j["ideal_weight_kg"], 70);
}

TEST(MeasurementJson, WeightIsShownInThePersonsUnit) {
  // 163.32 lb stored as kg (what the Recorder keeps for a Mi scale in pounds).
  Measurement m = anne();
  m.person = "carol";
  m.weight_kg = 163.32 * 0.45359237;
  Json j = measurement_to_json(m, WeightUnit::lb);
  EXPECT_EQ(j["weight"], 163.32);
  EXPECT_EQ(j["unit"], "lb");
  EXPECT_EQ(j["person"], "carol");
  EXPECT_EQ(measurement_to_json(m, WeightUnit::st)["weight"], 11.67);
  EXPECT_EQ(measurement_to_json(m, WeightUnit::jin)["weight"], 148.16);
}

}  // namespace
}  // namespace declouder
