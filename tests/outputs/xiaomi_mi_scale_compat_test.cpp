#include "outputs/xiaomi_mi_scale_compat.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "outputs/measurement_json.hpp"

namespace declouder {
namespace {

Measurement remi() {
  Measurement m;
  m.uid = "m-1";
  m.person = "Remi";
  m.person_id = "remi";
  m.model = "xiaomi-mi-scale-2";
  m.time_us = 1'612'534'577'439'167;  // 2021-02-05T14:16:17.439167Z
  m.weight_kg = 62.3;
  m.impedance_ohm = 503;
  m.metrics.bmi = 19.666;
  m.metrics.bmr_kcal = 1353.4;
  m.metrics.visceral_fat = 3.5;
  m.metrics.lean_body_mass_kg = 48.8;
  m.metrics.fat_percent = 21.64;
  m.metrics.water_percent = 53.75;
  m.metrics.bone_kg = 2.88;
  m.metrics.muscle_kg = 45.77;
  m.metrics.protein_percent = 20.62;
  m.metrics.body_type = "Balanced";
  m.metrics.metabolic_age = 38;
  return m;
}

// The keys seed 003's Node-RED flow reads from lolouk44/xiaomi_mi_scale, in its order.
TEST(XiaomiMiScaleCompat, TheTopicAndKeysOfLolouk44) {
  auto msg = xiaomi_mi_scale_message(remi(), WeightUnit::kg);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->topic, "miscale/Remi/weight");
  EXPECT_TRUE(msg->retain);
  Json j = Json::parse(msg->payload);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> want = {"weight",      "weight_unit", "bmi",      "basal_metabolism", "visceral_fat",
                                   "lean_body_mass", "body_fat", "water",    "bone_mass",        "muscle_mass",
                                   "protein",     "body_type",   "metabolic_age", "impedance",   "timestamp"};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(keys, want);
  EXPECT_EQ(j["weight"], 62.3);
  EXPECT_EQ(j["weight_unit"], "kg");
  EXPECT_EQ(j["bmi"], 19.67);
  EXPECT_EQ(j["basal_metabolism"], 1353.4);
  EXPECT_EQ(j["body_fat"], 21.64);
  EXPECT_EQ(j["muscle_mass"], 45.77);
  EXPECT_EQ(j["body_type"], "Balanced");
  EXPECT_EQ(j["metabolic_age"], 38);
  EXPECT_EQ(j["impedance"], 503);
  EXPECT_EQ(j["timestamp"], "2021-02-05T14:16:17+00:00");
}

TEST(XiaomiMiScaleCompat, WithoutImpedanceOnlyTheWeightMetrics) {
  Measurement m = remi();
  m.impedance_ohm.reset();
  Json j = Json::parse(xiaomi_mi_scale_message(m, WeightUnit::kg)->payload);
  for (const char* key : {"weight", "weight_unit", "bmi", "basal_metabolism", "visceral_fat", "timestamp"})
    EXPECT_TRUE(j.contains(key)) << key;
  for (const char* key : {"lean_body_mass", "body_fat", "water", "bone_mass", "muscle_mass", "protein", "body_type",
                          "metabolic_age", "impedance"})
    EXPECT_FALSE(j.contains(key)) << key;
}

TEST(XiaomiMiScaleCompat, PoundsAsThatProgramWroteThem) {
  Json lb = Json::parse(xiaomi_mi_scale_message(remi(), WeightUnit::lb)->payload);
  EXPECT_EQ(lb["weight_unit"], "lbs");
  EXPECT_EQ(lb["weight"], 137.35);
  EXPECT_EQ(lb["muscle_mass"], 45.77);  // masses stay in kg there
  EXPECT_EQ(Json::parse(xiaomi_mi_scale_message(remi(), WeightUnit::st)->payload)["weight_unit"], "lbs");
  EXPECT_EQ(Json::parse(xiaomi_mi_scale_message(remi(), WeightUnit::jin)->payload)["weight_unit"], "jin");
}

TEST(XiaomiMiScaleCompat, NobodysWeighingIsNotPublished) {
  Measurement m = remi();
  m.person.clear();
  m.person_id.clear();
  EXPECT_FALSE(xiaomi_mi_scale_message(m, WeightUnit::kg));
  m.person = "A/B+#";
  EXPECT_EQ(xiaomi_mi_scale_message(m, WeightUnit::kg)->topic, "miscale/A_B__/weight");
}

}  // namespace
}  // namespace declouder
