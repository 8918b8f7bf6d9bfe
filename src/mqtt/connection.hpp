// One MQTT connection shared by everything that talks to the broker: the
// gateway's coordination (status, device ownership, claims:
// gateway/coordination.hpp) and the MQTT outputs (Home Assistant, Domoticz,
// the gateway's feed: outputs/). One client id, one persistent session, one
// last will, whoever publishes.
//
// libmosquitto calls back on its own network thread; the connection hands
// every event to the thread of `post` (the gateway's event loop), so its
// listeners, acknowledgement and subscription callbacks all run there, in the
// order they happened, and need no locks. Its methods are called on that
// thread too. Events posted after the connection is gone are dropped.
//
// Every listener hears every connect, disconnect and message; each picks out
// the topics it subscribed to. Subscriptions are per connection: a listener
// subscribes again on each connect (the broker then resends what is retained).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqtt/client.hpp"

namespace declouder {

class MqttConnection {
 public:
  using Post = std::function<void(std::function<void()>)>;
  using Log = std::function<void(const std::string&)>;

  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void mqtt_connected() {}
    virtual void mqtt_disconnected(int /*rc*/) {}
    virtual void mqtt_message(const std::string& /*topic*/, const std::string& /*payload*/, bool /*retained*/) {}
  };

  // `settings` complete (client id, last will); the client is made here, so a
  // broken TLS setup throws MqttError now, not later.
  MqttConnection(MqttSettings settings, Post post, Log log);
  ~MqttConnection();
  MqttConnection(const MqttConnection&) = delete;
  MqttConnection& operator=(const MqttConnection&) = delete;

  // Listeners hear connects in the order they were added. Add them before start().
  void add_listener(Listener* l) { listeners_.push_back(l); }
  // Starts connecting in the background (retried forever); stop() disconnects cleanly.
  void start();
  void stop();

  bool connected() const { return connected_; }
  // QoS 1 and 2: `acknowledged` runs once the broker acknowledged it (PUBACK,
  // PUBCOMP), also after a reconnect (libmosquitto resends what was in flight).
  // False when libmosquitto cannot take the message now (said in the log).
  bool publish(const std::string& topic, const std::string& payload, int qos, bool retain,
               std::function<void()> acknowledged = {});
  // `subscribed` runs when the SUBACK arrives. The pattern's retained messages
  // come after it, not before (Mosquitto queues them right behind the SUBACK:
  // src/handle_subscribe.c sends the SUBACK, then sub__retain_queue), so a
  // caller that must know it has them all publishes a message of its own to a
  // topic it subscribed to, from `subscribed`: its echo arrives after them.
  bool subscribe(const std::string& pattern, int qos, std::function<void()> subscribed = {});
  void unsubscribe(const std::string& pattern);

  // Messages of QoS 1/2 the broker has not acknowledged yet.
  std::size_t in_flight() const { return acknowledgements_.size(); }
  // Nothing waiting for an acknowledgement, or nothing can arrive (disconnected).
  bool idle() const { return acknowledgements_.empty() || !connected_; }
  std::string describe() const { return client_->describe(); }  // "mqtt://127.0.0.1:1883"
  const MqttSettings& settings() const { return client_->settings(); }

 private:
  void on_connected();
  void on_disconnected(int rc);
  void on_published(int mid);
  void on_subscribed(int mid);
  void on_message(const std::string& topic, const std::string& payload, bool retained);

  Post post_;
  Log log_;
  std::unique_ptr<MqttClient> client_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::vector<Listener*> listeners_;
  bool connected_ = false;
  std::map<int, std::function<void()>> acknowledgements_;  // message id -> what to run on the broker's ack
  std::map<int, std::function<void()>> subscriptions_;     // message id -> what to run on the SUBACK
};

// What an output that publishes on the connection needs to know: is it connected now?
// Online from the moment it hears of a connect (not before: the connection's earlier
// listeners may pump deliveries while it is told), and it wakes its owner then.
class MqttPresence : public MqttConnection::Listener {
 public:
  std::function<void()> wake;
  bool online = false;
  void mqtt_connected() override {
    online = true;
    if (wake) wake();
  }
  void mqtt_disconnected(int) override { online = false; }
};

}  // namespace declouder
