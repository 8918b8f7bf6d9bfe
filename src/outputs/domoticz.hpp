// Domoticz over MQTT: its MQTT client hardware reads `domoticz/in` messages
// {"idx": N, "nvalue": 0, "svalue": "62.52"} and updates the virtual sensor
// with that idx (seed 003: a "Custom Sensor" for the weight, another for the
// metabolic age, a "Percentage" for the fat). One message per configured
// sensor whose person and metric the measurement has.
#pragma once

#include <string>
#include <vector>

#include "outputs/home_assistant.hpp"

namespace declouder {

struct DomoticzSensor {
  int idx = 0;
  std::string metric = "weight_kg";  // a key of the measurement JSON: weight_kg, fat_percent, metabolic_age, ...
  std::string person;                // "" = any person (and unassigned weighings)
};

struct DomoticzSettings {
  std::string topic = "domoticz/in";
  std::vector<DomoticzSensor> sensors;
};

std::vector<MqttMessage> domoticz_messages(const DomoticzSettings& s, const std::string& body_json);

}  // namespace declouder
