// Home Assistant MQTT discovery and the state messages its entities read.
// Pure functions of a Measurement: they build (topic, payload) pairs;
// outputs/home_assistant_output.hpp publishes them.
//
// Devices (the discovery rules of Home Assistant's MQTT integration: home-assistant/core
// homeassistant/components/mqtt/discovery.py, schemas.py, entity.py, sensor.py and
// homeassistant/components/sensor/const.py; docs/home-assistant.md shows the result):
//   - one per person: weight, BMI, fat, water, muscle, bone, visceral fat,
//     basal metabolism, metabolic age, lean mass, protein, ideal weight,
//     impedance, body type and the time of the last weighing; its state topics
//     are declouder/people/<person id>/<metric> (Person::id). Masses are in the
//     person's unit (kg, lb, st; jin without a device class, Home Assistant has
//     no jin), each with the decimals its state is rounded to;
//   - one per scale: last weight, impedance, last seen, and battery when the
//     scale reports one (Mi scales do not); its model and manufacturer come from
//     the device's descriptor (devices/registry.hpp), connections [["mac", address]],
//     and `via_device` is the first gateway by id among those known, so that
//     every gateway on the broker writes the same retained config;
//   - one per gateway: a connectivity sensor fed by its status topic.
// Every entity has unique_id and default_entity_id (<component>.<unique_id>; Home
// Assistant 2025.10 replaced object_id by it), device_class/state_class/unit where
// Home Assistant has them, force_update (weighing the same weight twice is two
// weighings), and availability = the status topics of every known gateway with
// mode "any" (their last wills say "offline").
// Configs go to <prefix>/<component>/<unique_id>/config, retained; an empty
// retained config removes an entity (person_removal). States are retained too, so
// a restarted Home Assistant reads the last weighing from the broker at once; a
// metric the weighing does not have is sent as "None" (Home Assistant's "unknown")
// rather than left showing the previous weighing's value.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/measurement.hpp"
#include "core/reading.hpp"
#include "outputs/measurement_json.hpp"
#include "outputs/mqtt_message.hpp"

namespace declouder {

struct HomeAssistantNaming {
  std::string discovery_prefix = "homeassistant";
  std::string base = "declouder";  // our topic root
  std::string gateway_id;
  std::set<std::string> gateways;  // every gateway known (availability list), gateway_id included
};

std::string gateway_status_topic(const std::string& base, const std::string& gateway_id);
std::string mac_slug(const std::string& address);  // "5C:CA:D3:00:00:01" -> "5ccad3000001"

std::vector<MqttMessage> gateway_discovery(const HomeAssistantNaming& n);
// A person's entities are named after their id (Person::id, the measurement's
// `person_id`): declouder_<id>_<metric>, topics declouder/people/<id>/...; the
// Home Assistant device shows their name.
std::vector<MqttMessage> person_discovery(const HomeAssistantNaming& n, const std::string& person_id,
                                          const std::string& name, WeightUnit unit = WeightUnit::kg);
// What removes a person from Home Assistant: an empty retained config on every
// topic person_discovery() uses, and empty retained states (nothing left on the broker).
std::vector<MqttMessage> person_removal(const HomeAssistantNaming& n, const std::string& person_id);
std::vector<MqttMessage> scale_discovery(const HomeAssistantNaming& n, const std::string& address,
                                         const std::string& model);

// "Weighing for": a select on the scale's device that assigns its latest weighing.
// Options "nobody" and every configured person's name; its state is the person the
// weighing is assigned to, "nobody", or "None" (unknown) once an unassigned
// weighing is too old to be offered; its attributes are the weighing (weight,
// time, id: the scale's .../measurement). Choosing publishes the name on
// <base>/scales/<mac>/assign/set.
MqttMessage scale_assign_discovery(const HomeAssistantNaming& n, const std::string& address, const std::string& model,
                                   const std::vector<std::string>& people);
MqttMessage scale_assign_state(const HomeAssistantNaming& n, const std::string& address, const std::string& state);
std::string scale_assign_command_topic(const HomeAssistantNaming& n, const std::string& address);
inline constexpr const char* kAssignNobody = "nobody";

// The battery of a scale that reports one (a standard scale's Battery Level): a
// diagnostic battery sensor on the same Home Assistant device as the scale's
// other entities, and its retained state on <base>/scales/<mac>/battery.
MqttMessage scale_battery_discovery(const HomeAssistantNaming& n, const std::string& address, const std::string& model);
MqttMessage scale_battery_state(const HomeAssistantNaming& n, const std::string& address, int percent);

// How a metric is shown to a person whose unit is `unit`: masses (MetricInfo unit
// "kg") in that unit, everything else as MetricInfo says. Home Assistant's weight
// device class allows kg, lb and st (sensor/const.py), not jin.
struct ShownMetric {
  std::string unit;          // "lb", "%", "" for none
  std::string device_class;  // "" for none
  int decimals = 0;          // what its state is rounded to, and suggested_display_precision
};
ShownMetric shown_metric(const MetricInfo& m, WeightUnit unit);
// The value of metric `m` of a measurement as shown (ShownMetric): converted and rounded.
double shown_value(const MetricInfo& m, double value, WeightUnit unit);

// The state messages of one measurement, all retained: per-metric topics for
// the person (when assigned) and the scale, each number in the person's unit and
// rounded as ShownMetric says (the scale's own entities are in kg), "None" for a
// metric this weighing lacks, plus the whole measurement on .../measurement (the
// entities' attributes: the one measurement JSON, outputs/measurement_json.hpp,
// with `gateway`). `unit` is the person's display unit.
std::vector<MqttMessage> measurement_states(const HomeAssistantNaming& n, const Measurement& m,
                                            WeightUnit unit = WeightUnit::kg);
// The state messages of measurement_states() for the person only, or the scale only.
std::vector<MqttMessage> person_states(const HomeAssistantNaming& n, const Measurement& m, WeightUnit unit);
// The scale's entities are in kg whoever weighed; its attributes in `unit`.
std::vector<MqttMessage> scale_states(const HomeAssistantNaming& n, const Measurement& m, WeightUnit unit = WeightUnit::kg);

// The topics whose retained value says when a person's, a scale's, last state was
// made (an ISO 8601 time): what a gateway compares before it re-sends states.
std::string person_time_topic(const HomeAssistantNaming& n, const std::string& person_id);
std::string scale_time_topic(const HomeAssistantNaming& n, const std::string& address);

}  // namespace declouder
