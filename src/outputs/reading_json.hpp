// The JSON shape of a reading, shared by `decode`, `capture decode`, `read`
// and `scan`, so they never disagree. The measurement shape
// (outputs/measurement_json.hpp) builds on the same number rules.
//
// Only the forward declaration of nlohmann::ordered_json is included here: a
// .cpp that builds or reads JSON includes <nlohmann/json.hpp> itself, so the
// heavy header is compiled only where it is used.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "core/reading.hpp"

namespace declouder {

using Json = nlohmann::ordered_json;

// Keys: model, address (when known), weight_kg, impedance_ohm, impedance_low_ohm,
// impedance_high_ohm (when present), stabilized, device_time (ISO 8601, when present), unit;
// then, when present: load_removed, object, heart_rate_bpm, battery_percent, user_slot, profile_id, steps,
// device_clock_unset, and the device's own metrics by name.
Json reading_to_json(const Reading& r);

// Rounds to a number of decimals, for output (3 for kg: grams).
double round_to(double v, int decimals);
// A rounded number for JSON: whole values print without ".0" (503, not 503.0).
Json json_number(double v, int decimals);

}  // namespace declouder
