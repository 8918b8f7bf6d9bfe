#include "outputs/home_assistant.hpp"

#include <nlohmann/json.hpp>

#include "outputs/measurement_json.hpp"

namespace declouder {

namespace {

Json origin() {
  return {{"name", "declouder"}, {"sw_version", DECLOUDER_VERSION}, {"url", "https://github.com/declouder/declouder"}};
}

Json availability(const HomeAssistantNaming& n) {
  Json list = Json::array();
  for (const std::string& g : n.gateways) list.push_back({{"topic", gateway_status_topic(n.base, g)}});
  return list;
}

MqttMessage config(const HomeAssistantNaming& n, const std::string& component, const std::string& unique_id, Json body) {
  return {n.discovery_prefix + "/" + component + "/" + unique_id + "/config", body.dump(), true};
}

Json sensor(const HomeAssistantNaming& n, const std::string& unique_id, std::string_view name, const std::string& state_topic,
            const Json& device) {
  Json s;
  s["name"] = name;
  s["unique_id"] = unique_id;
  s["object_id"] = unique_id;
  s["state_topic"] = state_topic;
  s["availability"] = availability(n);
  s["availability_mode"] = "any";
  s["device"] = device;
  s["origin"] = origin();
  return s;
}

void describe_metric(Json& s, const MetricInfo& m) {
  if (!m.device_class.empty()) s["device_class"] = m.device_class;
  if (!m.unit.empty()) s["unit_of_measurement"] = m.unit;
  s["state_class"] = "measurement";
  s["suggested_display_precision"] = m.decimals;
  s["force_update"] = true;
}

std::string person_topic(const HomeAssistantNaming& n, const std::string& person_id) {
  return n.base + "/people/" + person_id;
}
std::string scale_topic(const HomeAssistantNaming& n, const std::string& address) {
  return n.base + "/scales/" + mac_slug(address);
}

// The Home Assistant device of one scale: every entity of that scale carries it.
Json scale_device(const HomeAssistantNaming& n, const std::string& address, const std::string& model) {
  return {{"identifiers", {"declouder_scale_" + mac_slug(address)}},
          {"connections", Json::array({Json::array({"mac", address})})},
          {"name", "Scale " + address.substr(address.size() >= 8 ? address.size() - 8 : 0)},
          {"manufacturer", "declouder"},
          {"model", model},
          {"via_device", "declouder_gateway_" + slug(n.gateway_id)}};
}

}  // namespace

std::string gateway_status_topic(const std::string& base, const std::string& gateway_id) {
  return base + "/gateways/" + gateway_id + "/status";
}

std::string mac_slug(const std::string& address) {
  std::string out;
  for (char c : address)
    if (c != ':' && c != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<MqttMessage> gateway_discovery(const HomeAssistantNaming& n) {
  const std::string id = "declouder_gateway_" + slug(n.gateway_id);
  Json device = {{"identifiers", {id}}, {"name", "declouder " + n.gateway_id}, {"manufacturer", "declouder"},
                 {"model", "Gateway"}, {"sw_version", DECLOUDER_VERSION}};
  Json s;
  s["name"] = "Connected";
  s["unique_id"] = id + "_status";
  s["object_id"] = id + "_status";
  s["state_topic"] = gateway_status_topic(n.base, n.gateway_id);
  s["payload_on"] = "online";
  s["payload_off"] = "offline";
  s["device_class"] = "connectivity";
  s["entity_category"] = "diagnostic";
  s["device"] = device;
  s["origin"] = origin();
  return {config(n, "binary_sensor", id + "_status", s)};
}

std::vector<MqttMessage> person_discovery(const HomeAssistantNaming& n, const std::string& person_id,
                                          const std::string& name) {
  const std::string& p = person_id;
  const std::string topic = person_topic(n, person_id);
  Json device = {{"identifiers", {"declouder_person_" + p}}, {"name", name}, {"manufacturer", "declouder"},
                 {"model", "Person (body composition)"}};
  std::vector<MqttMessage> out;
  for (const MetricInfo& m : body_metric_infos()) {
    const std::string uid = "declouder_" + p + "_" + std::string(m.key);
    Json s = sensor(n, uid, m.label, topic + "/" + std::string(m.key), device);
    describe_metric(s, m);
    if (m.key == "weight_kg") s["json_attributes_topic"] = topic + "/measurement";
    out.push_back(config(n, "sensor", uid, s));
  }
  {
    const std::string uid = "declouder_" + p + "_body_type";
    out.push_back(config(n, "sensor", uid, sensor(n, uid, "Body type", topic + "/body_type", device)));
  }
  {
    const std::string uid = "declouder_" + p + "_measured_at";
    Json s = sensor(n, uid, "Last weighing", topic + "/measured_at", device);
    s["device_class"] = "timestamp";
    out.push_back(config(n, "sensor", uid, s));
  }
  return out;
}

std::vector<MqttMessage> scale_discovery(const HomeAssistantNaming& n, const std::string& address,
                                         const std::string& model) {
  const std::string mac = mac_slug(address);
  const std::string topic = scale_topic(n, address);
  const Json device = scale_device(n, address, model);
  std::vector<MqttMessage> out;
  for (const MetricInfo& m : body_metric_infos()) {
    if (m.key != "weight_kg" && m.key != "impedance_ohm") continue;
    const std::string uid = "declouder_scale_" + mac + "_" + std::string(m.key);
    Json s = sensor(n, uid, m.key == "weight_kg" ? "Last weight" : "Impedance", topic + "/" + std::string(m.key), device);
    describe_metric(s, m);
    if (m.key == "weight_kg") s["json_attributes_topic"] = topic + "/measurement";
    out.push_back(config(n, "sensor", uid, s));
  }
  const std::string uid = "declouder_scale_" + mac + "_last_seen";
  Json s = sensor(n, uid, "Last seen", topic + "/last_seen", device);
  s["device_class"] = "timestamp";
  s["entity_category"] = "diagnostic";
  out.push_back(config(n, "sensor", uid, s));
  return out;
}

MqttMessage scale_battery_discovery(const HomeAssistantNaming& n, const std::string& address, const std::string& model) {
  const std::string uid = "declouder_scale_" + mac_slug(address) + "_battery";
  Json s = sensor(n, uid, "Battery", scale_battery_state(n, address, 0).topic, scale_device(n, address, model));
  s["device_class"] = "battery";
  s["unit_of_measurement"] = "%";
  s["state_class"] = "measurement";
  s["entity_category"] = "diagnostic";
  return config(n, "sensor", uid, s);
}

MqttMessage scale_battery_state(const HomeAssistantNaming& n, const std::string& address, int percent) {
  return {scale_topic(n, address) + "/battery", std::to_string(percent), true};
}

std::vector<MqttMessage> measurement_states(const HomeAssistantNaming& n, const Measurement& m, WeightUnit unit) {
  Json attributes = measurement_to_json(m, unit);
  attributes["gateway"] = n.gateway_id;
  const std::string measured_at = iso8601_utc_us(m.time_us);
  // A state is the number as Home Assistant shows it: the metric's own decimals.
  auto state = [](const MetricInfo& info, double v) { return json_number(v, info.decimals).dump(); };
  std::vector<MqttMessage> out;
  if (!m.person.empty()) {
    const std::string topic = person_topic(n, person_id_of(m));
    out.push_back({topic + "/measurement", attributes.dump()});
    for (const MetricInfo& info : body_metric_infos())
      if (auto v = metric_value(m, info.key)) out.push_back({topic + "/" + std::string(info.key), state(info, *v)});
    if (m.metrics.body_type) out.push_back({topic + "/body_type", *m.metrics.body_type});
    out.push_back({topic + "/measured_at", measured_at});
  }
  if (m.address) {
    const std::string topic = scale_topic(n, m.address->str());
    out.push_back({topic + "/measurement", attributes.dump()});
    out.push_back({topic + "/weight_kg", state(*metric_info("weight_kg"), m.weight_kg)});
    if (m.impedance_ohm) out.push_back({topic + "/impedance_ohm", state(*metric_info("impedance_ohm"), *m.impedance_ohm)});
    out.push_back({topic + "/last_seen", measured_at});
  }
  return out;
}

}  // namespace declouder
