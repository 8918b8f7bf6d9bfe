#include "outputs/home_assistant.hpp"

#include <nlohmann/json.hpp>

#include "devices/registry.hpp"
#include "outputs/measurement_json.hpp"

namespace declouder {

namespace {

Json origin() {
  // origin takes name, sw_version and support_url only (mqtt/schemas.py; "url" is that
  // key's abbreviation): an unknown key there makes Home Assistant drop the whole config.
  return {{"name", "declouder"}, {"sw_version", DECLOUDER_VERSION}, {"support_url", "https://github.com/declouder/declouder"}};
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
  s["default_entity_id"] = "sensor." + unique_id;
  s["state_topic"] = state_topic;
  s["availability"] = availability(n);
  s["availability_mode"] = "any";
  s["device"] = device;
  s["origin"] = origin();
  return s;
}

void describe_metric(Json& s, const MetricInfo& m, WeightUnit unit) {
  const ShownMetric shown = shown_metric(m, unit);
  if (!shown.device_class.empty()) s["device_class"] = shown.device_class;
  if (!shown.unit.empty()) s["unit_of_measurement"] = shown.unit;
  s["state_class"] = "measurement";
  s["suggested_display_precision"] = shown.decimals;
  s["force_update"] = true;
}

std::string person_topic(const HomeAssistantNaming& n, const std::string& person_id) {
  return n.base + "/people/" + person_id;
}
std::string scale_topic(const HomeAssistantNaming& n, const std::string& address) {
  return n.base + "/scales/" + mac_slug(address);
}

// The Home Assistant device of one scale: every entity of that scale carries it. Its
// model and maker are the descriptor's (`model` is the descriptor id a measurement
// carries); a model no descriptor has is shown as it is.
Json scale_device(const HomeAssistantNaming& n, const std::string& address, const std::string& model) {
  Json d = {{"identifiers", {"declouder_scale_" + mac_slug(address)}},
            {"connections", Json::array({Json::array({"mac", address})})},
            {"name", "Scale " + address.substr(address.size() >= 8 ? address.size() - 8 : 0)}};
  if (const DeviceDescriptor* desc = builtin_registry().find(model)) {
    d["model"] = desc->name;
    d["model_id"] = desc->id;
    if (std::string maker = manufacturer_of(*desc); !maker.empty()) d["manufacturer"] = maker;
  } else if (!model.empty()) {
    d["model"] = model;
  }
  // The same gateway whoever writes it: several gateways each re-announcing the
  // scale with itself as via_device would rewrite the retained config back and forth.
  const std::string& via = n.gateways.empty() ? n.gateway_id : *n.gateways.begin();
  d["via_device"] = "declouder_gateway_" + slug(via);
  return d;
}

// A person's sensors: unique id and state topic.
struct PersonEntity {
  std::string unique_id, state_topic;
};
std::vector<PersonEntity> person_entities(const HomeAssistantNaming& n, const std::string& p) {
  const std::string topic = person_topic(n, p);
  std::vector<PersonEntity> out;
  for (const MetricInfo& m : body_metric_infos())
    out.push_back({"declouder_" + p + "_" + std::string(m.key), topic + "/" + std::string(m.key)});
  out.push_back({"declouder_" + p + "_body_type", topic + "/body_type"});
  out.push_back({"declouder_" + p + "_measured_at", topic + "/measured_at"});
  return out;
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
  s["default_entity_id"] = "binary_sensor." + id + "_status";
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
                                          const std::string& name, WeightUnit unit) {
  const std::string& p = person_id;
  const std::string topic = person_topic(n, person_id);
  Json device = {{"identifiers", {"declouder_person_" + p}}, {"name", name}, {"manufacturer", "declouder"},
                 {"model", "Person (body composition)"}};
  std::vector<MqttMessage> out;
  for (const MetricInfo& m : body_metric_infos()) {
    const std::string uid = "declouder_" + p + "_" + std::string(m.key);
    Json s = sensor(n, uid, m.label, topic + "/" + std::string(m.key), device);
    describe_metric(s, m, unit);
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
    describe_metric(s, m, WeightUnit::kg);
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

MqttMessage scale_assign_discovery(const HomeAssistantNaming& n, const std::string& address, const std::string& model,
                                   const std::vector<std::string>& people) {
  const std::string uid = "declouder_scale_" + mac_slug(address) + "_assign";
  Json s = sensor(n, uid, "Weighing for", scale_assign_state(n, address, "").topic, scale_device(n, address, model));
  s["default_entity_id"] = "select." + uid;
  s["command_topic"] = scale_assign_command_topic(n, address);
  Json options = Json::array({kAssignNobody});
  for (const std::string& p : people) options.push_back(p);
  s["options"] = options;
  s["json_attributes_topic"] = scale_topic(n, address) + "/measurement";
  s["icon"] = "mdi:account-question";
  return config(n, "select", uid, s);
}

MqttMessage scale_assign_state(const HomeAssistantNaming& n, const std::string& address, const std::string& state) {
  return {scale_topic(n, address) + "/assign", state, true};
}

std::string scale_assign_command_topic(const HomeAssistantNaming& n, const std::string& address) {
  return scale_topic(n, address) + "/assign/set";
}

MqttMessage scale_battery_state(const HomeAssistantNaming& n, const std::string& address, int percent) {
  return {scale_topic(n, address) + "/battery", std::to_string(percent), true};
}

std::vector<MqttMessage> person_removal(const HomeAssistantNaming& n, const std::string& person_id) {
  std::vector<MqttMessage> out;
  for (const PersonEntity& e : person_entities(n, person_id)) {
    out.push_back({n.discovery_prefix + "/sensor/" + e.unique_id + "/config", "", true});
    out.push_back({e.state_topic, "", true});
  }
  out.push_back({person_topic(n, person_id) + "/measurement", "", true});
  return out;
}

ShownMetric shown_metric(const MetricInfo& m, WeightUnit unit) {
  if (m.unit != "kg" || unit == WeightUnit::kg) return {std::string(m.unit), std::string(m.device_class), m.decimals};
  switch (unit) {
    case WeightUnit::lb: return {"lb", "weight", 1};
    case WeightUnit::st: return {"st", "weight", 2};
    default: return {std::string(unit_name(unit)), "", 1};  // jin: no device class allows it
  }
}

double shown_value(const MetricInfo& m, double value, WeightUnit unit) {
  const double v = m.unit == "kg" ? from_kg(value, unit) : value;
  return round_to(v, shown_metric(m, unit).decimals);
}

std::string person_time_topic(const HomeAssistantNaming& n, const std::string& person_id) {
  return person_topic(n, person_id) + "/measured_at";
}
std::string scale_time_topic(const HomeAssistantNaming& n, const std::string& address) {
  return scale_topic(n, address) + "/last_seen";
}

namespace {
// A state as Home Assistant reads it; "None" makes the entity "unknown" (mqtt/sensor.py).
std::string state_text(const MetricInfo& info, std::optional<double> v, WeightUnit unit) {
  if (!v) return "None";
  return json_number(shown_value(info, *v, unit), shown_metric(info, unit).decimals).dump();
}
Json attributes_of(const HomeAssistantNaming& n, const Measurement& m, WeightUnit unit) {
  Json attributes = measurement_to_json(m, unit);
  attributes["gateway"] = n.gateway_id;
  return attributes;
}
}  // namespace

std::vector<MqttMessage> person_states(const HomeAssistantNaming& n, const Measurement& m, WeightUnit unit) {
  std::vector<MqttMessage> out;
  if (m.person.empty()) return out;
  const std::string topic = person_topic(n, person_id_of(m));
  out.push_back({topic + "/measurement", attributes_of(n, m, unit).dump(), true});
  for (const MetricInfo& info : body_metric_infos())
    out.push_back({topic + "/" + std::string(info.key), state_text(info, metric_value(m, info.key), unit), true});
  out.push_back({topic + "/body_type", m.metrics.body_type.value_or("None"), true});
  out.push_back({topic + "/measured_at", iso8601_utc_us(m.time_us), true});
  return out;
}

std::vector<MqttMessage> scale_states(const HomeAssistantNaming& n, const Measurement& m, WeightUnit unit) {
  std::vector<MqttMessage> out;
  if (!m.address) return out;
  const std::string topic = scale_topic(n, m.address->str());
  out.push_back({topic + "/measurement", attributes_of(n, m, unit).dump(), true});
  out.push_back({topic + "/weight_kg", state_text(*metric_info("weight_kg"), m.weight_kg, WeightUnit::kg), true});
  out.push_back({topic + "/impedance_ohm", state_text(*metric_info("impedance_ohm"), m.impedance_ohm, WeightUnit::kg), true});
  out.push_back({topic + "/last_seen", iso8601_utc_us(m.time_us), true});
  return out;
}

std::vector<MqttMessage> measurement_states(const HomeAssistantNaming& n, const Measurement& m, WeightUnit unit) {
  std::vector<MqttMessage> out = person_states(n, m, unit);
  for (MqttMessage& s : scale_states(n, m, unit)) out.push_back(std::move(s));
  return out;
}

}  // namespace declouder
