// This gateway's MQTT feed: every measurement this gateway stored, on
// <base>/gateways/<id>/measurements (QoS 1, not retained), in the one
// measurement JSON (outputs/measurement_json.hpp) plus "gateway". With several
// gateways on one broker each publishes what it heard under its own id; the
// household outputs deliver each weighing once (docs/gateway.md).
#pragma once

#include <string>

#include "mqtt/connection.hpp"
#include "outputs/output.hpp"

namespace declouder {

class FeedOutput : public Output {
 public:
  FeedOutput(MqttConnection& connection, std::string base, std::string gateway_id)
      : connection_(connection), base_(std::move(base)), gateway_id_(std::move(gateway_id)) {}

  std::string name() const override { return "feed"; }
  Audience audience() const override { return Audience::this_gateway; }
  void start(const OutputHistory& history, std::function<void()> wake) override;
  bool ready() const override { return presence_.online; }
  void deliver(const OutgoingMeasurement& m, Done done) override;
  bool idle() const override { return connection_.idle(); }
  bool settled() const override { return connection_.connected() && connection_.in_flight() == 0; }

  std::string topic() const { return base_ + "/gateways/" + gateway_id_ + "/measurements"; }

 private:
  MqttConnection& connection_;
  std::string base_, gateway_id_;
  MqttPresence presence_;
};

}  // namespace declouder
