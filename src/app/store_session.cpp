#include "app/store_session.hpp"

#include <cstdio>
#include <filesystem>

#include "app/cli.hpp"

namespace declouder {

StoreSession open_store(const std::optional<std::string>& config_option,
                        const std::optional<std::string>& database_option) {
  StoreSession s;
  try {
    s.config = load_command_config(config_option);
  } catch (const ConfigError& e) {
    throw CommandError(e.what());
  }
  for (const auto& w : s.config.warnings) std::fprintf(stderr, "declouder: warning: %s\n", w.c_str());
  const std::string path = database_path(database_option, s.config);
  std::error_code ec;
  const auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && path != ":memory:") std::filesystem::create_directories(dir, ec);
  try {
    s.database = std::make_unique<Database>(path);
    s.recorder = std::make_unique<Recorder>(*s.database, s.config.recorder);
    // Without a config file the people stored earlier remain the ones known.
    if (!s.config.path.empty()) s.recorder->sync_people(s.config.people);
  } catch (const DatabaseError& e) {
    throw CommandError(e.what());
  }
  return s;
}

}  // namespace declouder

namespace declouder {

std::string format_weight(double kg, WeightUnit unit) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f %s", from_kg(kg, unit),
                std::string(unit_name(unit)).c_str());
  return buf;
}

namespace {
std::string cell(const std::optional<double>& v, const char* fmt) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, *v);
  return buf;
}
}  // namespace

std::string measurement_table_header() {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%5s  %-20s  %-12s  %12s  %6s  %6s  %6s  %7s  %7s  %s", "ID", "TIME (UTC)", "PERSON",
                "WEIGHT", "OHM", "BMI", "FAT%", "WATER%", "MUSCLE", "DEVICE");
  return buf;
}

std::string measurement_table_row(const Measurement& m, WeightUnit unit) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%5lld  %-20s  %-12s  %12s  %6s  %6s  %6s  %7s  %7s  %s",
                static_cast<long long>(m.id), iso8601_utc_s(m.time_us / 1000000).c_str(),
                m.person.empty() ? "(unassigned)" : m.person.c_str(), format_weight(m.weight_kg, unit).c_str(),
                cell(m.impedance_ohm, "%.0f").c_str(), cell(m.metrics.bmi, "%.1f").c_str(),
                cell(m.metrics.fat_percent, "%.1f").c_str(), cell(m.metrics.water_percent, "%.1f").c_str(),
                cell(m.metrics.muscle_kg, "%.1f").c_str(),
                (m.model + (m.address ? " " + m.address->str() : "")).c_str());
  return buf;
}

}  // namespace declouder
