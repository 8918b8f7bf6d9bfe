// declouder body: the body-composition metrics for one set of numbers, without
// any device or database. The same functions the store uses.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "body/composition.hpp"
#include "outputs/measurement_json.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder body --sex male|female --age YEARS --height-cm CM
                      (--weight-kg KG | --weight VALUE --unit kg|lb|st|jin)
                      [--impedance-ohm OHM] [--json]

Computes the Xiaomi (Mi Fit / Zepp Life) body-composition set with the
corrected visceral-fat formula: BMI, body fat %, water %, muscle kg, bone kg,
visceral fat, BMR, lean body mass, protein %, metabolic age, body type and
ideal weight. Without an impedance only the weight-based metrics (BMI,
visceral fat, BMR, ideal weight) can be computed. An input outside its
plausible range (e.g. an impedance of 65533, the Mi scale's placeholder) leaves
the metrics that need it out and says why; it is not an error.

  --sex male|female
  --age YEARS           whole years
  --height-cm CM
  --weight-kg KG        or --weight VALUE with --unit kg, lb, st or jin
  --impedance-ohm OHM   the scale's bioimpedance, in ohms
  --json                one JSON object with the keys bmi, fat_percent,
                        water_percent, muscle_kg, bone_kg, visceral_fat,
                        bmr_kcal, lean_body_mass_kg, protein_percent,
                        metabolic_age, body_type, ideal_weight_kg (each only
                        when computed) and "skipped": {metric: reason}

Skipped metrics and their reasons go to stderr in the text form. The formulas
and their sources are in docs/body-composition.md.

Example:
  declouder body --sex male --age 30 --height-cm 180 --weight-kg 80 --impedance-ohm 500)";

void print_text(const BodyMetrics& m) {
  auto line = [](const char* label, const std::optional<double>& v, const char* unit) {
    if (v) std::printf("%-18s %8.2f%s%s\n", label, *v, *unit ? " " : "", unit);
  };
  line("BMI", m.bmi, "");
  line("body fat", m.fat_percent, "%");
  line("water", m.water_percent, "%");
  line("muscle", m.muscle_kg, "kg");
  line("bone", m.bone_kg, "kg");
  line("visceral fat", m.visceral_fat, "");
  line("BMR", m.bmr_kcal, "kcal/day");
  line("lean body mass", m.lean_body_mass_kg, "kg");
  line("protein", m.protein_percent, "%");
  line("metabolic age", m.metabolic_age, "years");
  if (m.body_type) std::printf("%-18s %8s\n", "body type", m.body_type->c_str());
  line("ideal weight", m.ideal_weight_kg, "kg");
  for (const auto& [metric, why] : m.skipped)
    std::fprintf(stderr, "declouder body: skipped %s: %s\n", metric.c_str(), why.c_str());
}

int run_body(Args& args) {
  const bool json = args.flag("--json");
  auto sex_text = args.value("--sex");
  auto age = args.number("--age");
  auto height = args.number("--height-cm");
  auto weight_kg = args.number("--weight-kg");
  auto weight = args.number("--weight");
  auto unit_text = args.value("--unit");
  auto impedance = args.number("--impedance-ohm");
  args.finish();

  if (!sex_text) throw UsageError("--sex is required (male or female)");
  auto sex = parse_sex(*sex_text);
  if (!sex) throw UsageError("--sex: '" + *sex_text + "' is not male or female");
  if (!age) throw UsageError("--age is required (years)");
  if (!height) throw UsageError("--height-cm is required");
  if (weight_kg && weight) throw UsageError("--weight-kg and --weight: give only one");
  if (weight) {
    if (!unit_text) throw UsageError("--weight needs --unit (kg, lb, st or jin)");
    auto unit = parse_unit(*unit_text);
    if (!unit) throw UsageError("--unit: '" + *unit_text + "' is not kg, lb, st or jin");
    weight_kg = to_kg(*weight, *unit);
  } else if (unit_text) {
    throw UsageError("--unit goes with --weight");
  }
  if (!weight_kg) throw UsageError("--weight-kg is required (or --weight with --unit)");

  BodyMetrics m = compute_body_metrics({*sex, *age, *height, *weight_kg, impedance});
  if (json)
    std::cout << body_metrics_to_json(m).dump() << '\n';
  else
    print_text(m);
  return 0;
}

}  // namespace

extern const Command kBodyCommand = {
    .name = "body",
    .summary = "compute body composition (BMI, fat, water, muscle, ...) from numbers",
    .usage = kUsage,
    .run = run_body,
};

}  // namespace declouder
