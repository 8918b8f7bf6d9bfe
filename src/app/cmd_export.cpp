// declouder export: files people can take anywhere. The measurements as Garmin FIT
// (exports/fit.hpp), openScale CSV (exports/openscale_csv.hpp), CSV or JSON
// (exports/measurement_files.hpp); and, as before, the armband channels stored by
// `bodybugg download`, one row per sample with its time (`--format armband-csv`, or the
// old spelling `--format csv` with --channel or --calibration).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>
#include <sstream>

#include "app/cli.hpp"
#include "app/store_session.hpp"
#include "core/input_files.hpp"
#include "core/private_files.hpp"
#include "core/time.hpp"
#include "exports/fit.hpp"
#include "exports/measurement_files.hpp"
#include "exports/openscale_csv.hpp"
#include "store/armband_store.hpp"
#include "store/database.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder export --format fit|openscale-csv|csv|json [--person NAME] [--from DATE] [--to DATE]
                        [--output FILE] [--database FILE] [--config FILE]
       declouder export --format armband-csv [--channel NAME]... [--calibration FILE] [--output FILE]

Writes the stored measurements as a file:

  fit            Garmin FIT weight_scale messages (weight, fat, water, bone,
                 muscle, BMR, metabolic age, visceral fat, BMI): what Garmin
                 Connect's Import Data accepts. One person's.
  openscale-csv  openScale 3.x's CSV (DATE,TIME,BMI,...,WEIGHT; local time),
                 which openScale imports ('declouder import' reads it back).
                 One person's.
  csv            one row per measurement: id,uid,person,measured_at,model,
                 address,weight_kg,weight,unit,impedance_ohm, then each metric
                 (bmi, fat_percent, ...) and body_type
  json           an array of the measurement JSON (docs/schema.md)

  --person NAME  only this person's measurements. fit and openscale-csv need it
                 when more than one person has measurements; unassigned
                 weighings are never in them (csv and json include them)
  --from DATE    measured at or after DATE (YYYY-MM-DD or ISO 8601, UTC)
  --to DATE      up to DATE: a date includes that whole day, a time is
                 exclusive
  --output FILE  write to FILE (created private, 0600) instead of stdout

armband-csv writes the stored armband channels (BodyBugg downloads), one row
per sample, ordered by channel and time. '--format csv' with --channel or
--calibration means the same (its spelling before the measurement exports), as
does plain '--format csv' on a database with armband channels and no
measurements:

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

Examples:
  declouder export --format fit --person alice --from 2025-01-01 --output alice.fit
  declouder export --format openscale-csv --person alice --output openscale.csv
  declouder export --format armband-csv --channel EE
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

// The output: stdout, or FILE created private (health data, 0600).
std::FILE* open_output(const std::optional<std::string>& output) {
  if (!output) return stdout;
  int fd = -1;
  try {
    fd = open_private_for_writing(*output, /*append=*/false);  // 0600 whatever the umask: health data
  } catch (const std::system_error& e) {
    throw CommandError(*output + ": cannot write: " + std::strerror(e.code().value()));
  }
  std::FILE* out = ::fdopen(fd, "wb");
  if (!out) {
    ::close(fd);
    throw CommandError(*output + ": cannot write");
  }
  return out;
}

void close_output(std::FILE* out, const std::optional<std::string>& output) {
  const bool ok = std::fflush(out) == 0 && !std::ferror(out);
  if (output) std::fclose(out);
  if (!ok) throw CommandError((output ? *output : std::string("stdout")) + ": write failed");
}

bool is_date_only(const std::string& text) { return text.size() == 10 && text[4] == '-' && text[7] == '-'; }

std::int64_t time_option(const char* option, const std::string& text) {
  auto t = parse_iso8601_us(text);
  if (!t) throw UsageError(std::string(option) + ": '" + text + "' is not a date (YYYY-MM-DD or ISO 8601)");
  return *t;
}

int export_armband(Database& db, const std::vector<std::string>& channels,
                   const std::optional<std::string>& calibration_file, const std::optional<std::string>& output);

