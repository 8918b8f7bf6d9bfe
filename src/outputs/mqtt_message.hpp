// A message an MQTT output builds (topic, payload, retained), and publishing a
// set of them as one delivery over the shared connection (mqtt/connection.hpp).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace declouder {

class MqttConnection;

struct MqttMessage {
  std::string topic;
  std::string payload;
  bool retain = false;
};

// Publishes `messages` (QoS `qos`, each with its own retain flag) and calls
// `done` once the broker acknowledged every one of them. A message the
// connection cannot take means `done` never comes: the delivery stays pending
// and is made again at the next start. No messages: `done` at once.
void publish_all(MqttConnection& connection, const std::vector<MqttMessage>& messages, int qos,
                 std::function<void()> done);

}  // namespace declouder
