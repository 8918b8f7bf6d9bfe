// The JSON shapes of body metrics and of stored measurements, shared by
// `declouder body`, `declouder history` and anything that publishes
// measurements (MQTT, JSON lines), so they never disagree.
#pragma once

#include <optional>

#include "core/measurement.hpp"
#include "core/reading.hpp"
#include "outputs/reading_json.hpp"

namespace declouder {

// Keys, in this order, each only when computed: bmi, fat_percent,
// water_percent, muscle_kg, bone_kg, visceral_fat, bmr_kcal,
// lean_body_mass_kg, protein_percent, metabolic_age, body_type,
// ideal_weight_kg (numbers rounded to 2 decimals); then, when
// `with_skipped` and something was skipped, "skipped": {metric: reason}.
Json body_metrics_to_json(const BodyMetrics& m, bool with_skipped = true);

// id, uid, person (null while unassigned), time (ISO 8601 UTC), model,
// address, device_time, weight_kg, weight and unit (in `display` unit, the
// person's preferred one), impedance_ohm, then the metrics as above.
Json measurement_to_json(const Measurement& m, WeightUnit display = WeightUnit::kg);

}  // namespace declouder
