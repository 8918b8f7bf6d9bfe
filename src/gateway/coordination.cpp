#include "gateway/coordination.hpp"

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "outputs/home_assistant.hpp"
#include "outputs/reading_json.hpp"

namespace declouder {

namespace {
// "declouder/x/y/z" -> {"declouder","x","y","z"}
std::vector<std::string> levels(const std::string& topic) {
  std::vector<std::string> out(1);
  for (char c : topic) {
    if (c == '/') out.emplace_back();
    else out.back() += c;
  }
  return out;
}
}  // namespace

void prepare_gateway_session(MqttSettings& session, const CoordinationSettings& s) {
  if (session.client_id.empty()) session.client_id = "declouder-" + s.gateway_id;
  session.will_topic = gateway_status_topic(s.base, s.gateway_id);
  session.will_payload = "offline";
}

GatewayCoordination::GatewayCoordination(MqttConnection& mqtt, Outbox& outbox, CoordinationSettings settings, Log log)
    : mqtt_(mqtt),
      outbox_(outbox),
      settings_(std::move(settings)),
      log_(std::move(log)),
      ownership_(settings_.gateway_id, settings_.ownership) {
  // First listener of the connection: status and subscriptions are in place
  // before any output hears of a connect.
  mqtt_.add_listener(this);
}

std::string GatewayCoordination::status_topic() const { return gateway_status_topic(settings_.base, settings_.gateway_id); }

void GatewayCoordination::start() {
  owners_unknown_since_us_ = now_unix_us();
  mqtt_.start();
}

void GatewayCoordination::heard(const Advertisement& adv, std::string_view device) {
  if (!adv.rssi || device.empty()) return;
  const std::string d(device);
  if (auto a = ownership_.heard(d, *adv.rssi, now_unix_us()); a && online_) {
    Json j = {{"gateway", a->gateway}, {"rssi", a->rssi}, {"device", d}, {"time", iso8601_utc_us(now_unix_us())}};
    mqtt_.publish(settings_.base + "/devices/" + mac_slug(d) + "/owner", j.dump(), 1, true);
  }
}

bool GatewayCoordination::may_converse(std::string_view device) const {
  if (!ownership_.ready()) return now_unix_us() - owners_unknown_since_us_ >= kOwnersWaitUs;
  const auto owner = ownership_.owner(std::string(device));
  return !owner || *owner == settings_.gateway_id;
}

void GatewayCoordination::claim(const std::vector<OutboxRow>& rows, std::int64_t now) {
  next_deadline_us_ = 0;
  if (!online_ || stopping_) return;
  for (const OutboxRow& row : rows) {
    if (!claim_subscribed_.count(row.uid)) {
      if (claim_requested_.insert(row.uid).second) {
        const std::string uid = row.uid;
        // A retained claim arrives after the SUBACK: our echo of the uid, published
        // once the SUBACK is in, comes after it (mqtt_message).
        if (!mqtt_.subscribe(claim_topic(uid), 1, [this, uid] { mqtt_.publish(claims_sync_topic(), uid, 1, false); }))
          claim_requested_.erase(uid);
      }
      continue;
    }
    if (row.claim != "waiting") continue;
    const bool owner = row.device.empty() || ownership_.is_owner(row.device);
    const std::int64_t due = owner ? row.heard_us : row.heard_us + settings_.standby_us;
    if (now < due) {
      next_deadline_us_ = next_deadline_us_ ? std::min(next_deadline_us_, due) : due;
      continue;
    }
    outbox_.set_claim(row.id, "claimed", settings_.gateway_id);  // written before it is published
    Json claim = {{"gateway", settings_.gateway_id}, {"time", iso8601_utc_us(now)}, {"owner", owner}};
    mqtt_.publish(claim_topic(row.uid), claim.dump(), 1, true);
  }
}

void GatewayCoordination::begin_stop() {
  stopping_ = true;
  if (online_) mqtt_.publish(status_topic(), "offline", 1, true);
}

void GatewayCoordination::finish_stop() { mqtt_.stop(); }

void GatewayCoordination::mqtt_connected() {
  online_ = true;
  ++stats_.connects;
  if (log_) log_("MQTT connected to " + mqtt_.describe() + " as gateway '" + settings_.gateway_id + "'");
  claim_subscribed_.clear();
  claim_requested_.clear();
  mqtt_.publish(status_topic(), "online", 1, true);
  mqtt_.subscribe(settings_.base + "/gateways/+/status", 1);
  // Ownership decisions wait until the retained owners are in: they arrive
  // after the owners' SUBACK and before the echo of a message published after
  // it, so the echo of our own "sync" message says "all owners known".
  mqtt_.subscribe(sync_topic(), 1);
  mqtt_.subscribe(claims_sync_topic(), 1);
  mqtt_.subscribe(settings_.base + "/devices/+/owner", 1,
                  [this] { mqtt_.publish(sync_topic(), std::to_string(stats_.connects), 1, false); });
  // Claims start when the household outputs hear of this connect and the delivery asks for them.
}

void GatewayCoordination::mqtt_disconnected(int) {
  // The client logs the loss with its reason (mqtt/client.hpp); measurements wait in the outbox.
  if (ownership_.ready()) owners_unknown_since_us_ = now_unix_us();
  online_ = false;
  ownership_.set_ready(false);
  claim_subscribed_.clear();
  claim_requested_.clear();
}

void GatewayCoordination::mqtt_message(const std::string& topic, const std::string& payload, bool) {
  if (topic == sync_topic()) {
    ownership_.set_ready(true);
    return;
  }
  if (topic == claims_sync_topic()) {  // <base>/claims/<payload>'s retained claim, if any, is in
    if (claim_requested_.erase(payload)) {
      claim_subscribed_.insert(payload);
      changed();
    }
    return;
  }
  const auto l = levels(topic);
  if (l.size() == 3 && l[0] == settings_.base && l[1] == "claims") {
    try {
      claim_seen(l[2], Json::parse(payload).at("gateway").get<std::string>());
    } catch (const std::exception&) {
      // Not a claim we understand: it names no gateway, so it cannot make us deliver twice.
    }
    return;
  }
  if (l.size() != 4 || l[0] != settings_.base) return;
  if (l[1] == "gateways" && l[3] == "status") {
    ownership_.gateway_status(l[2], payload == "online");
  } else if (l[1] == "devices" && l[3] == "owner") {
    try {
      const Json j = Json::parse(payload);
      ownership_.announced(j.at("device").get<std::string>(),
                           {j.at("gateway").get<std::string>(), j.at("rssi").get<double>()}, now_unix_us());
    } catch (const std::exception&) {
      // A malformed announcement is ignored: it cannot make us deliver twice.
    }
  }
}

void GatewayCoordination::claim_seen(const std::string& uid, const std::string& gateway) {
  auto row = outbox_.find(uid);
  if (!row || (row->claim != "waiting" && row->claim != "claimed")) return;  // decided already
  if (gateway == settings_.gateway_id) {
    outbox_.set_claim(row->id, "won", gateway);
  } else {
    outbox_.set_claim(row->id, "lost", gateway);
    ++stats_.lost_to_other_gateway;
  }
  // Decided: later claims change nothing, so the topic need not be followed.
  if (online_) mqtt_.unsubscribe(claim_topic(uid));
  claim_subscribed_.erase(uid);
  changed();
}

}  // namespace declouder
