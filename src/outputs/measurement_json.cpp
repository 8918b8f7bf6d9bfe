#include "outputs/measurement_json.hpp"

#include <cctype>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/person.hpp"

namespace declouder {

namespace {

// The numeric metrics in their JSON order; body_type goes between metabolic_age and
// ideal_weight_kg (the order `declouder body --json` has always printed).
struct MetricField {
  const char* key;
  std::optional<double> BodyMetrics::*field;
};
constexpr MetricField kBeforeBodyType[] = {
    {"bmi", &BodyMetrics::bmi},
    {"fat_percent", &BodyMetrics::fat_percent},
    {"water_percent", &BodyMetrics::water_percent},
    {"muscle_kg", &BodyMetrics::muscle_kg},
    {"bone_kg", &BodyMetrics::bone_kg},
    {"visceral_fat", &BodyMetrics::visceral_fat},
    {"bmr_kcal", &BodyMetrics::bmr_kcal},
    {"lean_body_mass_kg", &BodyMetrics::lean_body_mass_kg},
    {"protein_percent", &BodyMetrics::protein_percent},
    {"metabolic_age", &BodyMetrics::metabolic_age},
};
constexpr MetricField kAfterBodyType[] = {
    {"ideal_weight_kg", &BodyMetrics::ideal_weight_kg},
};

Json number(double v, int decimals, JsonNumbers numbers) {
  return numbers == JsonNumbers::exact ? Json(v) : json_number(v, decimals);
}

void add_metrics(Json& j, const BodyMetrics& m, bool with_skipped, JsonNumbers numbers) {
  for (const MetricField& f : kBeforeBodyType)
    if (const auto& v = m.*f.field) j[f.key] = number(*v, 2, numbers);
  if (m.body_type) j["body_type"] = *m.body_type;
  for (const MetricField& f : kAfterBodyType)
    if (const auto& v = m.*f.field) j[f.key] = number(*v, 2, numbers);
  if (with_skipped && !m.skipped.empty()) {
    Json s = Json::object();
    for (const auto& [metric, why] : m.skipped) s[metric] = why;
    j["skipped"] = s;
  }
}

std::optional<double> optional_number(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<int> optional_int(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  const auto v = it->get<std::int64_t>();
  if (v < 0 || v > 65535) return std::nullopt;  // a heart rate or a profile number, never more
  return static_cast<int>(v);
}

std::string optional_text(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "2022-02-14T16:41:58" (a wall clock) or "2024-03-17T19:59:33Z" (a device counting UTC).
std::optional<DeviceClock> device_clock(const std::string& text, bool unset) {
  const auto us = parse_iso8601_us(text);
  if (!us) return std::nullopt;
  DeviceClock c;
  c.civil = civil_from_unix(*us / 1000000);
  c.utc = !text.empty() && text.back() == 'Z';
  c.unset = unset;
  return c;
}

}  // namespace

const std::vector<MetricInfo>& body_metric_infos() {
  static const std::vector<MetricInfo> infos = {
      {"weight_kg", "Weight", "kg", "weight", 2},
      {"bmi", "BMI", "kg/m\xc2\xb2", "", 1},
      {"fat_percent", "Body fat", "%", "", 1},
      {"water_percent", "Body water", "%", "", 1},
      {"muscle_kg", "Muscle mass", "kg", "weight", 2},
      {"bone_kg", "Bone mass", "kg", "weight", 2},
      {"visceral_fat", "Visceral fat", "", "", 1},
      {"bmr_kcal", "Basal metabolism", "kcal", "", 0},
      {"metabolic_age", "Metabolic age", "y", "", 0},
      {"lean_body_mass_kg", "Lean body mass", "kg", "weight", 2},
      {"protein_percent", "Protein", "%", "", 1},
      {"ideal_weight_kg", "Ideal weight", "kg", "weight", 2},
      {"impedance_ohm", "Impedance", "\xce\xa9", "", 0},
  };
  return infos;
}

const MetricInfo* metric_info(std::string_view key) {
  for (const MetricInfo& m : body_metric_infos())
    if (m.key == key) return &m;
  return nullptr;
}

std::optional<double> metric_value(const Measurement& m, std::string_view key) {
  if (key == "weight_kg") return m.weight_kg;
  if (key == "impedance_ohm") return m.impedance_ohm;
  for (const MetricField& f : kBeforeBodyType)
    if (key == f.key) return m.metrics.*f.field;
  for (const MetricField& f : kAfterBodyType)
    if (key == f.key) return m.metrics.*f.field;
  return std::nullopt;
}

std::string person_id_of(const Measurement& m) {
  if (m.person.empty()) return {};
  return m.person_id.empty() ? person_id_from_name(m.person) : m.person_id;
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

Json body_metrics_to_json(const BodyMetrics& m, bool with_skipped, JsonNumbers numbers) {
  Json j = Json::object();
  add_metrics(j, m, with_skipped, numbers);
  return j;
}

Json measurement_to_json(const Measurement& m, WeightUnit display, JsonNumbers numbers) {
  Json j;
  j["id"] = m.id;
  j["uid"] = m.uid;
  j["person"] = m.person.empty() ? Json(nullptr) : Json(m.person);
  j["person_id"] = m.person.empty() ? Json(nullptr) : Json(person_id_of(m));
  j["time"] = iso8601_utc_s(m.time_us / 1000000);
  j["measured_at"] = iso8601_utc_us(m.time_us);
  j["model"] = m.model;
  if (m.address) j["address"] = m.address->str();
  if (m.device_time) {
    j["device_time"] = iso8601(*m.device_time);
    if (m.device_time->unset) j["device_clock_unset"] = true;
  }
  j["weight_kg"] = number(m.weight_kg, 3, numbers);
  j["weight"] = number(from_kg(m.weight_kg, display), display == WeightUnit::kg ? 3 : 2, numbers);
  j["unit"] = std::string(unit_name(display));
  if (m.impedance_ohm) j["impedance_ohm"] = number(*m.impedance_ohm, 1, numbers);
  if (m.impedance_low_ohm) j["impedance_low_ohm"] = number(*m.impedance_low_ohm, 1, numbers);
  if (m.impedance_high_ohm) j["impedance_high_ohm"] = number(*m.impedance_high_ohm, 1, numbers);
  if (m.heart_rate_bpm) j["heart_rate_bpm"] = *m.heart_rate_bpm;
  if (m.profile_id) j["profile_id"] = *m.profile_id;
  add_metrics(j, m.metrics, true, numbers);
  return j;
}

MeasurementFromJson measurement_from_json(std::string_view text) {
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) throw std::invalid_argument("not a JSON object");
  MeasurementFromJson out;
  Measurement& m = out.measurement;
  m.uid = optional_text(j, "uid");
  const auto weight = optional_number(j, "weight_kg");
  std::optional<std::int64_t> time_us = parse_iso8601_us(optional_text(j, "measured_at"));
  if (!time_us) time_us = parse_iso8601_us(optional_text(j, "time"));
  if (m.uid.empty() || !weight) throw std::invalid_argument("not a measurement (no uid or weight_kg)");
  m.weight_kg = *weight;
  m.time_us = time_us.value_or(0);
  if (auto id = j.find("id"); id != j.end() && id->is_number_integer()) m.id = id->get<std::int64_t>();
  m.person = optional_text(j, "person");  // null and absent: unassigned
  m.person_id = optional_text(j, "person_id");
  if (!m.person.empty() && !is_person_id(m.person_id)) m.person_id = person_id_from_name(m.person);  // written before ids
  m.model = optional_text(j, "model");
  if (auto a = optional_text(j, "address"); !a.empty()) m.address = MacAddress::parse(a);
  if (auto t = optional_text(j, "device_time"); !t.empty()) {
    auto unset = j.find("device_clock_unset");
    m.device_time = device_clock(t, unset != j.end() && unset->is_boolean() && unset->get<bool>());
  }
  m.impedance_ohm = optional_number(j, "impedance_ohm");
  m.impedance_low_ohm = optional_number(j, "impedance_low_ohm");
  m.impedance_high_ohm = optional_number(j, "impedance_high_ohm");
  m.heart_rate_bpm = optional_int(j, "heart_rate_bpm");
  m.profile_id = optional_int(j, "profile_id");
  for (const MetricField& f : kBeforeBodyType) m.metrics.*f.field = optional_number(j, f.key);
  for (const MetricField& f : kAfterBodyType) m.metrics.*f.field = optional_number(j, f.key);
  if (auto b = optional_text(j, "body_type"); !b.empty()) m.metrics.body_type = b;
  if (auto s = j.find("skipped"); s != j.end() && s->is_object())
    for (const auto& [metric, why] : s->items())
      m.metrics.skipped.emplace_back(metric, why.is_string() ? why.get<std::string>() : why.dump());
  if (auto u = optional_text(j, "unit"); !u.empty()) out.unit = parse_unit(u);
  return out;
}

}  // namespace declouder
