// openScale's CSV, both ways, so that openScale users can move their history out and in.
//
// openScale 3.x (oliexdev/openScale, android_app/.../core/usecase/ImportExportUseCases.kt)
// writes a header DATE, TIME, then the keys of its measurement types sorted by name (WEIGHT,
// BMI, BODY_FAT, WATER, MUSCLE, LBM, BONE, VISCERAL_FAT, BMR, ... and custom names), one row per
// measurement: the date as yyyy-MM-dd and the time as HH:mm:ss in the phone's time zone,
// numbers as plain decimals, empty when not measured. Its import also reads the 2.x columns:
// dateTime (yyyy-MM-dd HH:mm), weight, fat, water, muscle, visceralFat, lbm, bone, ...
// Header names match without regard to case; other columns are ignored.
//
// Units, openScale's defaults: WEIGHT, LBM and BONE in kg, BODY_FAT, WATER and MUSCLE in per
// cent of the weight (declouder keeps muscle in kg: converted with the row's weight),
// VISCERAL_FAT the scale's index, BMR in kcal per day, BMI in kg/m2.
#pragma once

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/measurement.hpp"

namespace declouder::openscale {

// The 3.x file of these measurements (times in the machine's time zone, TZ).
std::string write_csv(std::span<const Measurement> measurements);

struct Row {
  std::size_t line = 0;     // 1-based line in the file
  std::string text;         // the line as it was
  std::int64_t time_us = 0; // DATE + TIME (or dateTime) in the machine's time zone; TIME missing: noon
  double weight_kg = 0;
  BodyMetrics metrics;      // what the row holds besides the weight
};
struct Parsed {
  enum class Columns { v3, v2 } columns = Columns::v3;
  std::vector<Row> rows;
  // Lines not taken, each "line N: why" (no weight, a date that is not one, a number that is not).
  std::vector<std::string> skipped;
};

// A file that is not an openScale CSV at all (no date column, empty).
struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
Parsed parse_csv(std::string_view text);

}  // namespace declouder::openscale
