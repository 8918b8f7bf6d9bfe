#include "outputs/domoticz.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/person.hpp"
#include "outputs/measurement_json.hpp"

namespace declouder {

std::string domoticz_type_fits(std::string_view type, std::string_view metric) {
  const MetricInfo* info = metric_info(metric);
  if (type == "custom") return {};
  if (type == "weight")
    return info && info->unit == "kg" ? std::string() : "a weight sensor shows a mass (weight_kg, muscle_kg, bone_kg, ...)";
  if (type == "percentage")
    return info && info->unit == "%" ? std::string() : "a percentage sensor shows a % metric (fat_percent, water_percent, ...)";
  return "unknown Domoticz sensor type '" + std::string(type) + "' (custom, weight or percentage)";
}

std::vector<MqttMessage> domoticz_messages(const DomoticzSettings& s, const Measurement& m, WeightUnit unit) {
  std::vector<MqttMessage> out;
  for (const DomoticzSensor& d : s.sensors) {
    // `person` names a person by name or by id.
    if (!d.person.empty() && d.person != m.person && person_id_from_name(d.person) != person_id_of(m)) continue;
    const MetricInfo* info = metric_info(d.metric);
    const auto value = metric_value(m, d.metric);
    if (!info || !value) continue;  // not computed for this weighing, or not a number (body_type)
    char svalue[32];
    // Masses in the person's unit for a person's own sensor (ShownMetric), kg for anybody's.
    const WeightUnit shown = d.person.empty() ? WeightUnit::kg : unit;
    std::snprintf(svalue, sizeof svalue, "%.2f", shown_value(*info, *value, shown));
    Json msg = {{"idx", d.idx}, {"nvalue", 0}, {"svalue", svalue}};
    out.push_back({s.topic, msg.dump()});
  }
  return out;
}

}  // namespace declouder
