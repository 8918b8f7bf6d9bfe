// Domoticz as an output of its own: the messages of outputs/domoticz.hpp, on
// the shared MQTT connection (QoS 2), once per weighing for the household. A
// weighing none of the configured sensors wants is delivered at once with
// nothing sent.
#pragma once

#include "mqtt/connection.hpp"
#include "outputs/domoticz.hpp"
#include "outputs/output.hpp"

namespace declouder {

class DomoticzOutput : public Output {
 public:
  DomoticzOutput(MqttConnection& connection, DomoticzSettings settings)
      : connection_(connection), settings_(std::move(settings)) {}

  std::string name() const override { return "domoticz"; }
  Audience audience() const override { return Audience::household; }
  void start(const OutputHistory& history, std::function<void()> wake) override;
  bool ready() const override { return presence_.online; }
  void deliver(const OutgoingMeasurement& m, Done done) override;
  bool idle() const override { return connection_.idle(); }
  bool settled() const override { return connection_.connected() && connection_.in_flight() == 0; }

 private:
  MqttConnection& connection_;
  DomoticzSettings settings_;
  MqttPresence presence_;
};

}  // namespace declouder
