// Domoticz over MQTT: its MQTT client hardware (domoticz hardware/MQTT.cpp) reads
// `domoticz/in` messages {"idx": N, "nvalue": 0, "svalue": "62.52"} and updates
// the virtual sensor with that idx: a Dummy hardware "Scale" (weight) sensor or a
// "Custom Sensor" for the weight, a "Percentage" for the fat, a Custom Sensor for
// the metabolic age. One message per configured sensor whose person and metric
// the measurement has. A sensor of one person shows masses in that person's unit
// (kg, lb, st, jin), as their Home Assistant entities do; a sensor of anybody
// (no `person`) in kg. domoticz_messages() is the pure formatter;
// outputs/domoticz_output.hpp publishes what it builds.
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
  // The Domoticz sensor type it is ([[domoticz.sensor]] type): "custom" (Custom
  // Sensor, any metric), "weight" (Dummy "Scale": a mass metric) or "percentage"
  // (a % metric). The message is the same; the config refuses a metric the type
  // cannot show (domoticz_type_fits).
  std::string type = "custom";
};

// Whether a sensor of `type` can show `metric` (an error message when not, "" when it can).
std::string domoticz_type_fits(std::string_view type, std::string_view metric);

struct DomoticzSettings {
  std::string topic = "domoticz/in";
  std::vector<DomoticzSensor> sensors;
};

// The value is the metric rounded to its own decimals (MetricInfo), written with
// two: fat 24.31 % is "24.30", as Home Assistant's state shows 24.3.
// `unit` is the measurement's person's unit.
std::vector<MqttMessage> domoticz_messages(const DomoticzSettings& s, const Measurement& m,
                                           WeightUnit unit = WeightUnit::kg);

}  // namespace declouder
