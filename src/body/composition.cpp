// The Xiaomi body-composition formulas, re-implemented from the published
// descriptions (prototux's MIBCS reverse engineering of Mi Fit; the same formulas are in
// openScale libs/MiScaleLib.kt, lolouk44/xiaomi_mi_scale Xiaomi_Scale_Body_Metrics.py and
// bodymiscale metrics/impedance.py), with the
// corrected visceral-fat formula and every output clamped. No code was copied;
// docs/body-composition.md lists each formula and each deliberate choice.
#include "body/composition.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

namespace declouder {

BodyInputs body_inputs(const Person& p, double weight_kg, std::optional<double> impedance_ohm, std::int64_t unix_us) {
  BodyInputs in;
  in.sex = p.sex;
  in.age_years = age_on(p.birth_date, unix_us);
  in.height_cm = p.height_cm;
  in.weight_kg = weight_kg;
  in.impedance_ohm = impedance_ohm;
  return in;
}

namespace xiaomi {

namespace {
bool male(const BodyInputs& in) { return in.sex == Sex::male; }
double clamp(double v, double lo, double hi) { return std::clamp(v, lo, hi); }
}  // namespace

double bmi(double height_cm, double weight_kg) {
  const double m = height_cm / 100.0;
  return weight_kg / (m * m);
}

// The "hardware-calibrated" baseline every impedance metric starts from.
double lbm_coefficient(const BodyInputs& in) {
  const double h = in.height_cm, w = in.weight_kg, a = in.age_years, z = in.impedance_ohm.value_or(0);
  return 9.058 * h * h / 10000.0 + 0.32 * w + 12.226 - 0.0068 * z - 0.0542 * a;
}

double fat_percent(const BodyInputs& in) {
  const double w = in.weight_kg;
  const double age_constant = male(in) ? 0.8 : (in.age_years <= 49 ? 9.25 : 7.25);
  double factor = 1.0;
  if (male(in) && w < 61) {
    factor = 0.98;
  } else if (!male(in) && w > 60) {
    factor = 0.96 * (in.height_cm > 160 ? 1.03 : 1.0);
  } else if (!male(in) && w < 50) {
    factor = 1.02 * (in.height_cm > 160 ? 1.03 : 1.0);
  }
  double fat = (1.0 - (lbm_coefficient(in) - age_constant) * factor / w) * 100.0;
  if (fat > 63) fat = 75;  // Mi Fit's own jump for implausibly high values
  return clamp(fat, 5, 75);
}

double water_percent(double fat) {
  const double water = (100.0 - fat) * 0.7;
  const double coefficient = water <= 50 ? 1.02 : 0.98;
  // Mi Fit's ceiling is tested on the corrected value (bodymiscale get_water_percentage,
  // lolouk44 getWaterPercentage): 65 % or more becomes 75 % before the coefficient, 73.5 %.
  if (water * coefficient >= 65) return 75 * coefficient;
  return clamp(water * coefficient, 35, 75);
}

double bone_kg(const BodyInputs& in) {
  double bone = 0.05158 * lbm_coefficient(in) - (male(in) ? 0.18016894 : 0.245691014);
  bone += bone > 2.2 ? 0.1 : -0.1;
  if (bone > (male(in) ? 5.2 : 5.1)) bone = 8;
  return clamp(bone, 0.5, 8);
}

// What Mi Fit calls "muscle": everything that is neither fat nor bone.
double muscle_kg(const BodyInputs& in, double fat, double bone) {
  double muscle = in.weight_kg - fat * in.weight_kg / 100.0 - bone;
  if (muscle >= (male(in) ? 93.5 : 84.0)) muscle = 120;
  return clamp(muscle, 10, 120);
}

// The corrected Zepp Life formula (bodymiscale; openScale's OneByoneLib): the
// original port lacks "+ 63" in the male condition and has a stray "- age" in
// the female branch, which gives negative values for ordinary women.
double visceral_fat(const BodyInputs& in) {
  const double h = in.height_cm, w = in.weight_kg, a = in.age_years;
  double v;
  if (male(in)) {
    if (h < 1.6 * w + 63)
      v = 0.15 * a + 305 * w / (0.0826 * h * h - 0.4 * h + 48) - 2.9;
    else
      v = 0.15 * a + w * (0.765 - 0.0015 * h) - 0.143 * h - 5.0;
  } else {
    if (w <= 0.5 * h - 13)
      v = 0.07 * a + w * (0.691 - 0.0024 * h) - 0.027 * h - 10.5;
    else
      v = 0.07 * a + 500 * w / (1.45 * h + 0.1158 * h * h - 120) - 6.0;
  }
  return clamp(v, 1, 50);
}

double bmr_kcal(const BodyInputs& in) {
  const double h = in.height_cm, w = in.weight_kg, a = in.age_years;
  const double bmr = male(in) ? 877.8 + 14.916 * w - 0.726 * h - 8.976 * a
                              : 864.6 + 10.2036 * w - 0.39336 * h - 6.204 * a;
  return clamp(bmr, 500, 5000);
}

double metabolic_age(const BodyInputs& in) {
  const double h = in.height_cm, w = in.weight_kg, a = in.age_years, z = in.impedance_ohm.value_or(0);
  const double age = male(in) ? -0.7471 * h + 0.9161 * w + 0.4184 * a + 0.0517 * z + 54.2267
                              : -1.1165 * h + 1.5784 * w + 0.4615 * a + 0.0415 * z + 83.2548;
  return clamp(age, 15, 80);
}

double protein_percent(double weight_kg, double muscle, double water) {
  return clamp(muscle / weight_kg * 100.0 - water, 5, 32);
}

double ideal_weight_kg(Sex sex, double height_cm) {
  return sex == Sex::male ? (height_cm - 80) * 0.7 : (height_cm - 70) * 0.6;
}

namespace {
// Fat % reference [very low, low, normal, high] by age band (Mi Fit's table).
std::array<double, 4> fat_table(const BodyInputs& in) {
  const double a = in.age_years;
  if (male(in)) {
    if (a < 18) return {7, 16, 25, 30};
    if (a < 40) return {11, 17, 22, 27};
    if (a < 60) return {12, 18, 23, 28};
    return {14, 20, 25, 30};
  }
  if (a < 12) return {12, 21, 30, 34};
  if (a < 14) return {15, 24, 33, 37};
  if (a < 16) return {18, 27, 36, 40};
  if (a < 18) return {20, 28, 37, 41};
  if (a < 40) return {21, 28, 35, 40};
  if (a < 60) return {22, 29, 36, 41};
  return {23, 30, 37, 42};
}

// Muscle reference [low, high] in kg by height.
std::array<double, 2> muscle_table(const BodyInputs& in) {
  const double h = in.height_cm;
  if (male(in)) {
    if (h >= 170) return {49.4, 59.5};
    if (h >= 160) return {44.0, 52.5};
    return {38.5, 46.6};
  }
  if (h >= 160) return {36.5, 42.6};
  if (h >= 150) return {32.9, 37.6};
  return {29.1, 34.8};
}
}  // namespace

std::string_view body_type(const BodyInputs& in, double fat, double muscle) {
  static constexpr std::string_view kTypes[] = {"obese",         "overweight", "thick-set",
                                                "lack-exercise", "balanced",   "balanced-muscular",
                                                "skinny",        "balanced-skinny", "skinny-muscular"};
  const auto ft = fat_table(in);
  const auto mt = muscle_table(in);
  const int f = fat > ft[2] ? 0 : (fat < ft[1] ? 2 : 1);
  const int m = muscle > mt[1] ? 2 : (muscle < mt[0] ? 0 : 1);
  return kTypes[m + 3 * f];
}

}  // namespace xiaomi

namespace {

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Why `value` cannot be used, or nothing when it can.
std::optional<std::string> out_of_range(const char* what, double value, double lo, double hi, const char* unit) {
  if (std::isfinite(value) && value >= lo && value <= hi) return std::nullopt;
  return std::string(what) + " " + format_number(value) + " " + unit + " is outside " + format_number(lo) + ".." +
         format_number(hi) + " " + unit;
}

}  // namespace

BodyMetrics compute_body_metrics(const BodyInputs& in) {
  using L = BodyLimits;
  BodyMetrics m;
  const auto bad_height = out_of_range("height", in.height_cm, L::min_height_cm, L::max_height_cm, "cm");
  const auto bad_weight = out_of_range("weight", in.weight_kg, L::min_weight_kg, L::max_weight_kg, "kg");
  const auto bad_age = out_of_range("age", in.age_years, L::min_age, L::max_age, "years");
  std::optional<std::string> bad_impedance;
  if (!in.impedance_ohm)
    bad_impedance = "needs impedance, and this weighing has none";
  else
    bad_impedance = out_of_range("impedance", *in.impedance_ohm, L::min_impedance_ohm, L::max_impedance_ohm, "ohm");

  // The first unusable input among those a metric needs, if any.
  auto first = [](std::initializer_list<const std::optional<std::string>*> needs) -> std::optional<std::string> {
    for (auto* n : needs)
      if (*n) return **n;
    return std::nullopt;
  };
  auto skip = [&](const char* metric, const std::string& why) { m.skipped.emplace_back(metric, why); };

  if (auto why = first({&bad_height, &bad_weight}))
    skip("bmi", *why);
  else
    m.bmi = xiaomi::bmi(in.height_cm, in.weight_kg);

  // Weight-based metrics: no impedance needed.
  if (auto why = first({&bad_height, &bad_weight, &bad_age})) {
    skip("visceral_fat", *why);
    skip("bmr_kcal", *why);
  } else {
    m.visceral_fat = xiaomi::visceral_fat(in);
    m.bmr_kcal = xiaomi::bmr_kcal(in);
  }

  // Impedance-based metrics.
  if (auto why = first({&bad_height, &bad_weight, &bad_age, &bad_impedance})) {
    for (const char* metric : {"fat_percent", "water_percent", "muscle_kg", "bone_kg", "lean_body_mass_kg",
                               "protein_percent", "metabolic_age", "body_type"})
      skip(metric, *why);
  } else {
    const double fat = xiaomi::fat_percent(in);
    const double water = xiaomi::water_percent(fat);
    const double bone = xiaomi::bone_kg(in);
    const double muscle = xiaomi::muscle_kg(in, fat, bone);
    m.fat_percent = fat;
    m.water_percent = water;
    m.bone_kg = bone;
    m.muscle_kg = muscle;
    m.lean_body_mass_kg = in.weight_kg * (1.0 - fat / 100.0);  // fat-free mass: fat kg + lean kg = weight
    m.protein_percent = xiaomi::protein_percent(in.weight_kg, muscle, water);
    m.metabolic_age = xiaomi::metabolic_age(in);
    m.body_type = std::string(xiaomi::body_type(in, fat, muscle));
  }

  if (bad_height)
    skip("ideal_weight_kg", *bad_height);
  else
    m.ideal_weight_kg = xiaomi::ideal_weight_kg(in.sex, in.height_cm);
  return m;
}

}  // namespace declouder
