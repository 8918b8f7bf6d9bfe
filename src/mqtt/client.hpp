// A thin libmosquitto client: connection settings from an mqtt:// or mqtts://
// URL, TLS with a CA file, username/password, a retained last will,
// reconnection, and a persistent session (clean_session off, a stable client
// id) so QoS 1/2 messages in flight survive a dropped connection.
//
// The network thread is ours, not libmosquitto's loop_start(): its loop gives
// up for good when the first connect fails at once (a broker not up yet: the
// Raspberry Pi booted first) and says nothing when a connection attempt dies
// (a TLS port spoken to in plain text, a port that closes at once, a black
// hole). Ours connects, runs mosquitto_loop() while the connection lives, and
// on every failure logs one line naming the broker and why, then tries again
// after a capped exponential backoff (reset once a connection was up).
// The handlers are called on that thread; mqtt/connection.hpp, which its users
// share, hands them to their thread (the gateway's event loop,
// gateway/event_loop.hpp).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

struct mosquitto;
struct mosquitto_message;

namespace declouder {

struct MqttError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct MqttSettings {
  std::string host = "127.0.0.1";
  int port = 1883;
  bool tls = false;
  std::string ca_file;      // mqtts: the CA that signed the broker's certificate ("" = system CAs)
  bool tls_insecure = false;  // skip host name verification (test brokers)
  std::string username, password;
  std::string client_id;    // stable, so the broker keeps our session
  int keepalive_s = 30;  // also how long an attempt may wait for the broker's answer
  // Waits between failed attempts: doubling from the first to the cap.
  double reconnect_min_s = 1;
  double reconnect_max_s = 30;
  // The last will: published by the broker when we vanish.
  std::string will_topic, will_payload;
};

// "mqtt://host:port" or "mqtts://host:port" (port defaults 1883 / 8883), also
// "mqtt://user:password@host" and IPv6 addresses in brackets,
// "mqtt://[::1]:1883". A user without a password ("mqtt://demo@host") keeps the
// password s already holds. Throws MqttError naming what is wrong.
void apply_mqtt_url(const std::string& url, MqttSettings& s);
// The broker as a URL without credentials: "mqtt://127.0.0.1:1883", "mqtts://[::1]:8883".
std::string mqtt_broker_url(const MqttSettings& s);

struct MqttHandlers {
  std::function<void(bool session_present)> on_connect;
  std::function<void(int rc)> on_disconnect;  // rc 0: we asked for it
  std::function<void(int mid)> on_publish;    // the broker acknowledged (QoS 1 PUBACK, QoS 2 PUBCOMP)
  std::function<void(int mid)> on_subscribe;
  std::function<void(std::string topic, std::string payload, bool retained)> on_message;
  std::function<void(std::string line)> on_log;  // connection failures, for the log
};

class MqttClient {
 public:
  MqttClient(MqttSettings settings, MqttHandlers handlers);
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Starts connecting in the background; returns at once. A broker that is
  // down, refuses us or goes away is retried forever (MqttSettings'
  // reconnect_min_s doubling up to reconnect_max_s), each failure one on_log line.
  void start();
  // Returns the message id, or nothing when the client cannot take it now.
  std::optional<int> publish(const std::string& topic, const std::string& payload, int qos, bool retain);
  std::optional<int> subscribe(const std::string& pattern, int qos);
  void unsubscribe(const std::string& pattern);
  // Clean disconnect (no last will), then stops the network thread.
  void stop();

  const MqttSettings& settings() const { return settings_; }
  std::string describe() const;  // "mqtt://127.0.0.1:1883"

 private:
  void network_loop();
  // Why the attempt that just ended failed (or the connection that was up ended).
  std::string failure_reason(int rc, int error_number, bool was_up);
  static void on_log_cb(struct mosquitto*, void* self, int level, const char* text);
  static void on_connect_cb(struct mosquitto*, void* self, int rc);
  static void on_disconnect_cb(struct mosquitto*, void* self, int rc);
  static void on_publish_cb(struct mosquitto*, void* self, int mid);
  static void on_subscribe_cb(struct mosquitto*, void* self, int mid, int, const int*);
  static void on_message_cb(struct mosquitto*, void* self, const ::mosquitto_message* m);

  MqttSettings settings_;
  MqttHandlers handlers_;
  struct mosquitto* mosq_ = nullptr;
  bool started_ = false;
  std::thread network_;
  std::mutex mutex_;  // guards the wait between attempts, and library_error_
  std::condition_variable wake_;
  std::atomic<bool> stopping_ = false;
  // Set on the network thread during an attempt: did the broker accept us, or
  // refuse (its CONNACK), and the last error libmosquitto logged (OpenSSL's).
  bool session_up_ = false;
  int refused_rc_ = 0;
  std::string library_error_;
};

}  // namespace declouder
