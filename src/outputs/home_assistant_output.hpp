// Home Assistant as an output: discovery and states (outputs/home_assistant.hpp)
// on the shared MQTT connection, once per weighing for the household.
//
//   homeassistant/<component>/<unique_id>/config   discovery, retained, QoS 1: the
//       gateway's device on every connect; a person's and a scale's on the first
//       weighing delivered for them on a connection, and again on every connect
//       for those delivered on earlier runs (OutputHistory); all of them again
//       when Home Assistant announces itself on homeassistant/status "online"
//       and whenever another gateway appears (the availability lists grow).
//   <base>/people/<person>/<metric>, <base>/scales/<mac>/...   states, QoS 2: a
//       delivery is done once the broker acknowledged every one of them.
//   <base>/scales/<mac>/battery                     latest battery level, retained.
//
// It learns the other gateways (for the availability lists) from their
// retained <base>/gateways/<id>/status.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>

#include "mqtt/connection.hpp"
#include "outputs/home_assistant.hpp"
#include "outputs/output.hpp"

namespace declouder {

struct HomeAssistantSettings {
  std::string discovery_prefix = "homeassistant";
  std::string base = "declouder";  // our topic root
  std::string gateway_id;
};

class HomeAssistantOutput : public Output, private MqttConnection::Listener {
 public:
  using Log = std::function<void(const std::string&)>;
  HomeAssistantOutput(MqttConnection& connection, const HomeAssistantSettings& settings, Log log);

  std::string name() const override { return "home-assistant"; }
  Audience audience() const override { return Audience::household; }
  void start(const OutputHistory& history, std::function<void()> wake) override;
  bool ready() const override { return online_; }
  void deliver(const OutgoingMeasurement& m, Done done) override;
  void battery(std::string_view device, int percent, std::string_view model) override;
  bool idle() const override { return connection_.idle(); }
  bool settled() const override { return connection_.connected() && connection_.in_flight() == 0; }

  const HomeAssistantNaming& naming() const { return naming_; }

 private:
  void mqtt_connected() override;
  void mqtt_disconnected(int) override { online_ = false; }
  void mqtt_message(const std::string& topic, const std::string& payload, bool retained) override;
  void publish_discovery();
  void publish_battery(const std::string& device);
  void publish_config(const MqttMessage& m) { connection_.publish(m.topic, m.payload, 1, m.retain); }

  MqttConnection& connection_;
  Log log_;
  HomeAssistantNaming naming_;
  std::function<void()> wake_;
  bool online_ = false;  // heard of the connect (discovery sent): deliveries may go
  std::map<std::string, std::string> people_;        // id -> name: delivered for, this run or before
  std::map<std::string, std::string> scales_;        // address -> model, likewise
  std::set<std::string> announced_;                  // discovery sent on this connection
  struct Battery {
    int percent = 0;
    std::string model;
  };
  std::map<std::string, Battery> batteries_;  // address -> latest level (sent again on every connect)
};

}  // namespace declouder
