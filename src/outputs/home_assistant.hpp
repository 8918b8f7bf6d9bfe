// Home Assistant MQTT discovery and the state messages its entities read.
// Pure functions of a Measurement: they build (topic, payload) pairs;
// outputs/home_assistant_output.hpp publishes them.
//
// Devices (the discovery rules of Home Assistant's MQTT integration, home-assistant.io
// source/_integrations/mqtt.markdown; docs/home-assistant.md shows the result):
//   - one per person: weight, BMI, fat, water, muscle, bone, visceral fat,
//     basal metabolism, metabolic age, lean mass, protein, ideal weight,
//     impedance, body type and the time of the last weighing; its state topics
//     are declouder/people/<person id>/<metric> (Person::id);
//   - one per scale: last weight, impedance, last seen, and battery when the
//     scale reports one (Mi scales do not); `via_device` is the
//     gateway that delivers for it; connections [["mac", address]];
//   - one per gateway: a connectivity sensor fed by its status topic.
// Every entity has unique_id (= object id), device_class/state_class/unit where
// Home Assistant has them, force_update (weighing the same weight twice is two
// weighings), and availability = the status topics of every known gateway with
// mode "any" (their last wills say "offline").
// Configs go to <prefix>/<component>/<unique_id>/config, retained, and are sent
// again when <prefix>/status says "online".
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/measurement.hpp"
#include "core/reading.hpp"
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
                                          const std::string& name);
std::vector<MqttMessage> scale_discovery(const HomeAssistantNaming& n, const std::string& address,
                                         const std::string& model);

// The battery of a scale that reports one (a standard scale's Battery Level): a
// diagnostic battery sensor on the same Home Assistant device as the scale's
// other entities, and its retained state on <base>/scales/<mac>/battery.
MqttMessage scale_battery_discovery(const HomeAssistantNaming& n, const std::string& address, const std::string& model);
MqttMessage scale_battery_state(const HomeAssistantNaming& n, const std::string& address, int percent);

// The state messages of one delivered measurement: per-metric topics for the
// person (when assigned) and the scale, each number rounded to the metric's
// decimals (MetricInfo), plus the whole measurement on .../measurement (the
// entities' attributes: the one measurement JSON, outputs/measurement_json.hpp,
// with `gateway`). `unit` is the person's display unit (`weight` and `unit` in
// the attributes).
std::vector<MqttMessage> measurement_states(const HomeAssistantNaming& n, const Measurement& m,
                                            WeightUnit unit = WeightUnit::kg);

}  // namespace declouder
