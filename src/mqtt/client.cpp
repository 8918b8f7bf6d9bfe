#include "mqtt/client.hpp"

#include <mosquitto.h>

#include <mutex>

namespace declouder {

namespace {
void library_init() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}
}  // namespace

void apply_mqtt_url(const std::string& url, MqttSettings& s) {
  std::string rest;
  if (url.rfind("mqtt://", 0) == 0) {
    s.tls = false;
    s.port = 1883;
    rest = url.substr(7);
  } else if (url.rfind("mqtts://", 0) == 0) {
    s.tls = true;
    s.port = 8883;
    rest = url.substr(8);
  } else {
    throw MqttError("'" + url + "' is not an MQTT URL (mqtt://HOST:PORT or mqtts://HOST:PORT)");
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    const std::string cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = cred.find(':');
    s.username = cred.substr(0, colon);
    s.password = colon == std::string::npos ? "" : cred.substr(colon + 1);
  }
  if (auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(']') == std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    try {
      std::size_t used = 0;
      const int p = std::stoi(port, &used);
      if (used != port.size() || p < 1 || p > 65535) throw std::out_of_range("port");
      s.port = p;
    } catch (const std::exception&) {
      throw MqttError("'" + url + "': '" + port + "' is not a port number");
    }
  }
  if (rest.empty()) throw MqttError("'" + url + "' names no host");
  s.host = rest;
}

MqttClient::MqttClient(MqttSettings settings, MqttHandlers handlers)
    : settings_(std::move(settings)), handlers_(std::move(handlers)) {
  library_init();
  mosq_ = mosquitto_new(settings_.client_id.c_str(), /*clean_session=*/false, this);
  if (!mosq_) throw MqttError("cannot create an MQTT client (out of memory or empty client id)");
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
  // At most 10 QoS 1/2 messages in flight; libmosquitto queues the rest. A
  // broker drops (silently, for MQTT 3.1.1 clients) what exceeds its receive
  // maximum: Mosquitto's max_inflight_messages defaults to 20, and one
  // person's delivery is about 20 messages.
  mosquitto_max_inflight_messages_set(mosq_, 10);
  mosquitto_reconnect_delay_set(mosq_, 1, 10, true);
  mosquitto_connect_callback_set(mosq_, on_connect_cb);
  mosquitto_disconnect_callback_set(mosq_, on_disconnect_cb);
  mosquitto_publish_callback_set(mosq_, on_publish_cb);
  mosquitto_subscribe_callback_set(mosq_, on_subscribe_cb);
  mosquitto_message_callback_set(mosq_, on_message_cb);
  if (!settings_.username.empty() &&
      mosquitto_username_pw_set(mosq_, settings_.username.c_str(),
                                settings_.password.empty() ? nullptr : settings_.password.c_str()) != MOSQ_ERR_SUCCESS)
    throw MqttError("cannot set the MQTT user name");
  if (settings_.tls) {
    const char* ca_file = settings_.ca_file.empty() ? nullptr : settings_.ca_file.c_str();
    if (ca_file) {
      if (mosquitto_tls_set(mosq_, ca_file, nullptr, nullptr, nullptr, nullptr) != MOSQ_ERR_SUCCESS)
        throw MqttError("cannot use CA file " + settings_.ca_file + " for TLS");
    } else {
      mosquitto_int_option(mosq_, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
    }
    if (settings_.tls_insecure) mosquitto_tls_insecure_set(mosq_, true);
  }
  if (!settings_.will_topic.empty() &&
      mosquitto_will_set(mosq_, settings_.will_topic.c_str(), static_cast<int>(settings_.will_payload.size()),
                         settings_.will_payload.data(), 1, true) != MOSQ_ERR_SUCCESS)
    throw MqttError("cannot set the MQTT last will on " + settings_.will_topic);
}

MqttClient::~MqttClient() {
  stop();
  mosquitto_destroy(mosq_);
}

std::string MqttClient::describe() const {
  return std::string(settings_.tls ? "mqtts://" : "mqtt://") + settings_.host + ":" + std::to_string(settings_.port);
}

void MqttClient::start() {
  if (started_) return;
  // connect_async only prepares when the broker is unreachable; the loop thread retries.
  int rc = mosquitto_connect_async(mosq_, settings_.host.c_str(), settings_.port, settings_.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS && handlers_.on_log)
    handlers_.on_log("MQTT broker " + describe() + " not reachable yet (" + mosquitto_strerror(rc) + "); retrying");
  rc = mosquitto_loop_start(mosq_);
  if (rc != MOSQ_ERR_SUCCESS) throw MqttError(std::string("cannot start the MQTT network thread: ") + mosquitto_strerror(rc));
  started_ = true;
}

std::optional<int> MqttClient::publish(const std::string& topic, const std::string& payload, int qos, bool retain) {
  int mid = 0;
  int rc = mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(), qos, retain);
  if (rc != MOSQ_ERR_SUCCESS) return std::nullopt;
  return mid;
}

std::optional<int> MqttClient::subscribe(const std::string& pattern, int qos) {
  int mid = 0;
  if (mosquitto_subscribe(mosq_, &mid, pattern.c_str(), qos) != MOSQ_ERR_SUCCESS) return std::nullopt;
  return mid;
}

void MqttClient::unsubscribe(const std::string& pattern) { mosquitto_unsubscribe(mosq_, nullptr, pattern.c_str()); }

void MqttClient::stop() {
  if (!started_) return;
  started_ = false;
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, false);
}

void MqttClient::on_connect_cb(struct mosquitto*, void* self, int rc) {
  auto* c = static_cast<MqttClient*>(self);
  if (rc != 0) {
    if (c->handlers_.on_log && rc != c->last_logged_rc_)
      c->handlers_.on_log("MQTT broker " + c->describe() + " refused the connection: " + mosquitto_connack_string(rc));
    c->last_logged_rc_ = rc;
    return;
  }
  c->last_logged_rc_ = -1;
  // libmosquitto 2.0's plain connect callback does not pass the session-present
  // flag; the outputs re-subscribe on every connect either way.
  if (c->handlers_.on_connect) c->handlers_.on_connect(false);
}

void MqttClient::on_disconnect_cb(struct mosquitto*, void* self, int rc) {
  auto* c = static_cast<MqttClient*>(self);
  if (c->handlers_.on_disconnect) c->handlers_.on_disconnect(rc);
}

void MqttClient::on_publish_cb(struct mosquitto*, void* self, int mid) {
  auto* c = static_cast<MqttClient*>(self);
  if (c->handlers_.on_publish) c->handlers_.on_publish(mid);
}

void MqttClient::on_subscribe_cb(struct mosquitto*, void* self, int mid, int, const int*) {
  auto* c = static_cast<MqttClient*>(self);
  if (c->handlers_.on_subscribe) c->handlers_.on_subscribe(mid);
}

void MqttClient::on_message_cb(struct mosquitto*, void* self, const ::mosquitto_message* m) {
  auto* c = static_cast<MqttClient*>(self);
  if (!c->handlers_.on_message) return;
  std::string payload(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen));
  c->handlers_.on_message(m->topic, std::move(payload), m->retain);
}

}  // namespace declouder
