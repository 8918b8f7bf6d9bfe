#include "outputs/domoticz.hpp"

#include <cstdio>

#include "outputs/measurement_json.hpp"

namespace declouder {

std::vector<MqttMessage> domoticz_messages(const DomoticzSettings& s, const std::string& body_json) {
  std::vector<MqttMessage> out;
  if (s.sensors.empty()) return out;
  const Json body = Json::parse(body_json);
  const std::string person = body.value("person", "");
  for (const DomoticzSensor& d : s.sensors) {
    if (!d.person.empty() && slug(d.person) != slug(person)) continue;
    if (!body.contains(d.metric) || !body[d.metric].is_number()) continue;
    char svalue[32];
    std::snprintf(svalue, sizeof svalue, "%.2f", body[d.metric].get<double>());
    Json msg = {{"idx", d.idx}, {"nvalue", 0}, {"svalue", svalue}};
    out.push_back({s.topic, msg.dump()});
  }
  return out;
}

}  // namespace declouder
