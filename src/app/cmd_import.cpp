// declouder import --format openscale-csv FILE --person NAME: years of openScale history
// into the store (exports/openscale_csv.hpp reads both the 3.x and the 2.x columns;
// Recorder::record_imported stores each weighing once, however often the file comes in).
#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/cli.hpp"
#include "app/store_session.hpp"
#include "core/input_files.hpp"
#include "exports/openscale_csv.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder import --format openscale-csv FILE --person NAME [--database FILE] [--config FILE]

Brings the weighings of an openScale CSV export into the database, for one
person: openScale 3.x files (DATE, TIME, WEIGHT, BODY_FAT, WATER, MUSCLE, LBM,
BONE, VISCERAL_FAT, BMR, BMI) and 2.x files (dateTime, weight, fat, water,
muscle, lbm, bone, visceralFat). Times are read in this machine's time zone
(TZ), as the phone wrote them; MUSCLE is a percentage of the weight, as
openScale shows it. The file's values are kept; what it lacks is computed for
the person where it can be (BMI from the height, ...).

Importing the same file twice stores nothing the second time: a weighing is
the same person, time and weight. Lines without a date or a weight are skipped
and listed. Nothing is sent to MQTT: these are old weighings.

  --format openscale-csv  the file's format (the only one so far)
  --person NAME           whose weighings they are (a [[person]] of the config)
  --database FILE         the SQLite database (see 'declouder history --help')
  --config FILE           the config file

Example:
  declouder import --format openscale-csv openScale_2025-11-02.csv --person alice)";

int run_import(Args& args) {
  auto format = args.value("--format");
  auto person = args.value("--person");
  auto database = args.value("--database");
  auto config = args.value("--config");
  auto files = args.positionals();
  if (!format) throw UsageError("--format is required (openscale-csv)");
  if (*format != "openscale-csv") throw UsageError("--format: '" + *format + "' is not supported (openscale-csv)");
  if (files.empty()) throw UsageError("give the file to import");
  if (files.size() > 1) throw UsageError("one file at a time ('" + files[1] + "' is one too many)");
  if (!person) throw UsageError("--person is required: whose weighings are in the file?");
  const std::string text = read_input_file(files[0]);
  openscale::Parsed parsed;
  try {
    parsed = openscale::parse_csv(text);
  } catch (const openscale::FormatError& e) {
    throw CommandError(files[0] + ": " + e.what());
  }
  StoreSession store = open_store(config, database);
  Recorder& rec = *store.recorder;
  person = person_option(store, "--person", *person);  // a name or an id
  std::size_t added = 0, known = 0;
  const std::string source = "openscale-csv:" + files[0];
  std::vector<ImportedWeighing> weighings;
  weighings.reserve(parsed.rows.size());
  for (const auto& row : parsed.rows) {
    ImportedWeighing& w = weighings.emplace_back();
    w.family = "openscale";
    w.source = source;
    w.person = *person;
    w.time_us = row.time_us;
    w.weight_kg = row.weight_kg;
    w.metrics = row.metrics;
    w.raw = row.text;
  }
  try {
    for (const auto& r : rec.record_imported(weighings)) (r.kind == RecordResult::Kind::new_measurement ? added : known)++;
  } catch (const StoreError& e) {
    throw CommandError(e.what());
  }
  for (const auto& s : parsed.skipped) std::fprintf(stderr, "declouder: %s: skipped %s\n", files[0].c_str(), s.c_str());
  std::printf("%s: %zu weighings imported for %s, %zu already stored, %zu lines skipped (openScale %s columns)\n",
              files[0].c_str(), added, person->c_str(), known, parsed.skipped.size(),
              parsed.columns == openscale::Parsed::Columns::v3 ? "3.x" : "2.x");
  return 0;
}

}  // namespace

extern const Command kImportCommand = {
    .name = "import",
    .summary = "bring weighings in from another program's file (openScale CSV, 3.x and 2.x)",
    .usage = kUsage,
    .run = run_import,
};

}  // namespace declouder
