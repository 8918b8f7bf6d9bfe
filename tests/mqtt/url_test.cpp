// Broker URLs as people write them: host names, IPv4, IPv6 in brackets,
// credentials; and the broker as log lines show it.
#include <gtest/gtest.h>

#include "mqtt/client.hpp"

using namespace declouder;

namespace {
MqttSettings parsed(const std::string& url) {
  MqttSettings s;
  apply_mqtt_url(url, s);
  return s;
}
std::string error_of(const std::string& url) {
  try {
    parsed(url);
  } catch (const MqttError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST(MqttUrl, HostsPortsAndTls) {
  MqttSettings s = parsed("mqtt://broker.local");
  EXPECT_EQ(s.host, "broker.local");
  EXPECT_EQ(s.port, 1883);
  EXPECT_FALSE(s.tls);
  s = parsed("mqtts://10.0.0.2:8884/");
  EXPECT_EQ(s.host, "10.0.0.2");
  EXPECT_EQ(s.port, 8884);
  EXPECT_TRUE(s.tls);
  EXPECT_EQ(mqtt_broker_url(s), "mqtts://10.0.0.2:8884");
}

TEST(MqttUrl, IPv6AddressesInBrackets) {
  MqttSettings s = parsed("mqtt://[::1]:1884");
  EXPECT_EQ(s.host, "::1");
  EXPECT_EQ(s.port, 1884);
  EXPECT_EQ(mqtt_broker_url(s), "mqtt://[::1]:1884");  // not "[::1]:1883:1883"
  s = parsed("mqtts://[fe80::1%eth0]");
  EXPECT_EQ(s.host, "fe80::1%eth0");
  EXPECT_EQ(s.port, 8883);
  EXPECT_EQ(mqtt_broker_url(s), "mqtts://[fe80::1%eth0]:8883");
  s = parsed("mqtt://user:pw@[2001:db8::5]:1900");
  EXPECT_EQ(s.host, "2001:db8::5");
  EXPECT_EQ(s.username, "user");
  EXPECT_EQ(s.password, "pw");
  EXPECT_NE(error_of("mqtt://::1:1883").find("write an IPv6 address in brackets"), std::string::npos);
  EXPECT_NE(error_of("mqtt://[::1").find("no closing ']'"), std::string::npos);
  EXPECT_NE(error_of("mqtt://[::1]x").find("only ':PORT' may follow"), std::string::npos);
}

TEST(MqttUrl, MistakesAreNamedWithoutThePassword) {
  EXPECT_EQ(error_of("http://bob:s3cret@x"), "'http://...' is not an MQTT URL (mqtt://HOST:PORT or mqtts://HOST:PORT)");
  EXPECT_NE(error_of("mqtt://h:0").find("'0' is not a port number (1-65535)"), std::string::npos);
  EXPECT_NE(error_of("mqtt://h:99999999999").find("is not a port number"), std::string::npos);
  EXPECT_NE(error_of("mqtt://h:1e3").find("is not a port number"), std::string::npos);
  EXPECT_NE(error_of("mqtt://:1883").find("names no host"), std::string::npos);
  const std::string e = error_of("mqtt://bob:s3cret@h:x");
  EXPECT_EQ(e.find("s3cret"), std::string::npos) << e;
  EXPECT_NE(e.find("mqtt://bob@h:x"), std::string::npos) << e;
}

TEST(MqttUrl, AUserWithoutAPasswordKeepsThePasswordGivenElsewhere) {
  MqttSettings s;
  s.password = "from-password-file";  // [mqtt] password_file or $DECLOUDER_MQTT_PASSWORD
  apply_mqtt_url("mqtt://demo@127.0.0.1:1883", s);
  EXPECT_EQ(s.username, "demo");
  EXPECT_EQ(s.password, "from-password-file");
  apply_mqtt_url("mqtt://demo:typed@127.0.0.1:1883", s);  // one in the URL beats it
  EXPECT_EQ(s.password, "typed");
}
