// The config file: one TOML file for the whole program (docs/config.md).
//
//   [database]      path of the SQLite file                    (parsed here)
//   [assignment]    how weighings are matched to people          (parsed here)
//   [[person]]      the people who step on the scales            (parsed here)
//   [mqtt] [domoticz] [gateway] [bluetooth] ...                 (parsed by their owners)
//
// load_config() parses the whole file once and checks the sections above;
// every mistake is reported as "FILE:LINE: what is wrong". The parsed document
// stays available as `Config::table`, so the owner of another section reads its
// own keys from there (and reports its errors with config_location()).
// Unknown top-level sections are not errors, only warnings (a typo like
// [persn] should not go unnoticed, but new sections must not break old files).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/person.hpp"
#include "store/recorder.hpp"

namespace declouder {

// A mistake in the config file; what() is "FILE:LINE: what is wrong".
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Config {
  std::string path;                          // the file read; empty when there was none
  std::optional<std::string> database_path;  // [database] path, '~' and relative paths resolved
  std::vector<Person> people;                // [[person]], in file order
  RecorderSettings recorder;                 // [assignment]
  std::vector<std::string> warnings;         // "FILE:LINE: unknown section [persn] (ignored)"
  toml::table table;                         // the whole document, for the other sections' owners
};

// Parses config text; `source_name` is used in messages. Throws ConfigError.
Config parse_config(std::string_view text, const std::string& source_name);
// Reads and parses a file. Throws ConfigError (also when it cannot be read).
Config load_config(const std::string& path);

// $XDG_CONFIG_HOME/declouder/config.toml, else ~/.config/declouder/config.toml.
std::string default_config_path();
// $XDG_DATA_HOME/declouder/declouder.db, else ~/.local/share/declouder/declouder.db.
std::string default_database_path();

// What commands do: `--config FILE` must exist; without it the default file is
// read when it exists, else the config is empty (no people).
Config load_command_config(const std::optional<std::string>& config_option);
// Who a conversation weighs for: the [[person]] named `name`, else the only person of the
// config when there is exactly one, else nobody. Throws ConfigError for an unknown name.
std::optional<Person> person_for_conversation(const Config& config, const std::optional<std::string>& name);

// --database, else [database] path, else the default.
std::string database_path(const std::optional<std::string>& database_option, const Config& config);

// "FILE:LINE" of a node in the parsed document, for other sections' messages.
std::string config_location(const Config& config, const toml::node& node);

}  // namespace declouder
