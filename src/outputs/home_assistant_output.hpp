// Home Assistant as an output: discovery and states (outputs/home_assistant.hpp)
// on the shared MQTT connection, once per weighing for the household.
//
//   homeassistant/<component>/<unique_id>/config   discovery, retained, QoS 1: the
//       gateway's device on every connect; a person's and a scale's on the first
//       weighing delivered for them on a connection, and on every connect for
//       those with a measurement in the store (OutputHistory::latest) or
//       delivered on earlier runs; all of them again when Home Assistant
//       announces itself on homeassistant/status "online" and whenever the
//       set of gateways changes (the availability lists). A person delivered
//       for before and no longer in the config gets empty retained configs and
//       states: Home Assistant removes their device.
//   <base>/people/<person>/<metric>, <base>/scales/<mac>/...   states, retained,
//       QoS 2: a delivery is done once the broker acknowledged every one of them.
//       On connect and after Home Assistant's birth message, each person's and
//       scale's latest measurement in SQLite is published again where the
//       broker's retained time (.../measured_at, .../last_seen) is older or
//       missing: a broker that lost its retained messages, or states never sent,
//       are made good; states the broker already holds are not repeated (a
//       repeat would be one more weighing to force_update).
//   <base>/scales/<mac>/battery                     latest battery level, retained.
//
//   <base>/scales/<mac>/assign, .../assign/set      the scale's "Weighing for" select:
//       choosing a person assigns the scale's latest weighing in SQLite (the
//       same code as `declouder assign`) and publishes that person's states; the
//       person it had before gets their own latest weighing back.
//   <base>/gateways/<id>/home_assistant_sync      this gateway's own marker (not retained):
//       once it comes back, the broker's retained times have all arrived.
//
// A device deleted in Home Assistant's UI stays deleted. Home Assistant clears
// each of its entities' retained configs (an empty retained payload, QoS 0:
// homeassistant/components/mqtt/entity.py, formerly mixins.py: async_remove_discovery_payload), so
// this output subscribes to the config topics of what it announces: once every
// config of a person's or a scale's device came back empty, or, at connect, when
// the broker holds the device's states but none of its configs (the deletion
// happened while declouder was away: QoS 0 is not queued for it), the deletion is
// noted in SQLite (OutputHistory::note) and the device is neither announced nor
// given states again, at connect, birth or restart. A scale comes back when it
// delivers a new weighing; a person when a weighing is newly assigned to them.
//
// A weighing assigned after its delivery comes back through deliver() with
// `reassigned_from` (gateway/delivery.hpp): the new person's entities show it
// (when it is their latest), the previous person's their own latest again.
//
// It learns the other gateways (for the availability lists) from their
// retained <base>/gateways/<id>/status; one whose retained status is cleared
// (an empty retained message: the gateway was retired) leaves the lists.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "mqtt/connection.hpp"
#include "outputs/home_assistant.hpp"
#include "outputs/output.hpp"

namespace declouder {

struct HomeAssistantSettings {
  std::string discovery_prefix = "homeassistant";
  std::string base = "declouder";  // our topic root
  std::string gateway_id;
  // How long an unassigned weighing is offered on the scale's "Weighing for"
  // select ([mqtt] assign_offer_hours); older ones stay in SQLite for `declouder assign`.
  std::int64_t assign_offer_us = 24LL * 3600 * 1'000'000;
};

class HomeAssistantOutput : public Output, private MqttConnection::Listener {
 public:
  using Log = std::function<void(const std::string&)>;
  HomeAssistantOutput(MqttConnection& connection, const HomeAssistantSettings& settings, Log log);

  std::string name() const override { return "home-assistant"; }
  Audience audience() const override { return Audience::household; }
  void start(const OutputHistory& history, std::function<void()> wake) override;
  bool ready() const override { return online_; }
  void deliver(const OutgoingMeasurement& m, Done done) override;
  void battery(std::string_view device, int percent, std::string_view model) override;
  bool idle() const override { return connection_.idle(); }
  bool settled() const override { return connection_.connected() && connection_.in_flight() == 0; }

  const HomeAssistantNaming& naming() const { return naming_; }

 private:
  struct KnownPerson {
    std::string name;
    WeightUnit unit = WeightUnit::kg;
  };
  void mqtt_connected() override;
  void mqtt_disconnected(int) override { online_ = synced_ = false; }
  void mqtt_message(const std::string& topic, const std::string& payload, bool retained) override;
  void publish_discovery();
  void announce_person(const std::string& id);
  void announce_scale(const std::string& address);
  void restore_states();
  void assign_command(const std::string& address, const std::string& choice);
  void publish_assign_state(const std::string& address);
  void publish_person_states(const Measurement& m, int qos);
  void publish_battery(const std::string& device);
  void publish_config(const MqttMessage& m) { connection_.publish(m.topic, m.payload, 1, m.retain); }
  // Deletions in Home Assistant. Keys: "person:<id>", "scale:<address>".
  std::vector<std::string> config_topics(const std::string& key) const;
  void watch_configs(const std::string& key);
  void config_message(const std::string& key, const std::string& topic, const std::string& payload);
  void notice_deleted_while_away();
  void mark_deleted(const std::string& key, const std::string& why);
  void undelete(const std::string& key, const char* why);
  bool deleted(const std::string& key) const { return deleted_.count(key) > 0; }
  std::optional<OutgoingMeasurement> latest_other(const std::string& person_id, const std::string& except_uid) const;
  void publish_states(const std::vector<MqttMessage>& states, int qos);
  bool newer_than_broker(const std::string& time_topic, std::int64_t time_us) const;
  // This gateway's own topic that marks the end of the retained times (mqtt_connected).
  std::string sync_topic() const { return naming_.base + "/gateways/" + naming_.gateway_id + "/home_assistant_sync"; }

  MqttConnection& connection_;
  Log log_;
  HomeAssistantNaming naming_;
  std::function<void()> wake_;
  std::function<std::vector<OutgoingMeasurement>()> latest_;  // from the store (OutputHistory::latest)
  std::function<std::optional<OutputHistory::Assigned>(std::int64_t, std::optional<std::string>)> assign_;
  std::function<void(const std::string&, const std::optional<std::string>&)> note_;
  std::map<std::string, std::int64_t> deleted_;           // key -> when it was deleted in Home Assistant (Unix us)
  std::map<std::string, std::string> config_device_;      // config topic -> its device's key, subscribed this connection
  std::set<std::string> configs_held_;                    // config topics the broker holds, this connection
  std::map<std::string, std::set<std::string>> emptied_;  // key -> its config topics emptied, this connection
  bool synced_ = false;                                   // the broker's retained set is in, this connection
  std::int64_t assign_offer_us_;
  std::vector<std::string> names_;                     // the configured people's names: the select's options
  std::map<std::string, Measurement> scale_latest_;    // address -> the weighing its select is about
  bool online_ = false;  // heard of the connect (discovery sent): deliveries may go
  std::map<std::string, KnownPerson> people_;  // id -> name, unit: with entities
  std::set<std::string> removed_;              // ids delivered for before, no longer configured
  std::map<std::string, std::string> scales_;  // address -> model, likewise
  std::map<std::string, std::string> announced_;  // "person:<id>" / "scale:<address>" -> what was sent, this connection
  std::map<std::string, std::string> broker_times_;  // time topic -> its retained value on the broker
  struct Battery {
    int percent = 0;
    std::string model;
  };
  std::map<std::string, Battery> batteries_;  // address -> latest level (sent again on every connect)
};

}  // namespace declouder
