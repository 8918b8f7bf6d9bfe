// Definition files: TOML (docs/definitions.md) in, checked, out as a Definition; and the
// registry a command dispatches to, built from the built-in devices plus every definition
// found in the standard folders and the files a person names.
//
// Every mistake is an error "FILE:LINE: what is wrong" (an unknown key, a field outside the
// frame, a conversation that waits for a reading it never subscribed to...), so a broken
// definition is refused whole rather than decoding something wrong.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "definitions/definition.hpp"
#include "devices/registry.hpp"

namespace declouder::definitions {

struct DefinitionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses and checks one definition; `source` names it in errors (the file's path).
std::shared_ptr<const Definition> parse_definition(std::string_view toml_text, const std::string& source);
std::shared_ptr<const Definition> load_definition_file(const std::string& path);

// The TOML text of a definition (what `capture learn` writes); parse_definition reads it back.
std::string definition_toml(const Definition& d, const std::string& header_comment = {});

// The folders definitions load from by themselves, in order:
// $XDG_CONFIG_HOME/declouder/devices (default ~/.config/declouder/devices), /etc/declouder/devices.
std::vector<std::string> standard_definition_dirs();

struct DeviceChoice {
  std::vector<std::string> paths;  // --definitions FILE|DIR, in order
  bool builtin = true;             // false: --no-builtin
  bool standard_dirs = true;       // load the standard folders too
};

// Every definition the choice names: the files given, every *.toml of a folder given, and of
// the standard folders that exist (name order within a folder). Throws DefinitionError: a
// file that does not exist, a broken definition, two definitions with one id, or a
// definition whose id is a built-in device's while the built-in devices are on.
std::vector<std::shared_ptr<const Definition>> load_definitions(const DeviceChoice& choice);

// The registry of that choice: the definitions first, then (unless --no-builtin) the built-in devices.
DeviceRegistry make_registry(const DeviceChoice& choice);
DeviceRegistry make_registry(const std::vector<std::shared_ptr<const Definition>>& definitions, bool builtin);

}  // namespace declouder::definitions
