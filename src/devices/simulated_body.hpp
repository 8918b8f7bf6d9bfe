// The body composition the simulators of scales that compute their own (Excelvan, Medisana)
// report. Those vendors' formulas are not public, so this is a plain bioimpedance estimate, not
// theirs: lean mass from the impedance index height²/Z (the usual linear BIA form), water 73 %
// and muscle 52 % of the lean mass, bone 5 % of it, BMR by Mifflin-St Jeor. It only has to move
// with weight, impedance and the person as a scale's numbers do; declouder never uses it.
#pragma once

#include <algorithm>

namespace declouder {

struct SimulatedBody {
  double fat_percent, water_percent, muscle_percent, bone_kg, bmr_kcal;
};

inline SimulatedBody simulated_body(double kg, double ohm, int height_cm, int age, bool male) {
  const double h = height_cm, z = std::max(ohm, 100.0);
  const double lean = std::clamp(0.59 * h * h / z + 0.18 * kg + (male ? 4.0 : 0.0), 0.3 * kg, 0.95 * kg);
  return {(kg - lean) / kg * 100, lean * 0.73 / kg * 100, lean * 0.52 / kg * 100, lean * 0.05,
          10 * kg + 6.25 * h - 5 * age + (male ? 5 : -161)};
}

}  // namespace declouder
