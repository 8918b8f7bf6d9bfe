#include "mqtt/client.hpp"

#include <mosquitto.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>

#include <unistd.h>

namespace declouder {

namespace {
constexpr const char* kSystemCaDirectory = "/etc/ssl/certs";  // Debian's, hashed by update-ca-certificates

// Text of a URL as a message quotes it: at most 40 bytes.
std::string cut(const std::string& text) { return text.size() > 40 ? text.substr(0, 37) + "..." : text; }

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
    // Quoted up to the host: what follows may be a password.
    const auto scheme_end = url.find("://");
    const std::string shown = scheme_end != std::string::npos ? url.substr(0, std::min<std::size_t>(scheme_end, 20)) + "://..."
                                                              : url.substr(0, 40) + (url.size() > 40 ? "..." : "");
    throw MqttError("'" + shown + "' is not an MQTT URL (mqtt://HOST:PORT or mqtts://HOST:PORT)");
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    const std::string cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = cred.find(':');
    s.username = cred.substr(0, colon);
    // "mqtt://demo@host": the user only; the password stays what $DECLOUDER_MQTT_PASSWORD or
    // [mqtt] password_file gave (a URL that names the user must not erase it).
    if (colon != std::string::npos) s.password = cred.substr(colon + 1);
  }
  // The URL as messages show it: never the password.
  const std::string shown = std::string(s.tls ? "mqtts://" : "mqtt://") + (s.username.empty() ? "" : cut(s.username) + "@") +
                            (rest.size() > 80 ? rest.substr(0, 77) + "..." : rest);
  std::string host = rest;
  std::optional<std::string> port;
  if (!rest.empty() && rest.front() == '[') {  // an IPv6 address (RFC 3986 section 3.2.2)
    const auto close = rest.find(']');
    if (close == std::string::npos) throw MqttError("'" + shown + "': the IPv6 address has no closing ']'");
    host = rest.substr(1, close - 1);
    const std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') throw MqttError("'" + shown + "': only ':PORT' may follow the ']' of an IPv6 address");
      port = after.substr(1);
    }
    if (host.find(':') == std::string::npos)
      throw MqttError("'" + shown + "': '" + cut(host) + "' in brackets is not an IPv6 address");
  } else if (auto colon = rest.find(':'); colon != std::string::npos) {
    if (rest.find(':', colon + 1) != std::string::npos)
      throw MqttError("'" + shown + "': write an IPv6 address in brackets, mqtt://[::1]:1883");
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (port) {
    int p = 0;
    const bool digits = !port->empty() && port->size() <= 5 && std::all_of(port->begin(), port->end(), ::isdigit);
    if (digits) p = std::stoi(*port);
    if (!digits || p < 1 || p > 65535)
      throw MqttError("'" + shown + "': '" + cut(*port) + "' is not a port number (1-65535)");
    s.port = p;
  }
  if (host.empty()) throw MqttError("'" + shown + "' names no host");
  if (host.find_first_of("/?#@ ") != std::string::npos)
    throw MqttError("'" + shown + "': '" + cut(host) + "' is not a host name or address");
  s.host = host;
}

