#include "gateway/settings.hpp"

#include <unistd.h>

#include <set>

#include "outputs/measurement_json.hpp"

namespace declouder {

namespace {

const Config* g_config = nullptr;  // for locations in messages; set by read_gateway_settings

[[noreturn]] void fail(const toml::node& n, const std::string& what) {
  throw ConfigError(config_location(*g_config, n) + ": " + what);
}

void check_keys(const toml::table& t, const std::string& section, const std::set<std::string>& known) {
  for (const auto& [key, value] : t) {
    if (!known.count(std::string(key.str()))) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      fail(value, "unknown key '" + std::string(key.str()) + "' in [" + section + "] (known: " + list + ")");
    }
  }
}

template <typename T>
std::optional<T> get(const toml::table& t, const std::string& section, const char* key) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  if (auto v = n->value<T>()) return *v;
  fail(*n, "[" + section + "] " + key + " has the wrong type");
}

}  // namespace

std::string default_gateway_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || !host[0]) return "gateway";
  return slug(host);
}

void read_gateway_settings(const Config& cfg, GatewaySettings& s) {
  g_config = &cfg;
  const toml::table& config = cfg.table;
  if (const toml::table* g = config["gateway"].as_table()) {
    check_keys(*g, "gateway", {"id", "simulate", "jsonl", "standby_seconds", "switch_db", "settle_seconds",
                               "standard_scale_user", "standard_scale_consent"});
    if (auto v = get<std::int64_t>(*g, "gateway", "standard_scale_user")) {
      if (*v < 0 || *v > 255) fail(*g->get("standard_scale_user"), "[gateway] standard_scale_user must be 0-255");
      s.standard_scale_user = static_cast<int>(*v);
    }
    if (auto v = get<std::int64_t>(*g, "gateway", "standard_scale_consent")) {
      if (*v < 0 || *v > 9999) fail(*g->get("standard_scale_consent"), "[gateway] standard_scale_consent must be 0-9999");
      s.standard_scale_consent = static_cast<int>(*v);
    }
    if (auto v = get<double>(*g, "gateway", "settle_seconds")) s.settle_seconds = *v;
    if (auto v = get<std::string>(*g, "gateway", "id")) s.gateway_id = *v;
    if (auto v = get<std::string>(*g, "gateway", "jsonl")) s.jsonl = *v;
    if (auto v = get<double>(*g, "gateway", "standby_seconds")) s.mqtt.standby_us = static_cast<std::int64_t>(*v * 1e6);
    if (auto v = get<double>(*g, "gateway", "switch_db")) s.mqtt.ownership.switch_db = *v;
    if (const toml::array* a = g->get_as<toml::array>("simulate")) {
      for (const auto& e : *a) {
        auto v = e.value<std::string>();
        if (!v) fail(e, "[gateway] simulate must be a list of strings");
        s.simulate.push_back(*v);
      }
    }
  }
  if (const toml::table* m = config["mqtt"].as_table()) {
    check_keys(*m, "mqtt", {"url", "username", "password", "ca_file", "tls_insecure", "client_id", "base_topic",
                            "home_assistant", "discovery_prefix"});
    if (auto v = get<std::string>(*m, "mqtt", "url")) s.mqtt_url = *v;
    if (auto v = get<std::string>(*m, "mqtt", "username")) s.mqtt.connection.username = *v;
    if (auto v = get<std::string>(*m, "mqtt", "password")) s.mqtt.connection.password = *v;
    if (auto v = get<std::string>(*m, "mqtt", "ca_file")) s.mqtt.connection.ca_file = *v;
    if (auto v = get<bool>(*m, "mqtt", "tls_insecure")) s.mqtt.connection.tls_insecure = *v;
    if (auto v = get<std::string>(*m, "mqtt", "client_id")) s.mqtt.connection.client_id = *v;
    if (auto v = get<std::string>(*m, "mqtt", "base_topic")) s.mqtt.base = *v;
    if (auto v = get<bool>(*m, "mqtt", "home_assistant")) s.mqtt.home_assistant = *v;
    if (auto v = get<std::string>(*m, "mqtt", "discovery_prefix")) s.mqtt.discovery_prefix = *v;
  }
  if (const toml::table* d = config["domoticz"].as_table()) {
    check_keys(*d, "domoticz", {"topic", "sensor"});
    s.domoticz = true;
    if (auto v = get<std::string>(*d, "domoticz", "topic")) s.mqtt.domoticz.topic = *v;
    if (const toml::array* sensors = d->get_as<toml::array>("sensor")) {
      for (const auto& e : *sensors) {
        const toml::table* t = e.as_table();
        if (!t) fail(e, "[[domoticz.sensor]] entries must be tables");
        check_keys(*t, "domoticz.sensor", {"idx", "metric", "person"});
        DomoticzSensor ds;
        auto idx = get<std::int64_t>(*t, "domoticz.sensor", "idx");
        if (!idx) fail(*t, "[[domoticz.sensor]] needs idx (the Domoticz device index)");
        ds.idx = static_cast<int>(*idx);
        if (auto v = get<std::string>(*t, "domoticz.sensor", "metric")) ds.metric = *v;
        if (auto v = get<std::string>(*t, "domoticz.sensor", "person")) ds.person = *v;
        bool known = ds.metric == "body_type";
        for (const MetricInfo& mi : body_metric_infos()) known |= mi.key == ds.metric;
        if (!known) fail(*t, "[[domoticz.sensor]] idx " + std::to_string(ds.idx) + ": unknown metric '" + ds.metric + "'");
        s.mqtt.domoticz.sensors.push_back(ds);
      }
    }
  }
}

}  // namespace declouder
