// MQTT output: every stored measurement goes out through the SQLite outbox
// (gateway/outbox.hpp), so nothing is lost while the broker is down and
// nothing goes out twice after a restart of declouder or of the broker.
//
// Topics (base "declouder"):
//   <base>/gateways/<id>/status        "online" / "offline": retained; the last will
//   <base>/gateways/<id>/measurements  every measurement this gateway heard (QoS 1)
//   <base>/devices/<mac>/owner         the owning gateway of a scale (gateway/ownership.hpp), retained
//   <base>/claims/<uid>                who delivers a measurement to the household, retained
//   <base>/people/<person>/<metric>    Home Assistant state topics (QoS 2)
//   <base>/scales/<mac>/<metric>
//   <base>/scales/<mac>/battery        latest battery level of a scale that reports one, retained
//   homeassistant/.../config           discovery (outputs/home_assistant.hpp)
//   domoticz/in                        Domoticz (outputs/domoticz.hpp)
//
// Exactly once across gateways. Every gateway that hears a weighing stores it
// under the same deterministic uid. Before delivering to Home Assistant and
// Domoticz, a gateway subscribes to <base>/claims/<uid>, then publishes its own
// claim there. The broker puts claims for one topic in one order and hands
// that order to every subscriber, retained ones first, so every gateway sees
// the same first claim: its author delivers, the others mark the row "lost".
// The decision is written to SQLite before anything is published. The device's
// owner claims at once; other gateways wait `standby` and claim only if nobody
// did (the owner may have missed that weighing), so in the usual case there is
// a single claim on the wire.
//
// Exactly once across a broker restart: a persistent session (fixed client
// id, clean_session off) and QoS 2 for the household messages, so a message
// the broker received before it stopped is not delivered again when
// libmosquitto resends it (this needs the broker's persistence, Debian's
// default). A row is marked delivered only when the broker acknowledged every
// message of it; SIGTERM waits for those acknowledgements.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "gateway/event_loop.hpp"
#include "gateway/outbox.hpp"
#include "gateway/output.hpp"
#include "gateway/ownership.hpp"
#include "mqtt/client.hpp"
#include "outputs/domoticz.hpp"
#include "outputs/home_assistant.hpp"
#include "store/recorder.hpp"

namespace declouder {

struct MqttOutputSettings {
  MqttSettings connection;
  std::string gateway_id;
  std::string base = "declouder";
  bool home_assistant = true;
  std::string discovery_prefix = "homeassistant";
  DomoticzSettings domoticz;
  std::int64_t standby_us = 5'000'000;
  OwnershipPolicy ownership;
  // The smallest store id the pipeline still holds (gateway/pipeline.hpp).
  std::function<std::optional<std::int64_t>()> oldest_held_id;
};

struct MqttOutputStats {
  bool connected = false;
  int connects = 0;
  int feed_published = 0;
  int delivered = 0;
  int lost_to_other_gateway = 0;
  int messages_acknowledged = 0;
};

class MqttOutput : public GatewayOutput {
 public:
  using Log = std::function<void(const std::string&)>;
  MqttOutput(MqttOutputSettings settings, Database& db, EventLoop& loop, Recorder* recorder, Log log);
  ~MqttOutput() override;

  void start() override;
  void heard(const Advertisement& adv, std::string_view device) override;
  // Only the owning gateway talks to a device. Until the owners are known (just started,
  // or the broker went away) it waits `kOwnersWait`; after that every gateway that hears a
  // device may talk to it, since a scale that must be asked gives nothing otherwise (the
  // claims still deliver each measurement once).
  bool may_converse(std::string_view device) const override;
  static constexpr std::int64_t kOwnersWaitUs = 5'000'000;
  void measurement(const Measurement& m, std::string_view source) override;
  void battery(std::string_view device, int percent, std::string_view model) override;
  std::int64_t next_deadline_us() const override { return next_deadline_us_; }
  void tick(std::int64_t now_us) override;
  bool idle() const override;
  bool settled() const override;
  void begin_stop() override;
  void finish_stop() override;

  const MqttOutputStats& stats() const { return stats_; }
  Outbox& outbox() { return outbox_; }
  // Called (on the loop thread) whenever the broker acknowledges a delivery
  // or a feed message; the benchmark measures latency with it.
  std::function<void(const std::string& uid, bool household)> on_acknowledged;

 private:
  enum class Kind { feed, claim, delivery, other };
  struct InFlight {
    Kind kind;
    std::int64_t row = 0;
    std::string uid;
  };

  void connected();
  void disconnected(int rc);
  void published(int mid);
  void subscribed(int mid);
  void message(const std::string& topic, const std::string& payload, bool retained);
  void claim_seen(const std::string& uid, const std::string& gateway);
  void pump();
  void deliver(const OutboxRow& row);
  void publish_discovery();
  void publish_battery(const std::string& device);
  void publish_tracked(const std::string& topic, const std::string& payload, int qos, bool retain, Kind kind,
                       std::int64_t row, const std::string& uid);
  std::string claim_topic(const std::string& uid) const { return settings_.base + "/claims/" + uid; }
  std::string sync_topic() const { return settings_.base + "/gateways/" + settings_.gateway_id + "/sync"; }

  MqttOutputSettings settings_;
  EventLoop& loop_;
  Recorder* recorder_;
  Log log_;
  Outbox outbox_;
  DeviceOwnership ownership_;
  HomeAssistantNaming naming_;
  std::unique_ptr<MqttClient> client_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  bool connected_ = false;
  std::int64_t owners_unknown_since_us_ = 0;  // when ownership stopped being known
  bool stopping_ = false;
  int owners_subscription_mid_ = -1;
  std::map<int, InFlight> in_flight_;           // message id -> what it carries
  std::map<std::int64_t, int> delivery_left_;   // row -> messages not yet acknowledged
  std::set<std::int64_t> feed_in_flight_;
  std::map<int, std::string> claim_subscriptions_pending_;  // subscribe mid -> uid
  std::set<std::string> claim_subscribed_;      // SUBACK received on this connection
  std::set<std::string> announced_;             // discovery sent on this connection (device ids)
  std::map<std::string, std::string> scale_models_;  // address -> model, for discovery
  struct Battery {
    int percent = 0;
    std::string model;
  };
  std::map<std::string, Battery> batteries_;  // address -> latest level (sent on every connect)
  bool discovery_dirty_ = false;
  std::int64_t next_deadline_us_ = 0;
  MqttOutputStats stats_;
};

}  // namespace declouder
