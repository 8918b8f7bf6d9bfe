#include "outputs/home_assistant_output.hpp"

#include "outputs/measurement_json.hpp"

namespace declouder {

HomeAssistantOutput::HomeAssistantOutput(MqttConnection& connection, const HomeAssistantSettings& s, Log log)
    : connection_(connection), log_(std::move(log)) {
  naming_.discovery_prefix = s.discovery_prefix;
  naming_.base = s.base;
  naming_.gateway_id = s.gateway_id;
  naming_.gateways.insert(s.gateway_id);
}

void HomeAssistantOutput::start(const OutputHistory& history, std::function<void()> wake) {
  wake_ = std::move(wake);
  for (const OutputHistory::Person& p : history.people) people_[p.id] = p.name;
  for (const auto& [address, model] : history.scales) scales_[address] = model;
  connection_.add_listener(this);
}

void HomeAssistantOutput::mqtt_connected() {
  online_ = true;
  announced_.clear();
  connection_.subscribe(naming_.discovery_prefix + "/status", 1);
  connection_.subscribe(naming_.base + "/gateways/+/status", 1);
  publish_discovery();
  if (wake_) wake_();
}

void HomeAssistantOutput::mqtt_message(const std::string& topic, const std::string& payload, bool) {
  if (topic == naming_.discovery_prefix + "/status") {
    if (payload == "online") {
      if (log_) log_("Home Assistant is online: sending discovery again");
      announced_.clear();
      publish_discovery();
    }
    return;
  }
  // <base>/gateways/<id>/status: one more gateway in every entity's availability list.
  const std::string prefix = naming_.base + "/gateways/";
  const std::string suffix = "/status";
  if (topic.size() > prefix.size() + suffix.size() && topic.rfind(prefix, 0) == 0 &&
      topic.compare(topic.size() - suffix.size(), suffix.size(), suffix) == 0) {
    const std::string gateway = topic.substr(prefix.size(), topic.size() - prefix.size() - suffix.size());
    if (gateway.find('/') == std::string::npos && naming_.gateways.insert(gateway).second) publish_discovery();
  }
}

void HomeAssistantOutput::publish_discovery() {
  if (!online_) return;
  for (const MqttMessage& m : gateway_discovery(naming_)) publish_config(m);
  for (const auto& [id, name] : people_) {
    for (const MqttMessage& m : person_discovery(naming_, id, name)) publish_config(m);
    announced_.insert("person:" + id);
  }
  for (const auto& [address, model] : scales_) {
    for (const MqttMessage& m : scale_discovery(naming_, address, model)) publish_config(m);
    announced_.insert("scale:" + address);
  }
  for (const auto& entry : batteries_) {
    announced_.erase("battery:" + entry.first);  // the config again, like the scale's others
    publish_battery(entry.first);
  }
}

void HomeAssistantOutput::deliver(const OutgoingMeasurement& o, Done done) {
  const Measurement& m = o.measurement;
  if (!m.person.empty()) {
    const std::string id = person_id_of(m);
    people_[id] = m.person;
    if (announced_.insert("person:" + id).second)
      for (const MqttMessage& c : person_discovery(naming_, id, m.person)) publish_config(c);
  }
  if (m.address) {
    const std::string address = m.address->str();
    scales_[address] = m.model;
    if (announced_.insert("scale:" + address).second)
      for (const MqttMessage& c : scale_discovery(naming_, address, m.model)) publish_config(c);
  }
  publish_all(connection_, measurement_states(naming_, m, o.unit), 2, std::move(done));
}

void HomeAssistantOutput::battery(std::string_view device, int percent, std::string_view model) {
  const std::string d(device);
  batteries_[d] = {percent, std::string(model)};
  publish_battery(d);  // when not connected, publish_discovery sends it on connect
}

// The battery sensor's config (once per scale and connection), then its retained state.
void HomeAssistantOutput::publish_battery(const std::string& device) {
  if (!online_) return;
  const Battery& b = batteries_.at(device);
  if (announced_.insert("battery:" + device).second) {
    auto known = scales_.find(device);
    publish_config(scale_battery_discovery(naming_, device, known != scales_.end() ? known->second : b.model));
  }
  const MqttMessage state = scale_battery_state(naming_, device, b.percent);
  connection_.publish(state.topic, state.payload, 1, state.retain);
}

}  // namespace declouder
