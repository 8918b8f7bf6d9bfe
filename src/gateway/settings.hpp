// The gateway's settings: the [gateway], [mqtt] and [domoticz] sections of the
// configuration file (config/example.toml documents every key), overridden by
// the command line (`declouder run --help`).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "outputs/mqtt_output.hpp"

namespace declouder {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct GatewaySettings {
  std::string gateway_id;                 // [gateway] id; default: the host name
  std::vector<std::string> simulate;      // [gateway] simulate = ["mi-scale-2"]
  std::optional<std::string> jsonl;       // [gateway] jsonl = "-" or a file
  std::optional<std::string> mqtt_url;    // [mqtt] url; no MQTT without it
  MqttOutputSettings mqtt;                // the rest of [mqtt] and [domoticz]
  bool domoticz = false;
};

// Reads the three sections from a parsed configuration file. Unknown keys in
// them are errors (a typo must not be silently ignored), named with the section.
void read_gateway_settings(const toml::table& config, GatewaySettings& s);

// The host name as a gateway id ("raspberrypi"), "gateway" when unknown.
std::string default_gateway_id();

}  // namespace declouder
