// The JSON shape of a stored measurement, shared by the JSON-lines stream, the
// MQTT payloads and the log, so they never disagree. It extends the reading's
// shape (outputs/reading_json.hpp) with what the store added: the row id, the
// deterministic uid, the person and the body-composition metrics.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/measurement.hpp"
#include "outputs/reading_json.hpp"

namespace declouder {

// Keys: uid, id (when stored), person (when assigned), model, address, measured_at
// (ISO 8601 UTC), device_time, weight_kg, impedance_ohm, then the metrics that
// could be computed (bmi, fat_percent, ...) and "skipped" reasons.
Json measurement_to_json(const Measurement& m);

// One body-composition metric: its JSON/MQTT key, what Home Assistant needs to
// show it, and how to read it from BodyMetrics. The one list every output uses.
struct MetricInfo {
  std::string_view key;           // "fat_percent": JSON key and MQTT topic leaf
  std::string_view label;         // "Body fat"
  std::string_view unit;          // "%", "kg", "" for none
  std::string_view device_class;  // Home Assistant device class, "" for none
  int decimals;
};
const std::vector<MetricInfo>& body_metric_infos();
// The numeric value of a metric of `m` (weight_kg and impedance_ohm included), if present.
std::optional<double> metric_value(const Measurement& m, std::string_view key);

// Lowercase letters, digits and '_' only: "Anne-Marie" -> "anne_marie".
// What MQTT topic levels and Home Assistant object ids may contain.
std::string slug(std::string_view text);

}  // namespace declouder
