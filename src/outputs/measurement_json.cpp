#include "outputs/measurement_json.hpp"

#include <cctype>

namespace declouder {

const std::vector<MetricInfo>& body_metric_infos() {
  static const std::vector<MetricInfo> infos = {
      {"weight_kg", "Weight", "kg", "weight", 3},
      {"bmi", "BMI", "", "", 1},
      {"fat_percent", "Body fat", "%", "", 1},
      {"water_percent", "Body water", "%", "", 1},
      {"muscle_kg", "Muscle mass", "kg", "weight", 2},
      {"bone_kg", "Bone mass", "kg", "weight", 2},
      {"visceral_fat", "Visceral fat", "", "", 1},
      {"bmr_kcal", "Basal metabolism", "kcal", "", 0},
      {"metabolic_age", "Metabolic age", "a", "", 0},
      {"lean_body_mass_kg", "Lean body mass", "kg", "weight", 2},
      {"protein_percent", "Protein", "%", "", 1},
      {"ideal_weight_kg", "Ideal weight", "kg", "weight", 2},
      {"impedance_ohm", "Impedance", "\xce\xa9", "", 1},
  };
  return infos;
}

std::optional<double> metric_value(const Measurement& m, std::string_view key) {
  const BodyMetrics& b = m.metrics;
  if (key == "weight_kg") return m.weight_kg;
  if (key == "impedance_ohm") return m.impedance_ohm;
  if (key == "bmi") return b.bmi;
  if (key == "fat_percent") return b.fat_percent;
  if (key == "water_percent") return b.water_percent;
  if (key == "muscle_kg") return b.muscle_kg;
  if (key == "bone_kg") return b.bone_kg;
  if (key == "visceral_fat") return b.visceral_fat;
  if (key == "bmr_kcal") return b.bmr_kcal;
  if (key == "metabolic_age") return b.metabolic_age;
  if (key == "lean_body_mass_kg") return b.lean_body_mass_kg;
  if (key == "protein_percent") return b.protein_percent;
  if (key == "ideal_weight_kg") return b.ideal_weight_kg;
  return std::nullopt;
}

std::string slug(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "unnamed" : out;
}

Json measurement_to_json(const Measurement& m) {
  Json j;
  j["uid"] = m.uid;
  if (m.id) j["id"] = m.id;
  if (!m.person.empty()) j["person"] = m.person;
  j["model"] = m.model;
  if (m.address) j["address"] = m.address->str();
  j["measured_at"] = iso8601_utc_us(m.time_us);
  if (m.device_time) j["device_time"] = iso8601(*m.device_time);
  for (const MetricInfo& info : body_metric_infos()) {
    if (auto v = metric_value(m, info.key)) j[std::string(info.key)] = json_number(*v, info.decimals);
  }
  if (m.metrics.body_type) j["body_type"] = *m.metrics.body_type;
  if (!m.metrics.skipped.empty()) {
    Json s = Json::object();
    for (const auto& [metric, why] : m.metrics.skipped) s[metric] = why;
    j["skipped"] = s;
  }
  return j;
}

}  // namespace declouder
