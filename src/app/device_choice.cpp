#include "app/device_choice.hpp"

namespace declouder {

std::string device_choice_help() {
  return R"(
Which devices (every command that decodes or talks takes these):
  --definitions FILE|DIR   also use the devices these definition files describe
                           (repeatable; a folder: its *.toml; docs/definitions.md).
                           Definitions in ~/.config/declouder/devices/ and
                           /etc/declouder/devices/ are always used
  --no-builtin             use only the defined devices, none of the built-in ones
)";
}

definitions::DeviceChoice device_choice_option(Args& args) {
  definitions::DeviceChoice c;
  c.paths = args.values("--definitions");
  c.builtin = !args.flag("--no-builtin");
  return c;
}

DeviceRegistry device_registry(const definitions::DeviceChoice& choice) {
  try {
    return definitions::make_registry(choice);
  } catch (const definitions::DefinitionError& e) {
    throw CommandError(e.what());
  }
}

DeviceRegistry simulator_registry(const definitions::DeviceChoice& choice) {
  try {
    // Ids may repeat a built-in one under --no-builtin: load without that check.
    auto defs = definitions::load_definitions(choice);
    return definitions::make_registry(defs, true);
  } catch (const definitions::DefinitionError& e) {
    throw CommandError(e.what());
  }
}

}  // namespace declouder
