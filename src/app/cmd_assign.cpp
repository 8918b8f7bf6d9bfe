// declouder assign: the inbox of weighings nobody could be matched to, and
// assigning (or re-assigning) a measurement to a person by hand.
#include <charconv>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "app/store_session.hpp"
#include "outputs/measurement_json.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder assign [--json]                 list unassigned measurements
       declouder assign ID PERSON                assign (or re-assign) measurement ID
       declouder assign ID --none                make measurement ID unassigned again
       declouder assign --auto                   run the assignment rules over the list
  each with [--database FILE] [--config FILE]

A weighing is assigned automatically by: the scale's own user slot
(scale_user), then a person's weight window (weight_min/weight_max), then the
nearest previous weight within the tolerance ([assignment] in the config);
when none of these decides, or two people fit equally, it stays unassigned
and is listed here, with the reason. Nothing is ever dropped.

Assigning by hand recomputes the body composition for that person. 'assign
--auto' is useful after adding a window to the config, or after assigning a
first weighing by hand (it gives the rules a previous weight to compare with).

  ID               the measurement id shown by this list or 'declouder history'
  PERSON           a name from a [[person]] table of the config file
  --none           unassign
  --auto           run the rules again over unassigned measurements (those
                   unassigned by hand stay so)
  --json           the list as JSON lines, with "assigned_by" (the reason)
  --database FILE  the SQLite database (see 'declouder history --help')
  --config FILE    the config file

Examples:
  declouder assign
  declouder assign 42 alice)";

std::int64_t parse_id(const std::string& text) {
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0)
    throw UsageError("'" + text + "' is not a measurement id (a whole number, see 'declouder assign')");
  return id;
}

int run_assign(Args& args) {
  const bool json = args.flag("--json");
  const bool none = args.flag("--none");
  const bool automatic = args.flag("--auto");
  auto database = args.value("--database");
  auto config = args.value("--config");
  auto words = args.positionals();
  if (words.size() > 2) throw UsageError("unexpected argument '" + words[2] + "'");
  if (automatic && !words.empty()) throw UsageError("--auto takes no measurement id");
  if (none && words.size() != 1) throw UsageError("--none needs exactly one measurement id");
  if (!none && words.size() == 1) throw UsageError("give a person after the measurement id, or --none");
  const std::int64_t id = words.empty() ? 0 : parse_id(words[0]);

  StoreSession store = open_store(config, database);
  Recorder& rec = *store.recorder;

  if (automatic) {
    auto assigned = rec.reassign_unassigned();
    for (const auto& m : assigned)
      std::printf("measurement %lld (%s) -> %s\n", static_cast<long long>(m.id),
                  format_weight(m.weight_kg, display_unit(rec, m)).c_str(), m.person.c_str());
    std::printf("%zu assigned, %zu still unassigned\n", assigned.size(),
                rec.measurements({.unassigned_only = true}).size());
    return 0;
  }

  if (!words.empty()) {
    std::optional<std::string> person;
    if (!none) person = person_option(store, "PERSON", words[1]);  // a name or an id
    try {
      auto before = rec.measurement(id);
      Measurement m = rec.assign(id, person);
      std::printf("measurement %lld (%s, %s): %s -> %s\n", static_cast<long long>(m.id),
                  iso8601_utc_s(m.time_us / 1000000).c_str(),
                  format_weight(m.weight_kg, display_unit(rec, m)).c_str(),
                  before && !before->person.empty() ? before->person.c_str() : "(unassigned)",
                  m.person.empty() ? "(unassigned)" : m.person.c_str());
    } catch (const StoreError& e) {
      throw CommandError(e.what());
    }
    return 0;
  }

  auto inbox = rec.stored_measurements({.unassigned_only = true});
  if (json) {
    for (const auto& s : inbox) {
      Json j = measurement_to_json(s.measurement);
      j["assigned_by"] = s.assigned_by;
      std::cout << j.dump() << '\n';
    }
    return 0;
  }
  if (inbox.empty()) {
    std::printf("no unassigned measurements\n");
    return 0;
  }
  std::printf("%s\n", measurement_table_header().c_str());
  for (const auto& s : inbox)
    std::printf("%s\n       %s\n", measurement_table_row(s.measurement, WeightUnit::kg).c_str(), s.assigned_by.c_str());
  std::printf("\nassign one with: declouder assign ID PERSON\n");
  return 0;
}

}  // namespace

extern const Command kAssignCommand = {
    .name = "assign",
    .summary = "list unassigned measurements; assign or re-assign one to a person",
    .usage = kUsage,
    .run = run_assign,
};

}  // namespace declouder
