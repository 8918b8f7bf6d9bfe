// The gateway's settings: the [gateway], [mqtt] and [domoticz] sections of the
// configuration file (config/example.toml documents every key), overridden by
// the command line (`declouder run --help`).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "outputs/mqtt_output.hpp"

namespace declouder {

struct GatewaySettings {
  std::string gateway_id;                 // [gateway] id; default: the host name
  std::vector<std::string> simulate;      // [gateway] simulate = ["mi-scale-2"]
  std::optional<std::string> jsonl;       // [gateway] jsonl = "-" or a file
  std::optional<std::string> mqtt_url;    // [mqtt] url; no MQTT without it
  MqttOutputSettings mqtt;                // the rest of [mqtt] and [domoticz]
  bool domoticz = false;
  double settle_seconds = 15;             // [gateway] settle_seconds: see gateway/pipeline.hpp
  int standard_scale_user = 1;            // [gateway] standard_scale_user: the SIG scale user slot
  int standard_scale_consent = 0;         // [gateway] standard_scale_consent: that slot's code
};

// Reads the three sections from the parsed configuration file (app/config.hpp
// loads it). Unknown keys and wrong types are ConfigErrors, "FILE:LINE: what".
void read_gateway_settings(const Config& config, GatewaySettings& s);

// The host name as a gateway id ("raspberrypi"), "gateway" when unknown.
std::string default_gateway_id();

}  // namespace declouder
