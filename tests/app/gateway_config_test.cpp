// The gateway's sections of the config file ([gateway], [mqtt], [domoticz]):
// read by app/config.cpp into plain settings (gateway/settings.hpp), with the
// same "FILE:LINE: what" messages as every other section.
#include <gtest/gtest.h>

#include "app/config.hpp"

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
  const GatewaySettings& s = gateway_settings(config);
  EXPECT_EQ(s.gateway_id, "bathroom");
  EXPECT_EQ(s.standby_us, 2'500'000);
  EXPECT_EQ(s.simulate, std::vector<std::string>{"mi-scale-2:rssi=-70"});
  EXPECT_EQ(s.standard_scale_user, 2);
  EXPECT_EQ(s.standard_scale_consent, 1234);
  EXPECT_EQ(s.mqtt.url, "mqtts://broker.lan");
  EXPECT_EQ(s.mqtt.connection.username, "declouder");
  EXPECT_EQ(s.mqtt.connection.ca_file, "/etc/ssl/certs/home-ca.pem");
  EXPECT_EQ(s.mqtt.discovery_prefix, "ha");
  ASSERT_TRUE(s.domoticz);
  ASSERT_EQ(s.domoticz->sensors.size(), 1u);
  EXPECT_EQ(s.domoticz->sensors[0].idx, 283);
  EXPECT_EQ(s.domoticz->sensors[0].person, "remi");
}

TEST(GatewaySettings, NamesTheMistake) {
  auto expect_error = [](const char* text, const char* needle) {
    try {
      gateway_settings(parse_config(text, "gw.toml"));
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

TEST(GatewaySettings, MistakesNameTheFileAndLine) {
  try {
    gateway_settings(parse_config("[gateway]\nid = \"hall\"\nswitch_db = \"loud\"\n", "gw.toml"));
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "gw.toml:3: [gateway] switch_db has the wrong type");
  }
  try {
    gateway_settings(parse_config("[mqtt]\nurl = \"mqtt://x\"\nhost = \"x\"\n", "gw.toml"));
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "gw.toml:3: unknown key 'host' in [mqtt] (known: assign_offer_hours, base_topic, ca_file, client_id, compat, "
              "discovery_prefix, home_assistant, keepalive_seconds, password, password_file, tls_insecure, url, username)");
  }
  try {
    gateway_settings(parse_config("[mqtt]\ncompat = [\"xiaomi_mi_scale\", \"openscale\"]\n", "gw.toml"));
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("gw.toml:2: [mqtt] compat: unknown program 'openscale'", 0), 0u) << e.what();
  }
  try {
    gateway_settings(parse_config("[domoticz]\n[[domoticz.sensor]]\nidx = 3\nmetric = \"fat_percent\"\ntype = \"weight\"\n", "gw.toml"));
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("a weight sensor shows a mass"), std::string::npos) << e.what();
  }
  EXPECT_EQ(gateway_settings(parse_config("[mqtt]\ncompat = [\"xiaomi_mi_scale\"]\n", "gw.toml")).mqtt.compat,
            std::vector<std::string>{"xiaomi_mi_scale"});
}

// The other commands read the people and the database from the same file: a
// mistake in the gateway's sections stops `run`, not them.
TEST(GatewaySettings, AMistakeThereStopsOnlyWhatReadsThem) {
  Config c = parse_config("[[person]]\nname = \"a\"\nsex = \"male\"\nbirth_date = 1990-01-01\nheight_cm = 170\n"
                          "[mqtt]\nhost = \"x\"\n",
                          "gw.toml");
  ASSERT_EQ(c.people.size(), 1u);
  EXPECT_THROW(gateway_settings(c), ConfigError);
}

TEST(GatewaySettings, WithoutTheSectionsTheDefaults) {
  const GatewaySettings s = gateway_settings(parse_config("", "empty.toml"));
  EXPECT_FALSE(s.mqtt.url);
  EXPECT_FALSE(s.domoticz);
  EXPECT_TRUE(s.mqtt.home_assistant);
  EXPECT_EQ(s.mqtt.base, "declouder");
  EXPECT_EQ(s.standby_us, 5'000'000);
  EXPECT_DOUBLE_EQ(s.settle_seconds, 15);
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
