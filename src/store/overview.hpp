// What the web page shows besides measurements (docs/web.md): the devices heard, with when
// and their last battery level, and the Mi Band's stored minutes. Read-only queries over the
// tables of store/recorder.hpp, store/band_store.hpp and store/armband_store.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace declouder {

struct HeardDevice {
  std::string kind;     // "scale" (readings), "band" (Mi Band activity), "armband" (BodyBugg downloads)
  std::string family;   // device family id ("xiaomi-mi-scale-2", "miband", the armband's model)
  std::string address;  // "AA:BB:...", "" when unknown; the armband's serial number in decimal
  std::optional<std::string> name;
  std::int64_t first_seen_us = 0;
  std::int64_t last_seen_us = 0;
  std::optional<int> battery_percent;  // the last reading that carried one
  std::int64_t readings = 0;           // readings, activity minutes or armband sessions stored
  std::int64_t measurements = 0;       // weighings stored from it (scales)
};
// Every device, most recently heard first.
std::vector<HeardDevice> devices_heard(Database& db);

struct PersonSummary {
  std::int64_t measurements = 0;
  std::optional<std::int64_t> first_us;   // the first weighing's time
  std::optional<std::int64_t> latest_id;  // the newest weighing (time, then id)
};
// For the person named `name` (no row: an empty summary), from the index on (person, time).
PersonSummary person_summary(Database& db, const std::string& name);

struct BandMinute {
  std::string address;
  std::string minute_local;  // "2026-03-01T07:42": the band's wall clock
  int steps = 0;
  std::optional<int> heart_rate;
};
// Mi Band minutes with minute_local in [from, to) (texts "YYYY-MM-DD[THH:MM]"; empty: open),
// by band then time.
std::vector<BandMinute> band_minutes(Database& db, const std::string& from, const std::string& to);

}  // namespace declouder
