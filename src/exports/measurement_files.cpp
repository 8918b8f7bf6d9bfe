#include "exports/measurement_files.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "outputs/measurement_json.hpp"

namespace declouder {
namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string number(double v, int decimals) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

// weight_kg and impedance_ohm are in the list too; they have their own columns.
bool is_metric(const MetricInfo& info) { return info.key != "weight_kg" && info.key != "impedance_ohm"; }

}  // namespace

std::string measurements_csv(std::span<const ExportedMeasurement> rows) {
  std::string out = "id,uid,person,measured_at,model,address,weight_kg,weight,unit,impedance_ohm";
  for (const MetricInfo& info : body_metric_infos())
    if (is_metric(info)) out += "," + std::string(info.key);
  // Added last, so a reader of the older columns by position still finds them where they were.
  out += ",body_type,impedance_low_ohm,impedance_high_ohm,heart_rate_bpm,profile_id\n";
  for (const auto& [m, unit] : rows) {
    out += std::to_string(m.id) + "," + m.uid + "," + csv_cell(m.person) + "," + iso8601_utc_s(m.time_us / 1000000) +
           "," + csv_cell(m.model) + "," + (m.address ? m.address->str() : "") + "," + number(m.weight_kg, 3) + "," +
           number(from_kg(m.weight_kg, unit), 2) + "," + std::string(unit_name(unit)) + "," +
           (m.impedance_ohm ? number(*m.impedance_ohm, 1) : "");
    for (const MetricInfo& info : body_metric_infos()) {
      if (!is_metric(info)) continue;
      out += ",";
      if (auto v = metric_value(m, info.key)) out += number(*v, 2);
    }
    out += "," + csv_cell(m.metrics.body_type.value_or(""));
    out += "," + (m.impedance_low_ohm ? number(*m.impedance_low_ohm, 1) : "");
    out += "," + (m.impedance_high_ohm ? number(*m.impedance_high_ohm, 1) : "");
    out += "," + (m.heart_rate_bpm ? std::to_string(*m.heart_rate_bpm) : "");
    out += "," + (m.profile_id ? std::to_string(*m.profile_id) : "") + "\n";
  }
  return out;
}

std::string measurements_json(std::span<const ExportedMeasurement> rows) {
  std::string out = "[";
  bool first = true;
  for (const auto& [m, unit] : rows) {
    out += first ? "\n" : ",\n";
    first = false;
    out += measurement_to_json(m, unit).dump();
  }
  return out + (first ? "]\n" : "\n]\n");
}

}  // namespace declouder
