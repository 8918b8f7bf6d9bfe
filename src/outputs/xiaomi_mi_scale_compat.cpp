#include "outputs/xiaomi_mi_scale_compat.hpp"

#include <nlohmann/json.hpp>

#include "outputs/measurement_json.hpp"

namespace declouder {

namespace {
// A topic level from a name: MQTT forbids nothing but '/', '+' and '#' there.
std::string topic_level(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    if (c == '/' || c == '+' || c == '#') c = '_';
  return out;
}
}  // namespace

std::optional<MqttMessage> xiaomi_mi_scale_message(const Measurement& m, WeightUnit unit, const std::string& prefix) {
  if (m.person.empty()) return std::nullopt;
  const WeightUnit shown = unit == WeightUnit::st ? WeightUnit::lb : unit;
  const BodyMetrics& b = m.metrics;
  Json j;
  j["weight"] = json_number(from_kg(m.weight_kg, shown), 2);
  j["weight_unit"] = shown == WeightUnit::lb ? "lbs" : std::string(unit_name(shown));
  auto put = [&j](const char* key, const std::optional<double>& v, int decimals = 2) {
    if (v) j[key] = json_number(*v, decimals);
  };
  put("bmi", b.bmi);
  put("basal_metabolism", b.bmr_kcal);
  put("visceral_fat", b.visceral_fat);
  if (m.impedance_ohm) {
    put("lean_body_mass", b.lean_body_mass_kg);
    put("body_fat", b.fat_percent);
    put("water", b.water_percent);
    put("bone_mass", b.bone_kg);
    put("muscle_mass", b.muscle_kg);
    put("protein", b.protein_percent);
    if (b.body_type) j["body_type"] = *b.body_type;
    put("metabolic_age", b.metabolic_age, 0);
    j["impedance"] = json_number(*m.impedance_ohm, 0);
  }
  std::string t = iso8601_utc_s(m.time_us / 1000000);  // "2026-11-21T07:00:00Z"
  if (!t.empty() && t.back() == 'Z') t.replace(t.size() - 1, 1, "+00:00");
  j["timestamp"] = t;
  return MqttMessage{prefix + "/" + topic_level(m.person) + "/weight", j.dump(), true};
}

void XiaomiMiScaleCompatOutput::start(const OutputHistory&, std::function<void()> wake) {
  presence_.wake = std::move(wake);
  connection_.add_listener(&presence_);
}

void XiaomiMiScaleCompatOutput::deliver(const OutgoingMeasurement& o, Done done) {
  std::vector<MqttMessage> messages;
  if (auto m = xiaomi_mi_scale_message(o.measurement, o.unit)) messages.push_back(std::move(*m));
  publish_all(connection_, messages, 2, std::move(done));
}

}  // namespace declouder
