// A message an MQTT output builds: topic, payload, retained.
#pragma once

#include <string>

namespace declouder {

struct MqttMessage {
  std::string topic;
  std::string payload;
  bool retain = false;
};

}  // namespace declouder
