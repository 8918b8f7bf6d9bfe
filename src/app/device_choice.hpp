// The options that choose which devices a command decodes with and talks to, shared by
// `decode`, `capture decode`, `read`, `run`, `simulate`, `scan`, `record` and `devices`:
//   --definitions FILE|DIR   also load these definition files (repeatable; docs/definitions.md)
//   --no-builtin             turn the built-in devices off for this command
// Definitions in ~/.config/declouder/devices/ and /etc/declouder/devices/ are always loaded.
#pragma once

#include <string>
#include <string_view>

#include "app/cli.hpp"
#include "definitions/loader.hpp"
#include "devices/registry.hpp"

namespace declouder {

// What the usage texts of those commands add about the two options (Command::usage_more).
std::string device_choice_help();

// Consumes --definitions and --no-builtin.
definitions::DeviceChoice device_choice_option(Args& args);

// The registry of that choice; a broken definition is a CommandError "FILE:LINE: why".
DeviceRegistry device_registry(const definitions::DeviceChoice& choice);

// Where simulators are looked up: the definitions and every built-in device, whatever
// --no-builtin says (a simulator stands in for hardware, not for a driver).
DeviceRegistry simulator_registry(const definitions::DeviceChoice& choice);

}  // namespace declouder
