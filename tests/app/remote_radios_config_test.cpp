// [[esphome]] and [[mqtt_adverts]]: the remote radios of the config file (gateway/settings.hpp).
#include <gtest/gtest.h>

#include "app/config.hpp"

namespace declouder {
namespace {

std::string error_of(const std::string& text) {
  try {
    gateway_settings(parse_config(text, "radios.toml"));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(RemoteRadiosConfig, ReadsEveryProxyAndTopic) {
  const Config config = parse_config(R"(
[[esphome]]
host = "proxy-bathroom.local"
key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

[[esphome]]
host = "192.168.1.41"
port = 6054

[[mqtt_adverts]]
topic = "home/+/BTtoMQTT/undecoded"

[[mqtt_adverts]]
topic = "theengs/#"
)",
                                     "radios.toml");
  EXPECT_TRUE(config.warnings.empty());
  const GatewaySettings& s = gateway_settings(config);
  ASSERT_EQ(s.esphome.size(), 2u);
  EXPECT_EQ(s.esphome[0].host, "proxy-bathroom.local");
  EXPECT_EQ(s.esphome[0].port, 6053);
  EXPECT_EQ(s.esphome[0].key, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  EXPECT_EQ(s.esphome[1].port, 6054);
  EXPECT_TRUE(s.esphome[1].key.empty());
  EXPECT_EQ(s.mqtt_adverts, (std::vector<std::string>{"home/+/BTtoMQTT/undecoded", "theengs/#"}));
}

TEST(RemoteRadiosConfig, MistakesNameTheLineAndWhatIsWrong) {
  EXPECT_EQ(error_of("[[esphome]]\nhost = \"x\"\nkey = \"c2hvcnQ=\"\n"),
            "radios.toml:3: [[esphome]] key: expected the node's 32-byte API encryption key in base64 (44 characters)");
  EXPECT_NE(error_of("[[esphome]]\nport = 6053\n").find("[[esphome]] needs host"), std::string::npos);
  EXPECT_NE(error_of("[[esphome]]\nhost = \"x\"\nport = 70000\n").find("radios.toml:3: [[esphome]] port must be 1-65535"),
            std::string::npos);
  EXPECT_NE(error_of("[[esphome]]\nhost = \"x\"\npassword = \"p\"\n").find("unknown key 'password' in [[esphome]]"),
            std::string::npos);
  EXPECT_NE(error_of("[esphome]\nhost = \"x\"\n").find("double brackets"), std::string::npos);
  EXPECT_NE(error_of("[[mqtt_adverts]]\ntopic = \"\"\n").find("[[mqtt_adverts]] needs topic"), std::string::npos);
}

}  // namespace
}  // namespace declouder