int export_measurements(StoreSession& store, const std::string& format, const std::optional<std::string>& person,
                        const std::optional<std::string>& from, const std::optional<std::string>& to,
                        const std::optional<std::string>& output) {
  Recorder& rec = *store.recorder;
  MeasurementQuery q;
  if (person) q.person = person_option(store, "--person", *person);  // a name or an id
  if (from) q.from_us = time_option("--from", *from);
  if (to) q.to_us = time_option("--to", *to) + (is_date_only(*to) ? 86400LL * 1000000 : 0);
  if (q.from_us && q.to_us && *q.to_us <= *q.from_us) throw UsageError("--to is not after --from");
  std::vector<Measurement> ms = rec.measurements(q);
  const bool one_person = format == "fit" || format == "openscale-csv";
  if (one_person) {
    std::erase_if(ms, [](const Measurement& m) { return m.person.empty(); });
    if (!person) {
      std::vector<std::string> names;
      for (const auto& m : ms)
        if (std::find(names.begin(), names.end(), m.person) == names.end()) names.push_back(m.person);
      if (names.size() > 1) {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        throw UsageError("--format " + format + " is one person's file: give --person (" + list + ")");
      }
    }
  }
  std::string text;
  if (format == "fit") {
    Bytes b = fit::weight_file(ms, now_unix_us() / 1000000);
    text.assign(b.begin(), b.end());
  } else if (format == "openscale-csv") {
    text = openscale::write_csv(ms);
  } else {
    std::vector<ExportedMeasurement> rows;
    rows.reserve(ms.size());
    for (auto& m : ms) rows.push_back({m, display_unit(rec, m)});
    text = format == "csv" ? measurements_csv(rows) : measurements_json(rows);
  }
  std::FILE* out = open_output(output);
  std::fwrite(text.data(), 1, text.size(), out);
  close_output(out, output);
  if (output)
    std::fprintf(stderr, "declouder: %zu measurement%s written to %s\n", ms.size(), ms.size() == 1 ? "" : "s",
                 output->c_str());
  return 0;
}

int run_export(Args& args) {
  auto format = args.value("--format");
  auto database = args.value("--database");
  auto config_option = args.value("--config");
  auto channels = args.values("--channel");
  auto calibration_file = args.value("--calibration");
  auto output = args.value("--output");
  auto person = args.value("--person");
  auto from = args.value("--from");
  auto to = args.value("--to");
  args.finish();
  constexpr const char* kFormats = "fit, openscale-csv, csv, json or armband-csv";
  if (!format) throw UsageError(std::string("--format is required (") + kFormats + ")");
  const bool armband_options = !channels.empty() || calibration_file;
  const bool measurement_options = person || from || to;
  if (*format != "fit" && *format != "openscale-csv" && *format != "csv" && *format != "json" && *format != "armband-csv")
    throw UsageError("--format: '" + *format + "' is not supported (" + kFormats + ")");
  if (armband_options && measurement_options)
    throw UsageError("--channel and --calibration are for armband channels, --person, --from and --to for measurements");
  if (armband_options && *format != "csv" && *format != "armband-csv")
    throw UsageError("--channel and --calibration go with --format armband-csv");
  if (measurement_options && *format == "armband-csv")
    throw UsageError("--person, --from and --to go with the measurement formats (fit, openscale-csv, csv, json)");
  if (database) {
    std::ifstream probe(*database);
    if (!probe) throw CommandError(*database + ": no such database");
  }
  StoreSession store = open_store(config_option, database);
  Database& db = *store.database;
  bool armband = *format == "armband-csv" || armband_options;
  if (*format == "csv" && !armband && !measurement_options) {
    // The old meaning of plain `--format csv`, kept where it is the only one that has data.
    auto any = [&](const char* sql) {
      auto st = db.prepare(sql);
      return st.step();
    };
    if (!any("SELECT 1 FROM measurements LIMIT 1") && any("SELECT 1 FROM armband_samples LIMIT 1")) {
      std::fprintf(stderr, "declouder: no measurements stored: writing the armband channels (--format armband-csv)\n");
      armband = true;
    }
  }
  if (!armband) return export_measurements(store, *format, person, from, to, output);
  return export_armband(db, channels, calibration_file, output);
}

int export_armband(Database& db, const std::vector<std::string>& channels,
                   const std::optional<std::string>& calibration_file, const std::optional<std::string>& output) {
  bodybugg::CalibrationTable cal = bodybugg::calibration_from_db(db);
  if (calibration_file) {
    const std::string table = read_input_file(*calibration_file);
    try {
      for (auto& [k, v] : bodybugg::calibration_from_csv(table)) cal[k] = v;
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
  std::FILE* out = open_output(output);
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
  close_output(out, output);
  return 0;
}

}  // namespace

extern const Command kExportCommand = {
    .name = "export",
    .summary = "write measurements as FIT (Garmin), openScale CSV, CSV or JSON; armband channels as CSV",
    .usage = kUsage,
    .run = run_export,
};

}  // namespace declouder
