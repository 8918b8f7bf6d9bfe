// The gateway's settings: the [gateway], [mqtt] and [domoticz] sections of the
// configuration file (config/example.toml documents every key), overridden by
// the command line (`declouder run --help`). Plain values: app/config.cpp reads
// the file into them (Config::gateway), with its "FILE:LINE: what" messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/ownership.hpp"
#include "mqtt/client.hpp"
#include "outputs/domoticz.hpp"

namespace declouder {

struct GatewayMqttSettings {
  std::optional<std::string> url;      // [mqtt] url; no MQTT without it (or --mqtt)
  MqttSettings connection;             // username, password, ca_file, tls_insecure, client_id
  // [mqtt] password_file: the password is the file's first line (the path
  // resolved against the config file's directory); read when the gateway starts.
  std::optional<std::string> password_file;
  std::string base = "declouder";      // [mqtt] base_topic
  bool home_assistant = true;          // [mqtt] home_assistant: publish discovery and states
  std::string discovery_prefix = "homeassistant";  // [mqtt] discovery_prefix
  // [mqtt] compat: other programs' MQTT shapes published as well, for setups built
  // on them: "xiaomi_mi_scale" (outputs/xiaomi_mi_scale_compat.hpp).
  std::vector<std::string> compat;
  // [mqtt] assign_offer_hours: how long Home Assistant's "Weighing for" select offers
  // an unassigned weighing (outputs/home_assistant_output.hpp).
  double assign_offer_hours = 24;
};

// [[esphome]]: one ESPHome Bluetooth proxy node (gateway/esphome_source.hpp).
struct EsphomeProxySettings {
  std::string host;
  int port = 6053;
  std::string key;  // the node's API encryption key, base64; "" = plaintext
};

struct GatewaySettings {
  std::string gateway_id;                 // [gateway] id; default: the host name
  std::vector<std::string> simulate;      // [gateway] simulate = ["mi-scale-2"]
  std::optional<std::string> jsonl;       // [gateway] jsonl = "-" or a file
  double settle_seconds = 15;             // [gateway] settle_seconds: see gateway/pipeline.hpp
  std::int64_t standby_us = 5'000'000;    // [gateway] standby_seconds: see gateway/coordination.hpp
  OwnershipPolicy ownership;              // [gateway] switch_db
  int standard_scale_user = 1;            // [gateway] standard_scale_user: the SIG scale user slot
  int standard_scale_consent = 0;         // [gateway] standard_scale_consent: that slot's code
  GatewayMqttSettings mqtt;               // [mqtt]
  std::optional<DomoticzSettings> domoticz;  // [domoticz]: a Domoticz output when present (and MQTT)
  std::vector<EsphomeProxySettings> esphome;  // [[esphome]]: Bluetooth proxies to listen through
  std::vector<std::string> mqtt_adverts;      // [[mqtt_adverts]] topic: MQTT advert gateways' topics
};

// The host name as a gateway id ("raspberrypi"), "gateway" when unknown.
std::string default_gateway_id();

}  // namespace declouder
