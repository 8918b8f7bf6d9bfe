// Body composition: the Xiaomi (Mi Fit / Zepp Life) set of metrics, from sex,
// age, height, weight and (for most of them) the scale's impedance.
//
// These are pure functions: numbers in, BodyMetrics out. An input outside its
// plausible range never stops anything; the metrics that need it are left out
// and `BodyMetrics::skipped` says which and why. Formulas, their sources and
// the choices made where the public ports disagree are in
// docs/body-composition.md; the reference vectors are in
// tests/body/composition_test.cpp.
#pragma once

#include <optional>
#include <string_view>

#include "core/measurement.hpp"
#include "core/person.hpp"

namespace declouder {

struct BodyInputs {
  Sex sex = Sex::male;
  double age_years = 0;  // whole years at the time of the weighing
  double height_cm = 0;
  double weight_kg = 0;
  std::optional<double> impedance_ohm;  // absent: only the weight-based metrics
};

// The ranges inside which the formulas are used. Outside them a metric is
// skipped, with a reason. Impedance: the Mi scales report placeholders such as
// 0xFFFD, and real bodies measure a few hundred ohms.
struct BodyLimits {
  static constexpr double min_age = 6, max_age = 99;
  static constexpr double min_height_cm = 50, max_height_cm = 250;
  static constexpr double min_weight_kg = 10, max_weight_kg = 250;
  static constexpr double min_impedance_ohm = 200, max_impedance_ohm = 1500;
};

// The identifier of this formula set, stored with every measurement so a later
// set can recompute old ones: Xiaomi formulas with the corrected visceral fat,
// every output clamped.
inline constexpr std::string_view kBodyFormula = "xiaomi-corrected-1";

// Every metric the inputs allow; never throws.
BodyMetrics compute_body_metrics(const BodyInputs& in);

// The inputs for compute_body_metrics() for this person at that time.
BodyInputs body_inputs(const Person& p, double weight_kg, std::optional<double> impedance_ohm,
                       std::int64_t unix_us);

// The individual formulas, for tests and for other formula sets. They assume
// their inputs are within BodyLimits; compute_body_metrics checks that.
namespace xiaomi {
double bmi(double height_cm, double weight_kg);
double lbm_coefficient(const BodyInputs& in);  // "L", needs impedance
double fat_percent(const BodyInputs& in);
double water_percent(double fat_percent);
double bone_kg(const BodyInputs& in);
double muscle_kg(const BodyInputs& in, double fat_percent, double bone_kg);
double visceral_fat(const BodyInputs& in);  // the corrected (bodymiscale) variant
double bmr_kcal(const BodyInputs& in);
double metabolic_age(const BodyInputs& in);
double protein_percent(double weight_kg, double muscle_kg, double water_percent);
double ideal_weight_kg(Sex sex, double height_cm);
std::string_view body_type(const BodyInputs& in, double fat_percent, double muscle_kg);
}  // namespace xiaomi

}  // namespace declouder
