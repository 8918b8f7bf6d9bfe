// Advertisements that other Bluetooth gateways publish on MQTT, undecoded: OpenMQTTGateway's
// ESP32 builds and Theengs Gateway (its publish_advdata) put each one on a topic such as
// home/<gateway>/BTtoMQTT/undecoded as JSON:
//   {"id":"C8:47:8C:5A:00:02","name":"MIBFS","rssi":-71,
//    "servicedatauuid":"0x181b","servicedata":"0224ea07...","manufacturerdata":"5701..."}
// (keys from OpenMQTTGateway's docs/use/ble.md and Theengs Gateway's docs; `servicedatauuid`
// is written "0x181b" or "181b"; `manufacturerdata` starts with the company id,
// little-endian). declouder subscribes to the configured topic pattern on the broker of
// [mqtt] / --mqtt and decodes what arrives as if its own radio had heard it: those gateways
// are more ears in the pool. They cannot connect to a device, so the scales that must be
// asked are talked to by a radio that can.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "gateway/source.hpp"
#include "mqtt/connection.hpp"

namespace declouder {

// One message of such a gateway as an Advertisement; nullopt (and `why`) when it is not one.
std::optional<Advertisement> parse_gateway_advert(const std::string& json, std::string* why = nullptr);
// MQTT's topic filter rules: `+` one level, `#` the rest.
bool mqtt_topic_matches(const std::string& pattern, const std::string& topic);

class MqttAdvertSource : public Source, public MqttConnection::Listener {
 public:
  using Log = std::function<void(const std::string&)>;
  // Listens on `connection` from now on (add it before the connection starts).
  MqttAdvertSource(MqttConnection& connection, std::string topic, Log log);
  std::string describe() const override { return "advertisements from MQTT gateways on " + topic_; }
  std::string label() const override { return "mqtt:" + topic_; }
  void run(const FrameHandlers& to, const StopFlag& stop) override;

  // MqttConnection::Listener (the gateway's loop thread)
  void mqtt_connected() override;
  void mqtt_message(const std::string& topic, const std::string& payload, bool retained) override;

 private:
  MqttConnection& connection_;
  std::string topic_;
  Log log_;
  std::mutex mutex_;
  const FrameHandlers* to_ = nullptr;  // while run() runs
  bool told_malformed_ = false;
};

}  // namespace declouder
