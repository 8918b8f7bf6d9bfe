// declouder history: the stored measurements, each in its person's unit.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "app/store_session.hpp"
#include "outputs/measurement_json.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder history [--person NAME] [--unassigned] [--from DATE] [--to DATE]
                         [--limit N] [--json] [--database FILE] [--config FILE]

Lists the stored measurements, oldest first, each weight shown in its
person's preferred unit (kg for unassigned ones), with the body composition
computed for that person.

  --person NAME      only this person's measurements
  --unassigned       only measurements nobody has been assigned yet
                     (see 'declouder assign')
  --from DATE        measured at or after DATE (YYYY-MM-DD or ISO 8601, UTC)
  --to DATE          measured before DATE
  --limit N          at most N measurements (the oldest N)
  --json             one JSON object per line: id, uid, person, time, model,
                     address, device_time, weight_kg, weight, unit,
                     impedance_ohm and the metrics (bmi, fat_percent, ...)
  --database FILE    the SQLite database (default: [database] path in the
                     config, else $XDG_DATA_HOME/declouder/declouder.db or
                     ~/.local/share/declouder/declouder.db)
  --config FILE      the config file (default: $XDG_CONFIG_HOME/declouder/
                     config.toml or ~/.config/declouder/config.toml, if present)

Example:
  declouder history --person alice --from 2024-01-01 --json)";

std::int64_t parse_time_option(const char* option, const std::optional<std::string>& text) {
  auto t = parse_iso8601_us(*text);
  if (!t) throw UsageError(std::string(option) + ": '" + *text + "' is not a date (YYYY-MM-DD or ISO 8601)");
  return *t;
}

int run_history(Args& args) {
  const bool json = args.flag("--json");
  MeasurementQuery q;
  q.person = args.value("--person");
  q.unassigned_only = args.flag("--unassigned");
  auto from = args.value("--from");
  auto to = args.value("--to");
  auto limit = args.integer("--limit");
  auto database = args.value("--database");
  auto config = args.value("--config");
  args.finish();
  if (from) q.from_us = parse_time_option("--from", from);
  if (to) q.to_us = parse_time_option("--to", to);
  if (q.from_us && q.to_us && *q.from_us >= *q.to_us)
    throw UsageError("--from " + *from + " is not before --to " + *to + ": no time lies between them");
  if (limit) {
    if (*limit <= 0) throw UsageError("--limit: must be a positive whole number");
    q.limit = static_cast<std::size_t>(*limit);
  }
  if (q.person && q.unassigned_only) throw UsageError("--person and --unassigned exclude each other");

  StoreSession store = open_store(config, database);
  if (q.person) q.person = person_option(store, "--person", *q.person);  // a name or an id
  auto rows = store.recorder->measurements(q);
  if (json) {
    for (const auto& m : rows) std::cout << measurement_to_json(m, display_unit(*store.recorder, m)).dump() << '\n';
    return 0;
  }
  if (rows.empty()) {
    std::printf("no measurements stored in %s\n", store.database->path().c_str());
    return 0;
  }
  std::printf("%s\n", measurement_table_header().c_str());
  for (const auto& m : rows) std::printf("%s\n", measurement_table_row(m, display_unit(*store.recorder, m)).c_str());
  return 0;
}

}  // namespace

extern const Command kHistoryCommand = {
    .name = "history",
    .summary = "list stored measurements, per person, in each person's unit",
    .usage = kUsage,
    .run = run_history,
};

}  // namespace declouder
