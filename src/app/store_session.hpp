// What every command that touches the database does first: read the config
// (--config, or the default file), open the database (--database, [database]
// path, or the default; its directory is created), mirror the configured
// people into it, and hand back a ready Recorder. Config warnings go to stderr.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app/config.hpp"
#include "store/database.hpp"
#include "store/recorder.hpp"

namespace declouder {

struct StoreSession {
  Config config;
  std::unique_ptr<Database> database;
  std::unique_ptr<Recorder> recorder;
};

// Throws CommandError (config or database problems), never exits.
StoreSession open_store(const std::optional<std::string>& config_option,
                        const std::optional<std::string>& database_option);

// The stored person a command-line value names (`--person alice`, `--person
// "Bob Smith"`, `assign 12 bob_smith`): by name or by id. Throws CommandError
// "OPTION: ..." listing the people when nobody or two people answer to it.
std::string person_option(StoreSession& store, std::string_view option, const std::string& given);

}  // namespace declouder

namespace declouder {

// display_unit(recorder, m), the person's preferred unit, is in store/recorder.hpp.
// "12.34 kg", "27.10 lb", "11.67 st", "148.16 jin".
std::string format_weight(double kg, WeightUnit unit);
// The header and one row of the measurement table `history` and `assign` print.
std::string measurement_table_header();
std::string measurement_table_row(const Measurement& m, WeightUnit unit);

}  // namespace declouder
