#include "outputs/domoticz.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/person.hpp"
#include "outputs/measurement_json.hpp"

namespace declouder {

std::vector<MqttMessage> domoticz_messages(const DomoticzSettings& s, const Measurement& m) {
  std::vector<MqttMessage> out;
  for (const DomoticzSensor& d : s.sensors) {
    // `person` names a person by name or by id.
    if (!d.person.empty() && d.person != m.person && person_id_from_name(d.person) != person_id_of(m)) continue;
    const MetricInfo* info = metric_info(d.metric);
    const auto value = metric_value(m, d.metric);
    if (!info || !value) continue;  // not computed for this weighing, or not a number (body_type)
    char svalue[32];
    std::snprintf(svalue, sizeof svalue, "%.2f", round_to(*value, info->decimals));
    Json msg = {{"idx", d.idx}, {"nvalue", 0}, {"svalue", svalue}};
    out.push_back({s.topic, msg.dump()});
  }
  return out;
}

}  // namespace declouder
