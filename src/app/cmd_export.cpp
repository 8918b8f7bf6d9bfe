// declouder export --format csv: the armband channels stored by `bodybugg
// download`, one row per sample with its time, for spreadsheets and scripts.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>
#include <sstream>

#include "app/cli.hpp"
#include "app/store_session.hpp"
#include "core/private_files.hpp"
#include "core/time.hpp"
#include "store/armband_store.hpp"
#include "store/database.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder export --format csv [--database FILE] [--config FILE] [--channel NAME]...
                        [--calibration FILE] [--output FILE]

Writes the stored armband channels (BodyBugg downloads) as CSV, one row per
sample, ordered by channel and time:

  channel,time,unix_ms,raw,value,unit

time is ISO 8601 UTC; raw is the device's 12-bit count (empty when the device
logged "no data", 0xFFF, and for TIMESTMP rows, which are button presses). value
and unit are filled only for channels with a calibration: rows of the database
table armband_calibration, or --calibration FILE, a CSV with the header
channel,scale,offset,unit,source (value = raw * scale + offset). No conversion is
built in: nobody has published the armband's.

  --database FILE  the SQLite database; default: [database] path in the config
                   file, else ~/.local/share/declouder/declouder.db
  --config FILE    the config file (default ~/.config/declouder/config.toml)
  --channel NAME   only this channel (EE, MOVTSKIN, ...); repeatable
  --output FILE    write to FILE instead of stdout
)";

std::string format_number(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

// "2012-11-19T14:29:18Z", or "...18.120Z" when there are milliseconds.
std::string time_text(std::int64_t unix_ms) {
  std::string s = iso8601_utc_s(unix_ms / 1000);
  if (unix_ms % 1000 != 0) {
    char ms[8];
    std::snprintf(ms, sizeof ms, ".%03d", static_cast<int>(unix_ms % 1000));
    s.insert(s.size() - 1, ms);
  }
  return s;
}

int run_export(Args& args) {
  auto format = args.value("--format");
  auto database = args.value("--database");
  auto config_option = args.value("--config");
  auto channels = args.values("--channel");
  auto calibration_file = args.value("--calibration");
  auto output = args.value("--output");
  args.finish();
  if (!format) throw UsageError("--format is required (csv)");
  if (*format != "csv") throw UsageError("--format: '" + *format + "' is not supported (csv)");
  if (database) {
    std::ifstream probe(*database);
    if (!probe) throw CommandError(*database + ": no such database");
  }
  StoreSession store = open_store(config_option, database);
  Database& db = *store.database;
  bodybugg::CalibrationTable cal = bodybugg::calibration_from_db(db);
  if (calibration_file) {
    std::ifstream in(*calibration_file);
    if (!in) throw CommandError(*calibration_file + ": cannot open");
    std::ostringstream ss;
    ss << in.rdbuf();
    try {
      for (auto& [k, v] : bodybugg::calibration_from_csv(ss.str())) cal[k] = v;
    } catch (const std::runtime_error& e) {
      throw CommandError(*calibration_file + ": " + e.what());
    }
  }
  std::vector<bodybugg::ExportRow> rows;
  if (channels.empty()) {
    rows = bodybugg::armband_samples(db, std::nullopt);
  } else {
    auto known = bodybugg::armband_channels(db);
    for (const auto& c : channels) {
      if (std::find(known.begin(), known.end(), c) == known.end())
        throw CommandError("--channel " + c + ": no such channel stored (stored: " +
                           (known.empty() ? std::string("none") : [&] {
                             std::string s;
                             for (const auto& k : known) s += (s.empty() ? "" : " ") + k;
                             return s;
                           }()) + ")");
      auto part = bodybugg::armband_samples(db, c);
      rows.insert(rows.end(), part.begin(), part.end());
    }
  }
  std::FILE* out = stdout;
  if (output) {
    try {
      out = ::fdopen(open_private_for_writing(*output, /*append=*/false), "w");  // 0600: health data
    } catch (const std::system_error& e) {
      throw CommandError(*output + ": cannot write: " + std::strerror(e.code().value()));
    }
    if (!out) throw CommandError(*output + ": cannot write");
  }
  std::fprintf(out, "channel,time,unix_ms,raw,value,unit\n");
  for (const auto& r : rows) {
    std::string raw, value, unit;
    if (r.raw) {
      raw = std::to_string(*r.raw);
      if (auto it = cal.find(r.channel); it != cal.end()) {
        value = format_number(static_cast<double>(*r.raw) * it->second.scale + it->second.offset);
        unit = it->second.unit;
      }
    }
    std::fprintf(out, "%s,%s,%lld,%s,%s,%s\n", r.channel.c_str(), time_text(r.time_unix_ms).c_str(),
                 static_cast<long long>(r.time_unix_ms), raw.c_str(), value.c_str(), unit.c_str());
  }
  if (output) std::fclose(out);
  return 0;
}

}  // namespace

extern const Command kExportCommand = {
    .name = "export",
    .summary = "write stored armband channels as CSV, one row per sample",
    .usage = kUsage,
    .run = run_export,
};

}  // namespace declouder
