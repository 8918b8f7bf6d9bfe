#include "outputs/home_assistant.hpp"

#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "outputs/domoticz.hpp"
#include "outputs/measurement_json.hpp"

namespace declouder {
namespace {

HomeAssistantNaming naming() {
  HomeAssistantNaming n;
  n.gateway_id = "bathroom";
  n.gateways = {"bathroom", "hall"};
  return n;
}

Json find_config(const std::vector<MqttMessage>& msgs, const std::string& topic) {
  for (const auto& m : msgs)
    if (m.topic == topic) {
      EXPECT_TRUE(m.retain) << topic;
      return Json::parse(m.payload);
    }
  ADD_FAILURE() << "no message on " << topic;
  return {};
}

TEST(HomeAssistant, OnePersonDeviceWithEveryBodyMetric) {
  auto msgs = person_discovery(naming(), "anne_marie", "Anne-Marie");
  Json w = find_config(msgs, "homeassistant/sensor/declouder_anne_marie_weight_kg/config");
  EXPECT_EQ(w["unique_id"], "declouder_anne_marie_weight_kg");
  EXPECT_EQ(w["device_class"], "weight");
  EXPECT_EQ(w["state_class"], "measurement");
  EXPECT_EQ(w["unit_of_measurement"], "kg");
  EXPECT_EQ(w["force_update"], true);
  EXPECT_EQ(w["state_topic"], "declouder/people/anne_marie/weight_kg");
  EXPECT_EQ(w["json_attributes_topic"], "declouder/people/anne_marie/measurement");
  EXPECT_EQ(w["device"]["identifiers"][0], "declouder_person_anne_marie");
  EXPECT_EQ(w["device"]["name"], "Anne-Marie");
  EXPECT_EQ(w["availability_mode"], "any");
  EXPECT_EQ(w["availability"].size(), 2u);
  EXPECT_EQ(w["availability"][1]["topic"], "declouder/gateways/hall/status");
  EXPECT_EQ(w["origin"]["name"], "declouder");

  Json fat = find_config(msgs, "homeassistant/sensor/declouder_anne_marie_fat_percent/config");
  EXPECT_EQ(fat["unit_of_measurement"], "%");
  EXPECT_FALSE(fat.contains("device_class"));
  Json bmr = find_config(msgs, "homeassistant/sensor/declouder_anne_marie_bmr_kcal/config");
  EXPECT_EQ(bmr["unit_of_measurement"], "kcal");
  Json last = find_config(msgs, "homeassistant/sensor/declouder_anne_marie_measured_at/config");
  EXPECT_EQ(last["device_class"], "timestamp");
  for (const char* metric : {"bmi", "water_percent", "muscle_kg", "bone_kg", "visceral_fat", "metabolic_age",
                             "impedance_ohm", "body_type"})
    find_config(msgs, std::string("homeassistant/sensor/declouder_anne_marie_") + metric + "/config");
  for (const auto& m : msgs) {  // every unique id is also the topic's object id and the entity id
    Json j = Json::parse(m.payload);
    EXPECT_EQ(m.topic, "homeassistant/sensor/" + j["unique_id"].get<std::string>() + "/config");
    EXPECT_EQ(j["default_entity_id"], "sensor." + j["unique_id"].get<std::string>());
    EXPECT_FALSE(j.contains("object_id"));  // deprecated since Home Assistant 2025.10
  }
}

TEST(HomeAssistant, OneScaleDeviceViaTheGateway) {
  auto msgs = scale_discovery(naming(), "5C:CA:D3:00:00:01", "xiaomi-mi-scale-2");
  Json imp = find_config(msgs, "homeassistant/sensor/declouder_scale_5ccad3000001_impedance_ohm/config");
  EXPECT_EQ(imp["unit_of_measurement"], "\xce\xa9");
  EXPECT_FALSE(imp.contains("device_class"));  // Home Assistant has no impedance class
  EXPECT_EQ(imp["device"]["via_device"], "declouder_gateway_bathroom");
  EXPECT_EQ(imp["device"]["connections"][0][0], "mac");
  EXPECT_EQ(imp["device"]["connections"][0][1], "5C:CA:D3:00:00:01");
  // Model and maker from the device's descriptor, not the measurement's model id.
  EXPECT_EQ(imp["device"]["model"], "Xiaomi Mi Body Composition Scale 2 (XMTZC05HM) and Mi Body Composition Scale (XMTZC02HM)");
  EXPECT_EQ(imp["device"]["model_id"], "xiaomi-mi-scale-2");
  EXPECT_EQ(imp["device"]["manufacturer"], "Xiaomi");
  EXPECT_EQ(imp["suggested_display_precision"], 0);  // whole ohms
  Json seen = find_config(msgs, "homeassistant/sensor/declouder_scale_5ccad3000001_last_seen/config");
  EXPECT_EQ(seen["device_class"], "timestamp");
  auto gw = gateway_discovery(naming());
  Json status = find_config(gw, "homeassistant/binary_sensor/declouder_gateway_bathroom_status/config");
  EXPECT_EQ(status["device"]["identifiers"][0], "declouder_gateway_bathroom");  // what via_device names
  EXPECT_EQ(status["device_class"], "connectivity");
}

TEST(HomeAssistant, ABatterySensorOnTheScaleThatReportsOne) {
  const std::string address = "00:09:1F:5A:00:05";
  MqttMessage config = scale_battery_discovery(naming(), address, "bluetooth-sig-scale");
  EXPECT_EQ(config.topic, "homeassistant/sensor/declouder_scale_00091f5a0005_battery/config");
  EXPECT_TRUE(config.retain);
  Json battery = Json::parse(config.payload);
  EXPECT_EQ(battery["unique_id"], "declouder_scale_00091f5a0005_battery");
  EXPECT_EQ(battery["device_class"], "battery");
  EXPECT_EQ(battery["unit_of_measurement"], "%");
  EXPECT_EQ(battery["state_class"], "measurement");
  EXPECT_EQ(battery["entity_category"], "diagnostic");
  EXPECT_EQ(battery["state_topic"], "declouder/scales/00091f5a0005/battery");
  EXPECT_EQ(battery["availability_mode"], "any");
  EXPECT_EQ(battery["availability"].size(), 2u);
  // The same Home Assistant device as the scale's weight, impedance and last seen.
  auto others = scale_discovery(naming(), address, "bluetooth-sig-scale");
  Json weight = find_config(others, "homeassistant/sensor/declouder_scale_00091f5a0005_weight_kg/config");
  EXPECT_EQ(battery["device"], weight["device"]);
  EXPECT_EQ(battery["device"]["identifiers"][0], "declouder_scale_00091f5a0005");
  EXPECT_EQ(battery["device"]["via_device"], "declouder_gateway_bathroom");

  MqttMessage state = scale_battery_state(naming(), address, 87);
  EXPECT_EQ(state.topic, battery["state_topic"]);
  EXPECT_EQ(state.payload, "87");
  EXPECT_TRUE(state.retain);
}

Measurement anne() {
  Measurement m;
  m.uid = "m-1";
  m.person = "Anne";
  m.model = "xiaomi-mi-scale-2";
  m.address = MacAddress::parse("5C:CA:D3:00:00:01");
  m.time_us = 1'763'700'000'000'000;
  m.weight_kg = 62.52;
  m.impedance_ohm = 503;
  m.metrics.fat_percent = 24.31;
  m.metrics.metabolic_age = 35;
  return m;
}

TEST(HomeAssistant, StatesGoToThePersonAndTheScale) {
  auto msgs = measurement_states(naming(), anne());
  std::map<std::string, std::string> by_topic;
  for (const auto& m : msgs) {
    EXPECT_TRUE(m.retain) << m.topic;  // a restarted Home Assistant reads them from the broker
    by_topic[m.topic] = m.payload;
  }
  EXPECT_EQ(by_topic["declouder/people/anne/weight_kg"], "62.52");
  EXPECT_EQ(by_topic["declouder/people/anne/fat_percent"], "24.3");
  EXPECT_EQ(by_topic["declouder/people/anne/metabolic_age"], "35");
  EXPECT_EQ(by_topic["declouder/people/anne/measured_at"], "2025-11-21T04:40:00.000000Z");
  // Not computed for this weighing: "unknown", not the previous weighing's value.
  EXPECT_EQ(by_topic["declouder/people/anne/water_percent"], "None");
  EXPECT_EQ(by_topic["declouder/people/anne/body_type"], "None");
  EXPECT_EQ(by_topic["declouder/scales/5ccad3000001/impedance_ohm"], "503");
  Json attrs = Json::parse(by_topic["declouder/people/anne/measurement"]);
  EXPECT_EQ(attrs["uid"], "m-1");
  EXPECT_EQ(attrs["gateway"], "bathroom");
}

TEST(HomeAssistant, APersonsTopicsAndEntitiesAreNamedAfterTheirId) {
  Measurement m = anne();
  m.person = "Zoë";
  m.person_id = "zoe_b";  // [[person]] id
  for (const auto& msg : measurement_states(naming(), m))
    EXPECT_TRUE(msg.topic.rfind("declouder/people/zoe_b/", 0) == 0 || msg.topic.rfind("declouder/scales/", 0) == 0)
        << msg.topic;
  Json w = find_config(person_discovery(naming(), "zoe_b", "Zoë"), "homeassistant/sensor/declouder_zoe_b_weight_kg/config");
  EXPECT_EQ(w["device"]["identifiers"][0], "declouder_person_zoe_b");
  EXPECT_EQ(w["device"]["name"], "Zoë");
  // Without one (a Measurement made by hand), the id from the name.
  m.person_id.clear();
  bool seen = false;
  for (const auto& msg : measurement_states(naming(), m)) seen = seen || msg.topic == "declouder/people/zoe/weight_kg";
  EXPECT_TRUE(seen);
}

TEST(HomeAssistant, APersonInPoundsGetsPoundEntitiesAndStates) {
  auto msgs = person_discovery(naming(), "bob", "Bob", WeightUnit::lb);
  Json w = find_config(msgs, "homeassistant/sensor/declouder_bob_weight_kg/config");
  EXPECT_EQ(w["unit_of_measurement"], "lb");
  EXPECT_EQ(w["device_class"], "weight");
  EXPECT_EQ(w["suggested_display_precision"], 1);
  EXPECT_EQ(find_config(msgs, "homeassistant/sensor/declouder_bob_muscle_kg/config")["unit_of_measurement"], "lb");
  EXPECT_EQ(find_config(msgs, "homeassistant/sensor/declouder_bob_fat_percent/config")["unit_of_measurement"], "%");
  Json age = find_config(msgs, "homeassistant/sensor/declouder_bob_metabolic_age/config");
  EXPECT_EQ(age["unit_of_measurement"], "y");  // UnitOfTime.YEARS; "a" reads as amperes in Domoticz
  EXPECT_EQ(find_config(msgs, "homeassistant/sensor/declouder_bob_bmi/config")["unit_of_measurement"], "kg/m\xc2\xb2");
  // Jin: no device class takes it, so none is claimed.
  Json jin = find_config(person_discovery(naming(), "li", "Li", WeightUnit::jin), "homeassistant/sensor/declouder_li_weight_kg/config");
  EXPECT_EQ(jin["unit_of_measurement"], "jin");
  EXPECT_FALSE(jin.contains("device_class"));

  Measurement m = anne();
  m.person = "Bob";
  m.person_id = "bob";
  m.weight_kg = 74.95;  // 165.24 lb
  m.metrics.muscle_kg = 55.0;
  std::map<std::string, std::string> by_topic;
  for (const auto& s : measurement_states(naming(), m, WeightUnit::lb)) by_topic[s.topic] = s.payload;
  EXPECT_EQ(by_topic["declouder/people/bob/weight_kg"], "165.2");
  EXPECT_EQ(by_topic["declouder/people/bob/muscle_kg"], "121.3");
  EXPECT_EQ(by_topic["declouder/scales/5ccad3000001/weight_kg"], "74.95");  // the scale's entity stays in kg
  EXPECT_EQ(Json::parse(by_topic["declouder/people/bob/measurement"])["unit"], "lb");
}

TEST(HomeAssistant, RemovingAPersonClearsEveryConfigAndState) {
  auto configs = person_discovery(naming(), "anne", "Anne");
  auto removal = person_removal(naming(), "anne");
  std::set<std::string> cleared;
  for (const auto& m : removal) {
    EXPECT_TRUE(m.retain);
    EXPECT_EQ(m.payload, "");
    cleared.insert(m.topic);
  }
  for (const auto& c : configs) {
    EXPECT_TRUE(cleared.count(c.topic)) << c.topic;
    EXPECT_TRUE(cleared.count(Json::parse(c.payload)["state_topic"].get<std::string>())) << c.topic;
  }
  EXPECT_TRUE(cleared.count("declouder/people/anne/measurement"));
}

TEST(HomeAssistant, EveryGatewayWritesTheSameScaleConfig) {
  HomeAssistantNaming hall = naming();
  hall.gateway_id = "hall";
  EXPECT_EQ(scale_discovery(naming(), "5C:CA:D3:00:00:01", "xiaomi-mi-scale-2")[0].payload,
            scale_discovery(hall, "5C:CA:D3:00:00:01", "xiaomi-mi-scale-2")[0].payload);
}

TEST(HomeAssistant, TheScalesSelectChoosesWhoseWeighingItIs) {
  MqttMessage c = scale_assign_discovery(naming(), "5C:CA:D3:00:00:01", "xiaomi-mi-scale-2", {"alice", "bob"});
  EXPECT_EQ(c.topic, "homeassistant/select/declouder_scale_5ccad3000001_assign/config");
  Json j = Json::parse(c.payload);
  EXPECT_EQ(j["options"], Json::parse(R"(["nobody", "alice", "bob"])"));
  EXPECT_EQ(j["command_topic"], "declouder/scales/5ccad3000001/assign/set");
  EXPECT_EQ(j["state_topic"], "declouder/scales/5ccad3000001/assign");
  EXPECT_EQ(j["json_attributes_topic"], "declouder/scales/5ccad3000001/measurement");  // weight, time, id
  EXPECT_EQ(j["default_entity_id"], "select.declouder_scale_5ccad3000001_assign");
  EXPECT_EQ(j["device"]["identifiers"][0], "declouder_scale_5ccad3000001");  // on the scale's device
  EXPECT_TRUE(scale_assign_state(naming(), "5C:CA:D3:00:00:01", "bob").retain);
}

TEST(HomeAssistant, AnUnassignedWeighingOnlyUpdatesTheScale) {
  Measurement m = anne();
  m.person.clear();
  for (const auto& msg : measurement_states(naming(), m))
    EXPECT_EQ(msg.topic.rfind("declouder/scales/", 0), 0u) << msg.topic;
}

TEST(Domoticz, OneMessagePerConfiguredSensorAsInSeed003) {
  DomoticzSettings s;
  s.sensors = {{283, "weight_kg", "anne"}, {284, "metabolic_age", "anne"}, {285, "fat_percent", ""},
               {286, "water_percent", ""}, {287, "weight_kg", "bob"}};
  auto msgs = domoticz_messages(s, anne());
  ASSERT_EQ(msgs.size(), 3u);  // no water computed; bob's sensor is not Anne's
  EXPECT_EQ(msgs[0].topic, "domoticz/in");
  EXPECT_EQ(Json::parse(msgs[0].payload), Json::parse(R"({"idx":283,"nvalue":0,"svalue":"62.52"})"));
  EXPECT_EQ(Json::parse(msgs[1].payload)["svalue"], "35.00");
  EXPECT_EQ(Json::parse(msgs[2].payload)["idx"], 285);
}

TEST(Domoticz, APersonsSensorsShowMassesInTheirUnit) {
  DomoticzSettings s;
  s.sensors = {{283, "weight_kg", "anne", "weight"}, {285, "fat_percent", "anne", "percentage"}, {287, "weight_kg", ""}};
  auto msgs = domoticz_messages(s, anne(), WeightUnit::lb);
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(Json::parse(msgs[0].payload)["svalue"], "137.80");  // 62.52 kg in lb, rounded to 0.1 lb
  EXPECT_EQ(Json::parse(msgs[1].payload)["svalue"], "24.30");
  EXPECT_EQ(Json::parse(msgs[2].payload)["svalue"], "62.52");  // anybody's sensor: kg
  EXPECT_EQ(domoticz_type_fits("weight", "muscle_kg"), "");
  EXPECT_NE(domoticz_type_fits("weight", "fat_percent"), "");
  EXPECT_NE(domoticz_type_fits("percentage", "weight_kg"), "");
  EXPECT_NE(domoticz_type_fits("switch", "weight_kg"), "");
}

TEST(MeasurementJson, SlugsAreSafeTopicLevels) {
  EXPECT_EQ(slug("Anne-Marie"), "anne_marie");
  EXPECT_EQ(slug("  Zoë #1 "), "zo_1");
  EXPECT_EQ(slug("+/#"), "unnamed");
}

}  // namespace
}  // namespace declouder

namespace declouder {
namespace {
TEST(Domoticz, AStoredMeasurementsJson) {
  DomoticzSettings s;
  s.sensors = {{283, "weight_kg", "alice"}};
  // What an outbox holds, read back into the Measurement the formatter takes.
  auto msgs = domoticz_messages(
      s, measurement_from_json(R"({"uid":"082bedf799f964e1","id":1,"person":"alice","weight_kg":58.2,"fat_percent":29.9})")
             .measurement);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(Json::parse(msgs[0].payload)["svalue"], "58.20");
}
}  // namespace
}  // namespace declouder
