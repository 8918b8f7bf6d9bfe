// The one JSON shape of a stored measurement, used by every command and every
// output: `history --json`, `record --json`, `assign --json`, the JSON-lines
// output, the gateway's MQTT feed, the Home Assistant attributes and the
// gateway's outbox. docs/schema.md ("The measurement JSON") documents it key by
// key. It grew out of two older shapes (the commands' one with `time` in
// seconds and `person: null`, the outputs' one with `measured_at` in
// microseconds); every key either had is still here, so nothing that read
// either breaks.
//
// body_metrics_to_json() is the metrics part of the same shape (`declouder
// body --json`). The metric list with what Home Assistant needs to show each
// one, metric_value() and slug() live here too: every output takes its keys
// from this one list.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/measurement.hpp"
#include "core/reading.hpp"
#include "outputs/reading_json.hpp"

namespace declouder {

// How numbers are written. `rounded` is what people and other programs read
// (weights to the gram, metrics to 2 decimals, impedance to 0.1 ohm). `exact`
// keeps every digit: the gateway's outbox stores the measurement that way, so
// what it gives back to the outputs later is exactly what they would have had
// at once (no rounding twice).
enum class JsonNumbers { rounded, exact };

// Keys, in this order (docs/schema.md has the meaning of each):
//   id, uid, person (null while unassigned), time (ISO 8601 UTC, seconds),
//   measured_at (the same instant with microseconds), model, address (when
//   known), device_time and device_clock_unset (when the device reported a
//   clock; the second only when it was never set), weight_kg, weight and unit
//   (in `display`, the person's preferred unit), impedance_ohm (when measured),
//   impedance_low_ohm, impedance_high_ohm, heart_rate_bpm, profile_id (when the
//   scale sent them: dual-frequency scales such as the Xiaomi S400),
//   then the metrics computed (body_metrics_to_json below) and "skipped".
Json measurement_to_json(const Measurement& m, WeightUnit display = WeightUnit::kg,
                         JsonNumbers numbers = JsonNumbers::rounded);

// Keys, in this order, each only when computed: bmi, fat_percent,
// water_percent, muscle_kg, bone_kg, visceral_fat, bmr_kcal,
// lean_body_mass_kg, protein_percent, metabolic_age, body_type,
// ideal_weight_kg (numbers rounded to 2 decimals); then, when
// `with_skipped` and something was skipped, "skipped": {metric: reason}.
Json body_metrics_to_json(const BodyMetrics& m, bool with_skipped = true, JsonNumbers numbers = JsonNumbers::rounded);

// The inverse of measurement_to_json(), for the gateway's outbox. It also reads
// what outboxes written before the shape was unified hold (no `time`, `weight`
// or `unit`; no `person` key while unassigned). `unit` is the display unit the
// text names, if it names one. Throws std::invalid_argument when the text is
// not a measurement (not an object, no uid or no weight_kg).
struct MeasurementFromJson {
  Measurement measurement;
  std::optional<WeightUnit> unit;
};
MeasurementFromJson measurement_from_json(std::string_view text);

// One body-composition metric: its JSON/MQTT key, what Home Assistant needs to
// show it, and how to read it from BodyMetrics. The one list every output uses.
struct MetricInfo {
  std::string_view key;           // "fat_percent": JSON key and MQTT topic leaf
  std::string_view label;         // "Body fat"
  std::string_view unit;          // "%", "kg", "" for none
  std::string_view device_class;  // Home Assistant device class, "" for none
  int decimals;                   // how Home Assistant and Domoticz show it (states are rounded to it)
};
const std::vector<MetricInfo>& body_metric_infos();
// The numeric value of a metric of `m` (weight_kg and impedance_ohm included), if present.
std::optional<double> metric_value(const Measurement& m, std::string_view key);
// The MetricInfo of a key, if it is one (weight_kg, impedance_ohm and the metrics).
const MetricInfo* metric_info(std::string_view key);

// The id of the measurement's person (Person::id): `person_id`, else derived from
// the name (a Measurement made by hand); empty while unassigned. What every
// person topic and entity id is made of.
std::string person_id_of(const Measurement& m);

// Lowercase letters, digits and '_' only: "Anne-Marie" -> "anne_marie".
// What MQTT topic levels and Home Assistant object ids may contain.
std::string slug(std::string_view text);

}  // namespace declouder
