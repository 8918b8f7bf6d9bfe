// The gateway on the broker: its presence, who owns which device, and who
// delivers each measurement to the household, among every gateway of a home on
// one MQTT broker. It speaks through the connection it shares with the MQTT
// outputs (mqtt/connection.hpp) and is the one that starts and stops it.
//
// Topics (base "declouder"):
//   <base>/gateways/<id>/status   "online" / "offline": retained; the last will
//   <base>/gateways/<id>/sync     our own echo: the retained owners are all in
//   <base>/gateways/<id>/claims_sync  our own echo per claim topic: its retained claim is in
//   <base>/devices/<mac>/owner    the owning gateway of a scale (gateway/ownership.hpp), retained
//   <base>/claims/<uid>           who delivers a measurement to the household, retained
//
// Exactly once across gateways. Every gateway that hears a weighing stores it
// under the same deterministic uid. Before a household output (Home Assistant,
// Domoticz) gets a measurement, this gateway subscribes to <base>/claims/<uid>,
// waits until a retained claim there would have arrived (the broker sends it
// after the SUBACK, so the sign is the echo of a message we publish once the
// SUBACK is in), then publishes its own claim there unless one was seen. The
// broker puts claims for one topic in one order and hands that order to every
// subscriber, retained ones first, so every gateway sees the same first claim: its author delivers, the others mark
// the row "lost". The decision is written to SQLite before anything goes out.
// The device's owner claims at once; other gateways wait `standby` and claim
// only if nobody did (the owner may have missed that weighing), so in the usual
// case there is a single claim on the wire. Only a gateway with a household
// output running claims at all.
//
// Exactly once across a broker restart: a persistent session (fixed client
// id, clean_session off) and QoS 2 for the household messages, so a message
// the broker received before it stopped is not delivered again when
// libmosquitto resends it (this needs the broker's persistence, Debian's
// default).
//
// Who talks to a scale that must be asked: only its owning gateway
// (may_converse), so two rooms never fight over one scale's single connection.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "gateway/delivery.hpp"
#include "gateway/outbox.hpp"
#include "gateway/ownership.hpp"
#include "gateway/pipeline.hpp"
#include "mqtt/connection.hpp"

namespace declouder {

struct CoordinationSettings {
  std::string gateway_id;
  std::string base = "declouder";
  std::int64_t standby_us = 5'000'000;  // [gateway] standby_seconds
  OwnershipPolicy ownership;            // [gateway] switch_db
};

// What the gateway's MQTT session needs before the connection is made: a stable
// client id (declouder-<gateway id> unless one is set) and the last will
// ("offline" on its status topic).
void prepare_gateway_session(MqttSettings& session, const CoordinationSettings& s);

struct CoordinationStats {
  int connects = 0;
  int lost_to_other_gateway = 0;
};

class GatewayCoordination : public PipelineListener, public HouseholdClaims, private MqttConnection::Listener {
 public:
  using Log = std::function<void(const std::string&)>;
  GatewayCoordination(MqttConnection& mqtt, Outbox& outbox, CoordinationSettings settings, Log log);

  // Starts the connection (after every user of it is set up).
  void start();
  // Ownership needs the signal strength of every device heard.
  void heard(const Advertisement& adv, std::string_view device) override;
  // Only the owning gateway talks to a device. Until the owners are known (just started,
  // or the broker went away) it waits `kOwnersWaitUs`; after that every gateway that hears a
  // device may talk to it, since a scale that must be asked gives nothing otherwise (the
  // claims still deliver each measurement once).
  bool may_converse(std::string_view device) const;
  static constexpr std::int64_t kOwnersWaitUs = 5'000'000;

  void claim(const std::vector<OutboxRow>& rows, std::int64_t now_us) override;
  std::int64_t next_deadline_us() const override { return next_deadline_us_; }
  void on_change(std::function<void()> changed) override { changed_ = std::move(changed); }

  bool idle() const { return mqtt_.idle(); }
  bool settled() const { return mqtt_.connected() && mqtt_.in_flight() == 0; }
  // Says "offline" on the status topic; finish_stop() disconnects.
  void begin_stop();
  void finish_stop();

  const DeviceOwnership& ownership() const { return ownership_; }
  const CoordinationStats& stats() const { return stats_; }

 private:
  void mqtt_connected() override;
  void mqtt_disconnected(int rc) override;
  void mqtt_message(const std::string& topic, const std::string& payload, bool retained) override;
  void claim_seen(const std::string& uid, const std::string& gateway);
  void changed() {
    if (changed_) changed_();
  }
  std::string status_topic() const;
  std::string claim_topic(const std::string& uid) const { return settings_.base + "/claims/" + uid; }
  std::string sync_topic() const { return settings_.base + "/gateways/" + settings_.gateway_id + "/sync"; }
  std::string claims_sync_topic() const { return settings_.base + "/gateways/" + settings_.gateway_id + "/claims_sync"; }

  MqttConnection& mqtt_;
  Outbox& outbox_;
  CoordinationSettings settings_;
  Log log_;
  DeviceOwnership ownership_;
  std::function<void()> changed_;
  bool online_ = false;
  bool stopping_ = false;
  std::int64_t owners_unknown_since_us_ = 0;  // when ownership stopped being known
  std::set<std::string> claim_requested_;     // SUBSCRIBE sent on this connection
  std::set<std::string> claim_subscribed_;    // its retained claim (if any) seen on this connection
  std::int64_t next_deadline_us_ = 0;
  CoordinationStats stats_;
};

}  // namespace declouder
