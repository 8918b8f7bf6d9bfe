// The JSON of OpenMQTTGateway and Theengs Gateway as advertisements, and MQTT topic filters.
#include <gtest/gtest.h>

#include "devices/registry.hpp"
#include "gateway/mqtt_advert_source.hpp"

namespace declouder {
namespace {

TEST(GatewayAdvertJson, AnUndecodedMiScaleAdvertDecodesAsIfHeardLocally) {
  // As OpenMQTTGateway publishes it (docs/use/ble.md): the UUID written 0x181b.
  const auto a = parse_gateway_advert(
      R"({"id":"C8:47:8C:5A:00:02","mac_type":0,"adv_type":0,"name":"MIBFS","rssi":-71,)"
      R"("servicedatauuid":"0x181b","servicedata":"0226ea070c010c1e1bf4018638"})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->address->str(), "C8:47:8C:5A:00:02");
  EXPECT_EQ(a->rssi, -71);
  EXPECT_GT(a->time_us, 0);
  std::vector<Reading> readings;
  builtin_registry().decode_advertisement(*a, [&](const DeviceDescriptor&, const DecodeOutcome& o) {
    if (o.ok()) readings.push_back(o.reading);
  });
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_DOUBLE_EQ(*readings[0].weight_kg, 72.35);
  EXPECT_DOUBLE_EQ(*readings[0].impedance_ohm, 500);
  // Theengs writes the UUID without 0x; the company id leads manufacturer data, little-endian.
  const auto b = parse_gateway_advert(
      R"({"id":"D0:49:00:5A:00:03","servicedatauuid":"181b","servicedata":"00","manufacturerdata":"0a00d049005a0003"})");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->service_data.at(0).first, Uuid::from16(0x181B));
  EXPECT_EQ(b->manufacturer_data.at(0).first, 0x000A);
  EXPECT_EQ(to_hex(b->manufacturer_data.at(0).second), "d049005a0003");
}

TEST(GatewayAdvertJson, WhatIsNotAnAdvertSaysWhy) {
  std::string why;
  EXPECT_FALSE(parse_gateway_advert("not json", &why));
  EXPECT_EQ(why, "not a JSON object");
  EXPECT_FALSE(parse_gateway_advert(R"({"name":"x"})", &why));
  EXPECT_NE(why.find("\"id\""), std::string::npos);
  EXPECT_FALSE(parse_gateway_advert(R"({"id":"C8:47:8C:5A:00:02","servicedata":"zz"})", &why));
  EXPECT_NE(why.find("servicedata"), std::string::npos);
  EXPECT_FALSE(parse_gateway_advert(R"({"id":"C8:47:8C:5A:00:02","rssi":500})", &why));
  EXPECT_FALSE(parse_gateway_advert(R"({"id":"C8:47:8C:5A:00:02","manufacturerdata":"0a"})", &why));
}

TEST(MqttTopicFilter, PlusIsOneLevelAndHashTheRest) {
  EXPECT_TRUE(mqtt_topic_matches("home/+/BTtoMQTT/undecoded", "home/OMG_ESP32/BTtoMQTT/undecoded"));
  EXPECT_FALSE(mqtt_topic_matches("home/+/BTtoMQTT/undecoded", "home/OMG_ESP32/BTtoMQTT/C8478C5A0002"));
  EXPECT_FALSE(mqtt_topic_matches("home/+/BTtoMQTT/undecoded", "home/a/b/BTtoMQTT/undecoded"));
  EXPECT_TRUE(mqtt_topic_matches("home/#", "home/a/b"));
  EXPECT_TRUE(mqtt_topic_matches("home/a/#", "home/a"));
  EXPECT_TRUE(mqtt_topic_matches("#", "anything/at/all"));
  EXPECT_FALSE(mqtt_topic_matches("home/a", "home/a/b"));
  EXPECT_FALSE(mqtt_topic_matches("home/a/b", "home/a"));
  EXPECT_TRUE(mqtt_topic_matches("home/a", "home/a"));
}

}  // namespace
}  // namespace declouder
