// declouder's own files of measurements: `export --format csv` (one row per measurement,
// for spreadsheets) and `export --format json` (an array of the measurement JSON,
// docs/schema.md). Both carry every key of the measurement JSON that a row can hold.
#pragma once

#include <span>
#include <string>

#include "core/measurement.hpp"
#include "core/reading.hpp"

namespace declouder {

struct ExportedMeasurement {
  Measurement measurement;
  WeightUnit unit = WeightUnit::kg;  // the person's preferred unit: `weight` and `unit` are in it
};

// Header: id,uid,person,measured_at,model,address,weight_kg,weight,unit,impedance_ohm, then
// every metric of body_metric_infos() (bmi, fat_percent, ..., ideal_weight_kg), then body_type. measured_at is
// ISO 8601 UTC; an empty cell is a value not measured or not computed.
std::string measurements_csv(std::span<const ExportedMeasurement> rows);
// "[\n{...},\n{...}\n]\n": one measurement JSON object per line, in an array.
std::string measurements_json(std::span<const ExportedMeasurement> rows);

}  // namespace declouder