std::string mqtt_broker_url(const MqttSettings& s) {
  const bool v6 = s.host.find(':') != std::string::npos;
  return std::string(s.tls ? "mqtts://" : "mqtt://") + (v6 ? "[" + s.host + "]" : s.host) + ":" + std::to_string(s.port);
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
  // Our own thread calls mosquitto_loop() while others publish: libmosquitto must lock.
  mosquitto_threaded_set(mosq_, true);
  mosquitto_log_callback_set(mosq_, on_log_cb);
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
    } else if (::access(kSystemCaDirectory, R_OK) == 0) {
      // The system's CAs as a directory, not MOSQ_OPT_TLS_USE_OS_CERTS: with that
      // option libmosquitto 2.0.11 (Debian 12) refuses every reconnect
      // ("MOSQ_OPT_SSL_CTX_WITH_DEFAULTS used without specifying cafile, capath
      // or psk", net_mosq.c net__init_ssl_ctx), so a broker that went away once
      // would never be reached again.
      if (mosquitto_tls_set(mosq_, nullptr, kSystemCaDirectory, nullptr, nullptr, nullptr) != MOSQ_ERR_SUCCESS)
        throw MqttError(std::string("cannot use the system's CA certificates in ") + kSystemCaDirectory + " for TLS");
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

std::string MqttClient::describe() const { return mqtt_broker_url(settings_); }

void MqttClient::start() {
  if (started_) return;
  stopping_ = false;
  network_ = std::thread([this] { network_loop(); });
  started_ = true;
}

void MqttClient::network_loop() {
  using Clock = std::chrono::steady_clock;
  const double first_wait = std::clamp(settings_.reconnect_min_s, 0.01, 3600.0);
  const double max_wait = std::clamp(settings_.reconnect_max_s, first_wait, 3600.0);
  double wait_s = first_wait;
  bool first = true;
  while (!stopping_) {
    session_up_ = false;
    refused_rc_ = 0;
    {
      std::lock_guard lock(mutex_);
      library_error_.clear();
    }
    errno = 0;
    int rc = first ? mosquitto_connect_async(mosq_, settings_.host.c_str(), settings_.port, settings_.keepalive_s)
                   : mosquitto_reconnect_async(mosq_);
    int error_number = errno;
    first = false;
    if (rc == MOSQ_ERR_SUCCESS) {
      // The connection's life: until it fails, or until stop() has had its
      // DISCONNECT sent (the loop then reports no connection), or 2 s after a stop.
      std::optional<Clock::time_point> stop_deadline;
      while (true) {
        errno = 0;
        rc = mosquitto_loop(mosq_, 200, 1);
        error_number = errno;
        if (rc != MOSQ_ERR_SUCCESS) break;
        if (stopping_) {
          if (!stop_deadline) stop_deadline = Clock::now() + std::chrono::seconds(2);
          if (Clock::now() > *stop_deadline) break;
        }
      }
    }
    if (stopping_) break;
    const bool was_up = session_up_;
    if (was_up) wait_s = first_wait;  // a connection that was up starts the backoff again
    if (handlers_.on_log) {
      char wait_text[32];
      std::snprintf(wait_text, sizeof wait_text, wait_s < 10 ? "%.3g s" : "%.0f s", wait_s);
      handlers_.on_log("MQTT broker " + describe() + (was_up ? ": connection lost: " : ": cannot connect: ") +
                       failure_reason(rc, error_number, was_up) + "; trying again in " + wait_text);
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::duration<double>(wait_s), [this] { return stopping_.load(); });
    wait_s = std::min(wait_s * 2, max_wait);
  }
}

std::string MqttClient::failure_reason(int rc, int error_number, bool was_up) {
  std::string library_error;
  {
    std::lock_guard lock(mutex_);
    library_error = library_error_;
  }
  if (refused_rc_) {
    std::string why = std::string("the broker refused the connection: ") + mosquitto_connack_string(refused_rc_);
    if (refused_rc_ == 4 || refused_rc_ == 5)
      why += settings_.username.empty() ? " (no user name given: [mqtt] username, or mqtt://USER@HOST)"
                                        : " (user '" + settings_.username + "': check the user name and password)";
    return why;
  }
  const std::string port = std::to_string(settings_.port);
  switch (rc) {
    case MOSQ_ERR_ERRNO:
      if (error_number == ECONNREFUSED) return "connection refused (nothing listens on port " + port + ")";
      return error_number ? std::strerror(error_number) : "a system error";
    case MOSQ_ERR_EAI:
      return "cannot look up the host name '" + settings_.host + "'";
    case MOSQ_ERR_TLS:
    case MOSQ_ERR_TLS_HANDSHAKE:
      return "TLS failed" + (library_error.empty() ? std::string() : " (" + library_error + ")") +
             (was_up ? "" : "; is port " + port + " a TLS port? mqtts:// needs one, a plain port is mqtt://");
    case MOSQ_ERR_KEEPALIVE:
      return was_up ? "no answer from the broker for " + std::to_string(settings_.keepalive_s) + " s"
                    : "no answer within " + std::to_string(settings_.keepalive_s) +
                          " s (a firewall dropping packets? the wrong host?)";
    case MOSQ_ERR_CONN_LOST:
    case MOSQ_ERR_NO_CONN:
      if (was_up) return "the broker closed the connection";
      return settings_.tls ? "the broker closed the connection before answering"
                           : "the broker closed the connection before answering (a TLS port? that is mqtts://)";
    case MOSQ_ERR_PROTOCOL:
      return "the other side does not speak MQTT" +
             std::string(settings_.tls ? "" : " (a TLS port? that is mqtts://)");
    default:
      return mosquitto_strerror(rc) + (library_error.empty() ? std::string() : " (" + library_error + ")");
  }
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
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  mosquitto_disconnect(mosq_);  // sent by the network thread, which then sees no connection
  wake_.notify_all();
  network_.join();
}

void MqttClient::on_log_cb(struct mosquitto*, void* self, int level, const char* text) {
  if (!(level & MOSQ_LOG_ERR) || !text) return;
  auto* c = static_cast<MqttClient*>(self);
  std::lock_guard lock(c->mutex_);
  c->library_error_ = text;
}

void MqttClient::on_connect_cb(struct mosquitto*, void* self, int rc) {
  auto* c = static_cast<MqttClient*>(self);
  if (rc != 0) {
    c->refused_rc_ = rc;  // the network loop says so when the attempt ends
    return;
  }
  c->session_up_ = true;
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
