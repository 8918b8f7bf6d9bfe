#include "outputs/mqtt_output.hpp"

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "outputs/measurement_json.hpp"

namespace declouder {

namespace {
constexpr int kBatch = 200;  // rows looked at per pump

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

MqttOutput::MqttOutput(MqttOutputSettings settings, Database& db, EventLoop& loop, Recorder* recorder, Log log)
    : settings_(std::move(settings)),
      loop_(loop),
      recorder_(recorder),
      log_(std::move(log)),
      outbox_(db),
      ownership_(settings_.gateway_id, settings_.ownership) {
  naming_.discovery_prefix = settings_.discovery_prefix;
  naming_.base = settings_.base;
  naming_.gateway_id = settings_.gateway_id;
  naming_.gateways.insert(settings_.gateway_id);

  MqttSettings c = settings_.connection;
  if (c.client_id.empty()) c.client_id = "declouder-" + settings_.gateway_id;
  c.will_topic = gateway_status_topic(settings_.base, settings_.gateway_id);
  c.will_payload = "offline";
  // libmosquitto calls these on its network thread: hand everything to the loop.
  std::weak_ptr<bool> alive = alive_;
  auto post = [this, alive](std::function<void()> f) {
    loop_.post([alive, f = std::move(f)] {
      if (alive.lock()) f();
    });
  };
  MqttHandlers h;
  h.on_connect = [this, post](bool) { post([this] { connected(); }); };
  h.on_disconnect = [this, post](int rc) { post([this, rc] { disconnected(rc); }); };
  h.on_publish = [this, post](int mid) { post([this, mid] { published(mid); }); };
  h.on_subscribe = [this, post](int mid) { post([this, mid] { subscribed(mid); }); };
  h.on_message = [this, post](std::string topic, std::string payload, bool retained) {
    post([this, topic = std::move(topic), payload = std::move(payload), retained] { message(topic, payload, retained); });
  };
  h.on_log = [this, post](std::string line) { post([this, line = std::move(line)] { log_(line); }); };
  client_ = std::make_unique<MqttClient>(c, std::move(h));
}

MqttOutput::~MqttOutput() {
  *alive_ = false;
  alive_.reset();
  client_.reset();
}

void MqttOutput::start() {
  owners_unknown_since_us_ = now_unix_us();
  // Measurements stored before a crash but not yet queued: queue them now.
  outbox_.start_cursor_if_new();
  if (recorder_) {
    for (;;) {
      auto batch = recorder_->measurements_after(outbox_.cursor(), kBatch);
      if (batch.empty()) break;
      for (const Measurement& m : batch) outbox_.enqueue(m, now_unix_us());
    }
  }
  const OutboxCounts c = outbox_.counts();
  if (c.feed_pending + c.undecided + c.won_undelivered > 0)
    log_("MQTT outbox: " + std::to_string(c.feed_pending + c.undecided + c.won_undelivered) +
         " message(s) waiting from before, sent once the broker answers");
  client_->start();
}

void MqttOutput::heard(const Advertisement& adv, std::string_view device) {
  if (!adv.rssi || device.empty()) return;
  const std::string d(device);
  if (auto a = ownership_.heard(d, *adv.rssi, now_unix_us()); a && connected_) {
    Json j = {{"gateway", a->gateway}, {"rssi", a->rssi}, {"device", d}, {"time", iso8601_utc_us(now_unix_us())}};
    publish_tracked(settings_.base + "/devices/" + mac_slug(d) + "/owner", j.dump(), 1, true, Kind::other, 0, "");
  }
}

bool MqttOutput::may_converse(std::string_view device) const {
  if (!ownership_.ready()) return now_unix_us() - owners_unknown_since_us_ >= kOwnersWaitUs;
  const auto owner = ownership_.owner(std::string(device));
  return !owner || *owner == settings_.gateway_id;
}

void MqttOutput::measurement(const Measurement& m, std::string_view) {
  if (m.address) scale_models_[m.address->str()] = m.model;
  outbox_.enqueue(m, now_unix_us(), settings_.oldest_held_id ? settings_.oldest_held_id() : std::nullopt);
  pump();
}

void MqttOutput::battery(std::string_view device, int percent, std::string_view model) {
  if (!settings_.home_assistant) return;
  const std::string d(device);
  batteries_[d] = {percent, std::string(model)};
  publish_battery(d);  // when not connected, publish_discovery sends it on connect
}

// The battery sensor's config (once per scale and connection), then its retained state.
void MqttOutput::publish_battery(const std::string& device) {
  if (!connected_ || !settings_.home_assistant) return;
  const Battery& b = batteries_.at(device);
  if (announced_.insert("battery:" + device).second) {
    auto known = scale_models_.find(device);
    const MqttMessage config =
        scale_battery_discovery(naming_, device, known != scale_models_.end() ? known->second : b.model);
    publish_tracked(config.topic, config.payload, 1, config.retain, Kind::other, 0, "");
  }
  const MqttMessage state = scale_battery_state(naming_, device, b.percent);
  publish_tracked(state.topic, state.payload, 1, state.retain, Kind::other, 0, "");
}

void MqttOutput::tick(std::int64_t) { pump(); }

bool MqttOutput::idle() const { return in_flight_.empty() || !connected_; }

bool MqttOutput::settled() const {
  if (!connected_ || !in_flight_.empty()) return false;
  const OutboxCounts c = outbox_.counts();
  return c.feed_pending + c.undecided + c.won_undelivered == 0;
}

void MqttOutput::begin_stop() {
  stopping_ = true;
  if (connected_)
    publish_tracked(gateway_status_topic(settings_.base, settings_.gateway_id), "offline", 1, true, Kind::other, 0, "");
}

void MqttOutput::finish_stop() {
  client_->stop();
  const OutboxCounts c = outbox_.counts();
  if (c.feed_pending + c.undecided + c.won_undelivered > 0)
    log_("MQTT outbox: " + std::to_string(c.feed_pending + c.undecided + c.won_undelivered) +
         " message(s) kept for the next start");
}

void MqttOutput::publish_tracked(const std::string& topic, const std::string& payload, int qos, bool retain, Kind kind,
                                 std::int64_t row, const std::string& uid) {
  auto mid = client_->publish(topic, payload, qos, retain);
  if (!mid) {
    log_("MQTT: cannot queue a message on " + topic);
    return;
  }
  if (qos > 0) in_flight_[*mid] = {kind, row, uid};
}

void MqttOutput::connected() {
  connected_ = true;
  ++stats_.connects;
  stats_.connected = true;
  log_("MQTT connected to " + client_->describe() + " as gateway '" + settings_.gateway_id + "'");
  claim_subscribed_.clear();
  claim_subscriptions_pending_.clear();
  announced_.clear();
  publish_tracked(gateway_status_topic(settings_.base, settings_.gateway_id), "online", 1, true, Kind::other, 0, "");
  if (settings_.home_assistant) client_->subscribe(settings_.discovery_prefix + "/status", 1);
  client_->subscribe(settings_.base + "/gateways/+/status", 1);
  // Ownership decisions wait until the retained owners are in: they arrive
  // after the owners' SUBACK and before the echo of a message published after
  // it, so the echo of our own "sync" message says "all owners known".
  client_->subscribe(sync_topic(), 1);
  if (auto mid = client_->subscribe(settings_.base + "/devices/+/owner", 1)) owners_subscription_mid_ = *mid;
  publish_discovery();
  pump();
}

void MqttOutput::disconnected(int rc) {
  if (connected_ && !stopping_)
    log_("MQTT connection to " + client_->describe() + " lost (" + std::to_string(rc) +
         "); measurements wait in the outbox");
  if (ownership_.ready()) owners_unknown_since_us_ = now_unix_us();
  connected_ = false;
  stats_.connected = false;
  ownership_.set_ready(false);
  claim_subscribed_.clear();
  claim_subscriptions_pending_.clear();
}

void MqttOutput::published(int mid) {
  auto it = in_flight_.find(mid);
  if (it == in_flight_.end()) return;
  const InFlight f = it->second;
  in_flight_.erase(it);
  ++stats_.messages_acknowledged;
  const std::int64_t now = now_unix_us();
  if (f.kind == Kind::feed) {
    feed_in_flight_.erase(f.row);
    outbox_.mark_feed_sent(f.row, now);
    ++stats_.feed_published;
    if (on_acknowledged) on_acknowledged(f.uid, false);
  } else if (f.kind == Kind::delivery) {
    auto left = delivery_left_.find(f.row);
    if (left != delivery_left_.end() && --left->second == 0) {
      delivery_left_.erase(left);
      outbox_.mark_delivered(f.row, now);
      ++stats_.delivered;
      if (connected_) client_->unsubscribe(claim_topic(f.uid));
      if (on_acknowledged) on_acknowledged(f.uid, true);
    }
  }
  pump();
}

void MqttOutput::subscribed(int mid) {
  if (mid == owners_subscription_mid_) {
    publish_tracked(sync_topic(), std::to_string(stats_.connects), 1, false, Kind::other, 0, "");
    return;
  }
  auto it = claim_subscriptions_pending_.find(mid);
  if (it == claim_subscriptions_pending_.end()) return;
  claim_subscribed_.insert(it->second);
  claim_subscriptions_pending_.erase(it);
  pump();
}

void MqttOutput::message(const std::string& topic, const std::string& payload, bool) {
  const auto l = levels(topic);
  if (topic == sync_topic()) {
    ownership_.set_ready(true);
    return;
  }
  if (settings_.home_assistant && topic == settings_.discovery_prefix + "/status") {
    if (payload == "online") {
      log_("Home Assistant is online: sending discovery again");
      announced_.clear();
      publish_discovery();
    }
    return;
  }
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
    const bool is_new = naming_.gateways.insert(l[2]).second;
    ownership_.gateway_status(l[2], payload == "online");
    if (is_new) {
      discovery_dirty_ = true;  // the availability list grew
      pump();
    }
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

void MqttOutput::claim_seen(const std::string& uid, const std::string& gateway) {
  auto row = outbox_.find(uid);
  if (!row || (row->claim != "waiting" && row->claim != "claimed")) return;  // decided already
  if (gateway == settings_.gateway_id) {
    outbox_.set_claim(row->id, "won", gateway);
  } else {
    outbox_.set_claim(row->id, "lost", gateway);
    ++stats_.lost_to_other_gateway;
    if (connected_) client_->unsubscribe(claim_topic(uid));
  }
  pump();
}

void MqttOutput::publish_discovery() {
  if (!connected_ || !settings_.home_assistant) return;
  discovery_dirty_ = false;
  std::vector<MqttMessage> msgs = gateway_discovery(naming_);
  for (const std::string& p : outbox_.delivered_people()) {
    auto more = person_discovery(naming_, p);
    msgs.insert(msgs.end(), more.begin(), more.end());
    announced_.insert("person:" + p);
  }
  for (const std::string& d : outbox_.delivered_devices()) {
    auto model = scale_models_.count(d) ? scale_models_[d] : std::string("scale");
    auto more = scale_discovery(naming_, d, model);
    msgs.insert(msgs.end(), more.begin(), more.end());
    announced_.insert("scale:" + d);
  }
  for (const MqttMessage& m : msgs) publish_tracked(m.topic, m.payload, 1, m.retain, Kind::other, 0, "");
  for (const auto& entry : batteries_) {
    announced_.erase("battery:" + entry.first);  // the config again, like the scale's others
    publish_battery(entry.first);
  }
}

void MqttOutput::deliver(const OutboxRow& row) {
  // The formatters take the measurement itself: the outbox keeps it exactly (JsonNumbers::exact).
  const Measurement m = measurement_from_json(row.body).measurement;
  std::vector<MqttMessage> msgs;
  if (settings_.home_assistant) {
    if (!row.person.empty() && announced_.insert("person:" + row.person).second) {
      auto d = person_discovery(naming_, row.person);
      msgs.insert(msgs.end(), d.begin(), d.end());
    }
    if (!row.device.empty() && announced_.insert("scale:" + row.device).second) {
      std::string model = m.model.empty() ? "scale" : m.model;
      scale_models_[row.device] = model;
      auto d = scale_discovery(naming_, row.device, model);
      msgs.insert(msgs.end(), d.begin(), d.end());
    }
    for (const MqttMessage& m : msgs) publish_tracked(m.topic, m.payload, 1, m.retain, Kind::other, 0, "");
    msgs = measurement_states(naming_, m);
  }
  auto dz = domoticz_messages(settings_.domoticz, m);
  msgs.insert(msgs.end(), dz.begin(), dz.end());
  if (msgs.empty()) {
    outbox_.mark_delivered(row.id, now_unix_us());
    ++stats_.delivered;
    return;
  }
  delivery_left_[row.id] = static_cast<int>(msgs.size());
  for (const MqttMessage& m : msgs) publish_tracked(m.topic, m.payload, 2, false, Kind::delivery, row.id, row.uid);
}

void MqttOutput::pump() {
  next_deadline_us_ = 0;
  if (!connected_ || stopping_) return;
  const std::int64_t now = now_unix_us();
  if (discovery_dirty_) publish_discovery();

  // 1. This gateway's own feed: everything it heard.
  for (const OutboxRow& row : outbox_.feed_pending(kBatch)) {
    if (!feed_in_flight_.insert(row.id).second) continue;
    Json body = measurement_to_json(measurement_from_json(row.body).measurement);  // rounded, as people read it
    body["gateway"] = settings_.gateway_id;
    publish_tracked(settings_.base + "/gateways/" + settings_.gateway_id + "/measurements", body.dump(), 1, false,
                    Kind::feed, row.id, row.uid);
  }

  // 2. Claims: who delivers each measurement to the household.
  for (const OutboxRow& row : outbox_.undecided()) {
    const std::string topic = claim_topic(row.uid);
    if (!claim_subscribed_.count(row.uid)) {
      bool requested = false;
      for (const auto& [mid, uid] : claim_subscriptions_pending_) requested |= uid == row.uid;
      if (!requested) {
        if (auto mid = client_->subscribe(topic, 1)) claim_subscriptions_pending_[*mid] = row.uid;
      }
      continue;  // wait for the SUBACK: retained claims arrive first
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
    publish_tracked(topic, claim.dump(), 1, true, Kind::claim, row.id, row.uid);
  }

  // 3. Deliveries this gateway won.
  for (const OutboxRow& row : outbox_.won_undelivered()) {
    if (delivery_left_.count(row.id)) continue;
    deliver(row);
  }
}

}  // namespace declouder
