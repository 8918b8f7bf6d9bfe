// Where armband data lives in SQLite (migrations 02xx, documented in docs/schema.md).
//
// Raw 12-bit counts are stored as the device logged them: nobody has published
// how they convert to degrees, microsiemens or calories (not BodyBuggBypass, not
// RawBodyBugg; docs/wearables.md says what is known). Unit
// conversion is data: rows of armband_calibration (or a CSV file of the same
// columns given to `export --calibration`), never code.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "devices/bodybugg/download.hpp"
#include "devices/bodybugg/pdp.hpp"
#include "store/database.hpp"

namespace declouder::bodybugg {


// One transaction for the whole dump; `source` says where it came from (the .log file).
StoreSummary store_pdp(Database& db, const PdpDump& dump, const std::string& source);

// The same, on disk before it returns: what must survive a power cut because the
// armband is cleared next. The commit syncs the WAL (synchronous=FULL for this
// connection from now on; the default NORMAL syncs only at checkpoints, so a power
// cut may undo the last commits: sqlite.org/pragma.html#pragma_synchronous), and a
// checkpoint then copies the WAL into the database file and syncs that too
// (sqlite.org/pragma.html#pragma_wal_checkpoint), so the rows are in the file itself.
// A reader of another connection (a running gateway) may keep the checkpoint from
// completing: the synced WAL holds the rows then.
StoreSummary store_pdp_durably(Database& db, const PdpDump& dump, const std::string& source);

struct Calibration {
  double scale = 1;
  double offset = 0;
  std::string unit;
  std::string source;
};
using CalibrationTable = std::map<std::string, Calibration>;  // by channel name

CalibrationTable calibration_from_db(Database& db);
// CSV with the header channel,scale,offset,unit,source ('#' lines are comments).
// Throws std::runtime_error naming the line on a malformed row.
CalibrationTable calibration_from_csv(const std::string& text);

struct ExportRow {
  std::string channel;
  std::int64_t time_unix_ms = 0;
  std::optional<std::int64_t> raw;  // null: no data (0xFFF), or an event channel (TIMESTMP)
};
// Every stored sample, by channel then time; `channel` filters when given.
std::vector<ExportRow> armband_samples(Database& db, const std::optional<std::string>& channel);
std::vector<std::string> armband_channels(Database& db);

}  // namespace declouder::bodybugg
