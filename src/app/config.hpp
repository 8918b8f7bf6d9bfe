// The config file: one TOML file for the whole program (docs/config.md).
//
//   [database]      path of the SQLite file
//   [assignment]    how weighings are matched to people
//   [[person]]      the people who step on the scales
//   [[device]]      what the receiver must know of a device: address, bindkey (Xiaomi S400...)
//   [gateway] [mqtt] [domoticz]   the gateway (`declouder run`, gateway/settings.hpp)
//   [web]           the web page (`declouder web`, and `run`; web/settings.hpp)
//
// load_config() parses the whole file once, here and only here (toml++ stays
// in config.cpp), into plain values; every mistake is reported as
// "FILE:LINE: what is wrong", and unknown keys inside these sections are
// mistakes too (those of the gateway's sections when they are read:
// gateway_settings()). Unknown top-level sections are not errors, only warnings (a
// typo like [persn] should not go unnoticed, but new sections must not break
// old files).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/frame.hpp"
#include "core/person.hpp"
#include "gateway/settings.hpp"
#include "store/recorder.hpp"
#include "web/settings.hpp"

namespace declouder {

// A mistake in the config file; what() is "FILE:LINE: what is wrong".
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Config {
  std::string path;                          // the file read; empty when there was none
  std::optional<std::string> database_path;  // [database] path, '~' and relative paths resolved
  std::vector<Person> people;                // [[person]], in file order
  DeviceKeys device_keys;                    // [[device]] address = ..., bindkey = ...
  RecorderSettings recorder;                 // [assignment]
  GatewaySettings gateway;                   // [gateway], [mqtt], [domoticz]: read with gateway_settings()
  std::optional<std::string> gateway_error;  // the first mistake in those sections, "FILE:LINE: what"
  std::vector<std::string> warnings;         // "FILE:LINE: unknown section [persn] (ignored)"
  WebSettings web;                           // [web]: read with web_settings()
  std::optional<std::string> web_error;      // the first mistake in [web], "FILE:LINE: what"
};

// [web], for `declouder web` and `run`. A mistake in it throws ConfigError here, so only
// the commands that serve the page stop for it.
const WebSettings& web_settings(const Config& config);

// The gateway's sections, for `declouder run`. A mistake in them throws ConfigError
// here, not in parse_config(): only the command that reads them stops for it, as
// when the gateway read them itself.
const GatewaySettings& gateway_settings(const Config& config);

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

}  // namespace declouder
