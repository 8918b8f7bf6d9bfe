#include "outputs/metrics_json.hpp"

namespace declouder {

namespace {
void add_metrics(Json& j, const BodyMetrics& m, bool with_skipped) {
  auto put = [&](const char* key, const std::optional<double>& v) {
    if (v) j[key] = json_number(*v, 2);
  };
  put("bmi", m.bmi);
  put("fat_percent", m.fat_percent);
  put("water_percent", m.water_percent);
  put("muscle_kg", m.muscle_kg);
  put("bone_kg", m.bone_kg);
  put("visceral_fat", m.visceral_fat);
  put("bmr_kcal", m.bmr_kcal);
  put("lean_body_mass_kg", m.lean_body_mass_kg);
  put("protein_percent", m.protein_percent);
  put("metabolic_age", m.metabolic_age);
  if (m.body_type) j["body_type"] = *m.body_type;
  put("ideal_weight_kg", m.ideal_weight_kg);
  if (with_skipped && !m.skipped.empty()) {
    Json s = Json::object();
    for (const auto& [metric, why] : m.skipped) s[metric] = why;
    j["skipped"] = s;
  }
}
}  // namespace

Json body_metrics_to_json(const BodyMetrics& m, bool with_skipped) {
  Json j = Json::object();
  add_metrics(j, m, with_skipped);
  return j;
}

Json measurement_to_json(const Measurement& m, WeightUnit display) {
  Json j;
  j["id"] = m.id;
  j["uid"] = m.uid;
  j["person"] = m.person.empty() ? Json(nullptr) : Json(m.person);
  j["time"] = iso8601_utc_s(m.time_us / 1000000);
  j["model"] = m.model;
  if (m.address) j["address"] = m.address->str();
  if (m.device_time) {
    j["device_time"] = iso8601(*m.device_time);
    if (m.device_time->unset) j["device_clock_unset"] = true;
  }
  j["weight_kg"] = json_number(m.weight_kg, 3);
  j["weight"] = json_number(from_kg(m.weight_kg, display), display == WeightUnit::kg ? 3 : 2);
  j["unit"] = std::string(unit_name(display));
  if (m.impedance_ohm) j["impedance_ohm"] = json_number(*m.impedance_ohm, 1);
  add_metrics(j, m.metrics, true);
  return j;
}

}  // namespace declouder
