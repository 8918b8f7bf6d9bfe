#include "outputs/reading_json.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

namespace declouder {

double round_to(double v, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

Json json_number(double v, int decimals) {
  const double r = round_to(v, decimals);
  if (r == std::floor(r) && std::fabs(r) < 9e15) return static_cast<std::int64_t>(r);
  return r;
}

Json reading_to_json(const Reading& r) {
  Json j;
  j["model"] = r.model ? r.model : "";
  if (r.address) j["address"] = r.address->str();
  if (r.weight_kg) j["weight_kg"] = json_number(*r.weight_kg, 3);
  if (r.impedance_ohm) j["impedance_ohm"] = json_number(*r.impedance_ohm, 1);
  if (r.impedance_low_ohm) j["impedance_low_ohm"] = json_number(*r.impedance_low_ohm, 1);
  if (r.impedance_high_ohm) j["impedance_high_ohm"] = json_number(*r.impedance_high_ohm, 1);
  j["stabilized"] = r.stabilized;
  if (r.device_time) j["device_time"] = iso8601(*r.device_time);
  j["unit"] = std::string(unit_name(r.unit));
  if (r.load_removed) j["load_removed"] = true;
  if (r.is_object) j["object"] = true;
  if (r.heart_rate_bpm) j["heart_rate_bpm"] = *r.heart_rate_bpm;
  if (r.battery_percent) j["battery_percent"] = *r.battery_percent;
  if (r.user_slot) j["user_slot"] = *r.user_slot;
  if (r.profile_id) j["profile_id"] = *r.profile_id;
  if (r.steps) j["steps"] = *r.steps;
  if (r.device_time && r.device_time->unset) j["device_clock_unset"] = true;
  for (std::size_t i = 0; i < r.device_metric_count; ++i)
    j[r.device_metrics[i].name] = json_number(r.device_metrics[i].value, 2);
  return j;
}

}  // namespace declouder
