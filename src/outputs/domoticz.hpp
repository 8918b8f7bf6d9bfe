// Domoticz over MQTT: its MQTT client hardware reads `domoticz/in` messages
// {"idx": N, "nvalue": 0, "svalue": "62.52"} and updates the virtual sensor
// with that idx (a "Custom Sensor" for the weight, another for the metabolic
// age, a "Percentage" for the fat). One message per configured sensor whose
// person and metric the measurement has. domoticz_messages() is the pure
// formatter; outputs/domoticz_output.hpp publishes what it builds.
#pragma once

#include <string>
#include <vector>

#include "core/measurement.hpp"
#include "outputs/home_assistant.hpp"

namespace declouder {

struct DomoticzSensor {
  int idx = 0;
  std::string metric = "weight_kg";  // a metric key (outputs/measurement_json.hpp): weight_kg, fat_percent, metabolic_age, ...
  std::string person;                // "" = any person (and unassigned weighings)
};

struct DomoticzSettings {
  std::string topic = "domoticz/in";
  std::vector<DomoticzSensor> sensors;
};

// The value is the metric rounded to its own decimals (MetricInfo), written with
// two: fat 24.31 % is "24.30", as Home Assistant's state shows 24.3.
std::vector<MqttMessage> domoticz_messages(const DomoticzSettings& s, const Measurement& m);

}  // namespace declouder
