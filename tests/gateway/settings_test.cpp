#include "gateway/settings.hpp"

#include <gtest/gtest.h>

namespace declouder {
namespace {

TEST(GatewaySettings, ReadsTheThreeSections) {
  auto config = parse_config(R"(
[gateway]
id = "bathroom"
standby_seconds = 2.5
simulate = ["mi-scale-2:rssi=-70"]
standard_scale_user = 2
standard_scale_consent = 1234
[mqtt]
url = "mqtts://broker.lan"
username = "declouder"
password = "secret"
ca_file = "/etc/ssl/certs/home-ca.pem"
discovery_prefix = "ha"
[domoticz]
topic = "domoticz/in"
[[domoticz.sensor]]
idx = 283
metric = "weight_kg"
person = "remi"
)", "test.toml");
  GatewaySettings s;
  read_gateway_settings(config, s);
  EXPECT_EQ(s.gateway_id, "bathroom");
  EXPECT_EQ(s.mqtt.standby_us, 2'500'000);
  EXPECT_EQ(s.simulate, std::vector<std::string>{"mi-scale-2:rssi=-70"});
  EXPECT_EQ(s.standard_scale_user, 2);
  EXPECT_EQ(s.standard_scale_consent, 1234);
  EXPECT_EQ(s.mqtt_url, "mqtts://broker.lan");
  EXPECT_EQ(s.mqtt.connection.username, "declouder");
  EXPECT_EQ(s.mqtt.connection.ca_file, "/etc/ssl/certs/home-ca.pem");
  EXPECT_EQ(s.mqtt.discovery_prefix, "ha");
  ASSERT_EQ(s.mqtt.domoticz.sensors.size(), 1u);
  EXPECT_EQ(s.mqtt.domoticz.sensors[0].idx, 283);
  EXPECT_EQ(s.mqtt.domoticz.sensors[0].person, "remi");
}

TEST(GatewaySettings, NamesTheMistake) {
  auto expect_error = [](const char* text, const char* needle) {
    GatewaySettings s;
    try {
      read_gateway_settings(parse_config(text, "gw.toml"), s);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error("[mqtt]\nurl = 1883", ":2: [mqtt] url");
  expect_error("[mqtt]\nhost = \"x\"", "unknown key 'host'");
  expect_error("[gateway]\nstandard_scale_consent = 12345", "standard_scale_consent must be 0-9999");
  expect_error("[[domoticz.sensor]]\nmetric = \"weight_kg\"", "needs idx");
  expect_error("[[domoticz.sensor]]\nidx = 3\nmetric = \"happiness\"", "unknown metric 'happiness'");
}

TEST(MqttUrl, HostPortTlsAndCredentials) {
  MqttSettings s;
  apply_mqtt_url("mqtt://127.0.0.1:1884", s);
  EXPECT_EQ(s.host, "127.0.0.1");
  EXPECT_EQ(s.port, 1884);
  EXPECT_FALSE(s.tls);
  apply_mqtt_url("mqtts://ha:pw@broker.lan", s);
  EXPECT_TRUE(s.tls);
  EXPECT_EQ(s.port, 8883);
  EXPECT_EQ(s.host, "broker.lan");
  EXPECT_EQ(s.username, "ha");
  EXPECT_EQ(s.password, "pw");
  EXPECT_THROW(apply_mqtt_url("http://broker", s), MqttError);
  EXPECT_THROW(apply_mqtt_url("mqtt://broker:99999", s), MqttError);
  EXPECT_THROW(apply_mqtt_url("mqtt://", s), MqttError);
}

}  // namespace
}  // namespace declouder
