#include "gateway/mqtt_advert_source.hpp"

#include <nlohmann/json.hpp>

#include "core/time.hpp"

namespace declouder {

bool mqtt_topic_matches(const std::string& pattern, const std::string& topic) {
  std::size_t p = 0, t = 0;
  for (;;) {
    const std::size_t pe = pattern.find('/', p), te = topic.find('/', t);
    const std::string level = pattern.substr(p, pe == std::string::npos ? std::string::npos : pe - p);
    if (level == "#") return true;
    if (t > topic.size()) return false;
    const std::string got = topic.substr(t, te == std::string::npos ? std::string::npos : te - t);
    if (level != "+" && level != got) return false;
    if (pe == std::string::npos || te == std::string::npos) {
      // Both end here, or the pattern goes on with "/#" (which also matches the parent).
      if (pe == std::string::npos && te == std::string::npos) return true;
      return te == std::string::npos && pattern.compare(pe, std::string::npos, "/#") == 0;
    }
    p = pe + 1;
    t = te + 1;
  }
}

std::optional<Advertisement> parse_gateway_advert(const std::string& json, std::string* why) {
  auto no = [&](const std::string& reason) -> std::optional<Advertisement> {
    if (why) *why = reason;
    return std::nullopt;
  };
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return no("not a JSON object");
  const auto id = doc.find("id");
  if (id == doc.end() || !id->is_string()) return no("no \"id\" (the device address)");
  Advertisement a;
  a.address = MacAddress::parse(id->get<std::string>());
  if (!a.address) return no("\"id\" is not a Bluetooth address: " + id->get<std::string>());
  a.time_us = now_unix_us();
  if (auto n = doc.find("name"); n != doc.end() && n->is_string()) a.name = n->get<std::string>();
  if (auto r = doc.find("rssi"); r != doc.end() && r->is_number()) {
    const double v = r->get<double>();
    if (v < -127 || v > 20) return no("\"rssi\" out of range");
    a.rssi = static_cast<int>(v);
  }
  auto hex = [&](const char* key) -> std::optional<Bytes> {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_string()) return std::nullopt;
    return parse_hex(it->get<std::string>());
  };
  if (doc.contains("manufacturerdata")) {
    auto m = hex("manufacturerdata");
    if (!m || m->size() < 2) return no("\"manufacturerdata\" is not hex starting with a company id");
    a.manufacturer_data.emplace_back(static_cast<std::uint16_t>((*m)[0] | ((*m)[1] << 8)), Bytes(m->begin() + 2, m->end()));
  }
  if (doc.contains("servicedata")) {
    auto d = hex("servicedata");
    if (!d) return no("\"servicedata\" is not hex");
    auto u = doc.find("servicedatauuid");
    if (u != doc.end() && u->is_string()) {
      auto uuid = Uuid::parse(u->get<std::string>());
      if (!uuid) return no("\"servicedatauuid\" is not a UUID: " + u->get<std::string>());
      a.service_data.emplace_back(*uuid, std::move(*d));
    }
  }
  if (auto u = doc.find("serviceuuid"); u != doc.end() && u->is_string())
    if (auto uuid = Uuid::parse(u->get<std::string>())) a.service_uuids.push_back(*uuid);
  return a;
}

MqttAdvertSource::MqttAdvertSource(MqttConnection& connection, std::string topic, Log log)
    : connection_(connection), topic_(std::move(topic)), log_(std::move(log)) {
  connection_.add_listener(this);
}

void MqttAdvertSource::mqtt_connected() { connection_.subscribe(topic_, 0); }

void MqttAdvertSource::mqtt_message(const std::string& topic, const std::string& payload, bool retained) {
  if (retained || !mqtt_topic_matches(topic_, topic)) return;  // a retained advert is old news
  std::string why;
  auto a = parse_gateway_advert(payload, &why);
  if (!a) {
    if (!told_malformed_ && log_) log_("MQTT advert on " + topic + " ignored: " + why + " (said once per topic pattern)");
    told_malformed_ = true;
    return;
  }
  std::lock_guard lock(mutex_);
  if (to_ && to_->on_advertisement) to_->on_advertisement(*a);
}

void MqttAdvertSource::run(const FrameHandlers& to, const StopFlag& stop) {
  {
    std::lock_guard lock(mutex_);
    to_ = &to;
  }
  while (!stop.wait_for(std::chrono::seconds(1))) {
  }
  std::lock_guard lock(mutex_);
  to_ = nullptr;
}

}  // namespace declouder
