#include "mqtt/connection.hpp"

namespace declouder {

MqttConnection::MqttConnection(MqttSettings settings, Post post, Log log) : post_(std::move(post)), log_(std::move(log)) {
  // libmosquitto calls these on its network thread: hand everything to the loop.
  std::weak_ptr<bool> alive = alive_;
  auto hop = [this, alive](std::function<void()> f) {
    post_([alive, f = std::move(f)] {
      if (alive.lock()) f();
    });
  };
  MqttHandlers h;
  h.on_connect = [this, hop](bool) { hop([this] { on_connected(); }); };
  h.on_disconnect = [this, hop](int rc) { hop([this, rc] { on_disconnected(rc); }); };
  h.on_publish = [this, hop](int mid) { hop([this, mid] { on_published(mid); }); };
  h.on_subscribe = [this, hop](int mid) { hop([this, mid] { on_subscribed(mid); }); };
  h.on_message = [this, hop](std::string topic, std::string payload, bool retained) {
    hop([this, topic = std::move(topic), payload = std::move(payload), retained] { on_message(topic, payload, retained); });
  };
  h.on_log = [this, hop](std::string line) {
    hop([this, line = std::move(line)] {
      if (log_) log_(line);
    });
  };
  client_ = std::make_unique<MqttClient>(std::move(settings), std::move(h));
}

MqttConnection::~MqttConnection() {
  *alive_ = false;
  alive_.reset();
  client_.reset();
}

void MqttConnection::start() { client_->start(); }

void MqttConnection::stop() { client_->stop(); }

bool MqttConnection::publish(const std::string& topic, const std::string& payload, int qos, bool retain,
                             std::function<void()> acknowledged) {
  auto mid = client_->publish(topic, payload, qos, retain);
  if (!mid) {
    if (log_) log_("MQTT: cannot queue a message on " + topic);
    return false;
  }
  if (qos > 0) acknowledgements_[*mid] = std::move(acknowledged);
  else if (acknowledged) acknowledged();  // QoS 0: nothing will ever acknowledge it
  return true;
}

bool MqttConnection::subscribe(const std::string& pattern, int qos, std::function<void()> subscribed) {
  auto mid = client_->subscribe(pattern, qos);
  if (!mid) return false;
  if (subscribed) subscriptions_[*mid] = std::move(subscribed);
  return true;
}

void MqttConnection::unsubscribe(const std::string& pattern) { client_->unsubscribe(pattern); }

void MqttConnection::on_connected() {
  connected_ = true;
  for (Listener* l : listeners_) l->mqtt_connected();
}

void MqttConnection::on_disconnected(int rc) {
  connected_ = false;
  // SUBACKs of this connection will not come; acknowledgements of messages in
  // flight still may (libmosquitto resends them on the next connection).
  subscriptions_.clear();
  for (Listener* l : listeners_) l->mqtt_disconnected(rc);
}

void MqttConnection::on_published(int mid) {
  auto it = acknowledgements_.find(mid);
  if (it == acknowledgements_.end()) return;
  auto f = std::move(it->second);
  acknowledgements_.erase(it);
  if (f) f();
}

void MqttConnection::on_subscribed(int mid) {
  auto it = subscriptions_.find(mid);
  if (it == subscriptions_.end()) return;
  auto f = std::move(it->second);
  subscriptions_.erase(it);
  f();
}

void MqttConnection::on_message(const std::string& topic, const std::string& payload, bool retained) {
  for (Listener* l : listeners_) l->mqtt_message(topic, payload, retained);
}

}  // namespace declouder
