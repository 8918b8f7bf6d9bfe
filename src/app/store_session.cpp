#include "app/store_session.hpp"

#include <cstdio>
#include <filesystem>
#include <string_view>

#include "app/cli.hpp"
#include "core/person_choice.hpp"
#include "core/private_files.hpp"

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
  // SQLite would store into a temporary database that vanishes at exit.
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0)
    throw CommandError(std::string(database_option ? "--database" : "[database] path") + " '" + path +
                       "' is not a file: what is stored there would vanish when declouder exits; give a file name");
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw CommandError(std::string(database_option ? "--database " : "[database] path ") + path +
                       " is a directory; give a file name in it, such as " +
                       (std::filesystem::path(path) / "declouder.db").string());
  const auto dir = std::filesystem::path(path).parent_path();
  try {
    create_private_directories(dir.string());  // 0700: ~/.local/share/declouder holds health data
  } catch (const std::system_error& e) {
    throw CommandError(std::string(e.what()) + " for the database " + path);
  }
  try {
    s.database = std::make_unique<Database>(path);
    if (!s.database->newer_migrations().empty()) {
      std::string list;
      for (const auto& m : s.database->newer_migrations()) list += (list.empty() ? "" : ", ") + m;
      std::fprintf(stderr,
                   "declouder: warning: database %s was written by a newer declouder (migrations %s are unknown "
                   "here): used as it is; update declouder\n",
                   path.c_str(), list.c_str());
    }
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

std::string person_option(StoreSession& store, std::string_view option, const std::string& given) {
  // Everyone stored (people removed from the config keep their row and their measurements),
  // each with the id topics and the web API show.
  std::vector<PersonKey> people;
  auto st = store.database->prepare("SELECT name FROM people ORDER BY name");
  while (st.step()) {
    std::string name = st.text(0);
    std::string id = store.recorder->person_id_of(name);
    people.push_back({std::move(name), std::move(id)});
  }
  try {
    return people[choose_person(people, given)].name;
  } catch (const PersonChoiceError& e) {
    throw CommandError(std::string(option) + ": " + e.what());
  }
}

}  // namespace declouder
