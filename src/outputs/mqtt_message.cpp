#include "outputs/mqtt_message.hpp"

#include <memory>

#include "mqtt/connection.hpp"

namespace declouder {

void publish_all(MqttConnection& connection, const std::vector<MqttMessage>& messages, int qos,
                 std::function<void()> done) {
  if (messages.empty()) {
    if (done) done();
    return;
  }
  auto left = std::make_shared<std::size_t>(messages.size());
  auto finished = std::make_shared<std::function<void()>>(std::move(done));
  for (const MqttMessage& m : messages) {
    connection.publish(m.topic, m.payload, qos, m.retain, [left, finished] {
      if (--*left == 0 && *finished) (*finished)();
    });
  }
}

}  // namespace declouder
