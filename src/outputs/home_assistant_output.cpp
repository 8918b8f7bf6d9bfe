#include "outputs/home_assistant_output.hpp"

#include <algorithm>
#include <cstdlib>

#include "core/time.hpp"
#include "outputs/measurement_json.hpp"

namespace declouder {

namespace {
bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
}  // namespace

HomeAssistantOutput::HomeAssistantOutput(MqttConnection& connection, const HomeAssistantSettings& s, Log log)
    : connection_(connection), log_(std::move(log)), assign_offer_us_(s.assign_offer_us) {
  naming_.discovery_prefix = s.discovery_prefix;
  naming_.base = s.base;
  naming_.gateway_id = s.gateway_id;
  naming_.gateways.insert(s.gateway_id);
}

void HomeAssistantOutput::start(const OutputHistory& history, std::function<void()> wake) {
  wake_ = std::move(wake);
  latest_ = history.latest;
  assign_ = history.assign;
  note_ = history.note;
  for (const auto& [key, value] : history.notes)
    if (key.rfind("deleted:", 0) == 0) deleted_[key.substr(8)] = std::atoll(value.c_str());
  for (const OutputHistory::Person& p : history.people) people_[p.id] = {p.name, WeightUnit::kg};
  for (const auto& [address, model] : history.scales) scales_[address] = model;
  if (history.configured) {
    std::map<std::string, KnownPerson> configured;
    for (const auto& p : *history.configured) {
      configured[p.id] = {p.name, p.unit};
      names_.push_back(p.name);
    }
    std::sort(names_.begin(), names_.end());
    for (auto it = people_.begin(); it != people_.end();) {
      if (auto c = configured.find(it->first); c != configured.end()) {
        it->second = c->second;
        ++it;
      } else {
        removed_.insert(it->first);
        it = people_.erase(it);
      }
    }
    // Everyone with a measurement in the store has entities, delivered by this
    // output before or not (Home Assistant configured after the first weighings);
    // every scale takes its model from its latest measurement.
    if (latest_)
      for (const OutgoingMeasurement& o : latest_()) {
        const Measurement& m = o.measurement;
        if (!m.person.empty())
          if (auto c = configured.find(person_id_of(m)); c != configured.end()) people_[c->first] = c->second;
        if (m.address && !m.model.empty()) scales_[m.address->str()] = m.model;
        if (m.address) scale_latest_[m.address->str()] = m;
      }
  }
  connection_.add_listener(this);
}

void HomeAssistantOutput::mqtt_connected() {
  online_ = true;
  synced_ = false;
  announced_.clear();
  broker_times_.clear();
  config_device_.clear();
  configs_held_.clear();
  emptied_.clear();
  connection_.subscribe(naming_.discovery_prefix + "/status", 1);
  connection_.subscribe(naming_.base + "/gateways/+/status", 1);
  // Which states the broker lacks (its retained times), and which devices Home
  // Assistant deleted (their retained configs). Mosquitto sends a subscription's
  // retained messages after the SUBACK, so the end of them is marked by a message
  // of our own, published once the last subscription is in place: it comes back
  // after them. The people's and scales' configs wait for it.
  connection_.subscribe(sync_topic(), 1);
  if (assign_) connection_.subscribe(naming_.base + "/scales/+/assign/set", 1);
  for (const auto& entry : people_) watch_configs("person:" + entry.first);
  for (const auto& entry : scales_) watch_configs("scale:" + entry.first);
  connection_.subscribe(naming_.base + "/people/+/measured_at", 1);
  connection_.subscribe(naming_.base + "/scales/+/last_seen", 1, [this] { connection_.publish(sync_topic(), "restore", 1, false); });
  for (const std::string& id : removed_) {
    if (log_) log_("Home Assistant: " + id + " is no longer in the config: removing their device");
    for (const MqttMessage& m : person_removal(naming_, id)) publish_config(m);
  }
  for (const MqttMessage& m : gateway_discovery(naming_)) publish_config(m);
  if (wake_) wake_();
}

// The discovery topics of a person's or a scale's entities, as announced now.
std::vector<std::string> HomeAssistantOutput::config_topics(const std::string& key) const {
  std::vector<std::string> topics;
  if (key.rfind("person:", 0) == 0) {
    auto p = people_.find(key.substr(7));
    if (p == people_.end()) return topics;
    for (const MqttMessage& m : person_discovery(naming_, p->first, p->second.name, p->second.unit)) topics.push_back(m.topic);
  } else if (key.rfind("scale:", 0) == 0) {
    const std::string address = key.substr(6);
    auto sc = scales_.find(address);
    if (sc == scales_.end()) return topics;
    for (const MqttMessage& m : scale_discovery(naming_, address, sc->second)) topics.push_back(m.topic);
    if (assign_) topics.push_back(scale_assign_discovery(naming_, address, sc->second, names_).topic);
    if (batteries_.count(address)) topics.push_back(scale_battery_discovery(naming_, address, sc->second).topic);
  }
  return topics;
}

// Follows a device's config topics on this connection: their retained copies say
// the broker has them, an empty one that Home Assistant deleted the entity.
void HomeAssistantOutput::watch_configs(const std::string& key) {
  if (!online_ || deleted(key)) return;
  for (const std::string& topic : config_topics(key))
    if (config_device_.emplace(topic, key).second) connection_.subscribe(topic, 1);
}

void HomeAssistantOutput::config_message(const std::string& key, const std::string& topic, const std::string& payload) {
  if (!payload.empty()) {
    configs_held_.insert(topic);
    emptied_[key].erase(topic);
    return;
  }
  // An empty payload is never retained: this is Home Assistant clearing it now.
  configs_held_.erase(topic);
  if (deleted(key)) return;
  std::set<std::string>& emptied = emptied_[key];
  emptied.insert(topic);
  for (const std::string& t : config_topics(key))
    if (!emptied.count(t)) return;  // one entity deleted, not the device (yet)
  mark_deleted(key, "in Home Assistant");
}

// At connect, once the retained set is in: a device whose states the broker holds
// but none of whose configs was deleted in Home Assistant while we were away.
void HomeAssistantOutput::notice_deleted_while_away() {
  std::vector<std::pair<std::string, std::string>> known;  // key, its time topic
  for (const auto& entry : people_) known.emplace_back("person:" + entry.first, person_time_topic(naming_, entry.first));
  for (const auto& entry : scales_) known.emplace_back("scale:" + entry.first, scale_time_topic(naming_, entry.first));
  for (const auto& [key, time_topic] : known) {
    if (deleted(key) || announced_.count(key) || !broker_times_.count(time_topic)) continue;
    const std::vector<std::string> topics = config_topics(key);
    if (std::none_of(topics.begin(), topics.end(), [&](const std::string& t) { return configs_held_.count(t) > 0; }))
      mark_deleted(key, "in Home Assistant while declouder was away");
  }
}

void HomeAssistantOutput::mark_deleted(const std::string& key, const std::string& why) {
  const std::int64_t now = now_unix_us();
  deleted_[key] = now;
  announced_.erase(key);
  if (note_) note_("deleted:" + key, std::to_string(now));
  const bool person = key.rfind("person:", 0) == 0;
  if (log_)
    log_("Home Assistant: the device of " + key + " was deleted " + why + ": not announced again until " +
         (person ? "a new weighing is assigned to them" : "it weighs again"));
}

void HomeAssistantOutput::undelete(const std::string& key, const char* why) {
  if (!deleted_.erase(key)) return;
  if (note_) note_("deleted:" + key, std::nullopt);
  if (log_) log_("Home Assistant: " + key + " is back (" + why + "): announced again");
}

void HomeAssistantOutput::mqtt_message(const std::string& topic, const std::string& payload, bool) {
  if (topic == naming_.discovery_prefix + "/status") {
    if (payload == "online") {
      if (log_) log_("Home Assistant is online: sending discovery again");
      announced_.clear();
      publish_discovery();
      if (synced_) restore_states();  // else the end of the retained set does both
    }
    return;
  }
  if (auto c = config_device_.find(topic); c != config_device_.end()) {
    config_message(c->second, topic, payload);
    return;
  }
  if (topic.rfind(naming_.base + "/", 0) != 0) return;
  if (topic == sync_topic()) {
    if (!synced_) {
      synced_ = true;
      notice_deleted_while_away();
      publish_discovery();
    }
    restore_states();
    return;
  }
  if (ends_with(topic, "/assign/set")) {  // <base>/scales/<mac>/assign/set: a choice on a scale's select
    const std::string prefix = naming_.base + "/scales/";
    const std::string mac = topic.substr(prefix.size(), topic.size() - prefix.size() - std::string_view("/assign/set").size());
    for (const auto& entry : scales_)
      if (mac_slug(entry.first) == mac) assign_command(entry.first, payload);
    return;
  }
  if (ends_with(topic, "/measured_at") || ends_with(topic, "/last_seen")) {
    if (payload.empty()) broker_times_.erase(topic);
    else broker_times_[topic] = payload;
    return;
  }
  // <base>/gateways/<id>/status: one more gateway in every entity's availability
  // list; an empty (cleared) retained status: one less.
  const std::string prefix = naming_.base + "/gateways/";
  const std::string suffix = "/status";
  if (topic.size() > prefix.size() + suffix.size() && topic.rfind(prefix, 0) == 0 && ends_with(topic, suffix)) {
    const std::string gateway = topic.substr(prefix.size(), topic.size() - prefix.size() - suffix.size());
    if (gateway.find('/') != std::string::npos) return;
    const bool changed = payload.empty() ? gateway != naming_.gateway_id && naming_.gateways.erase(gateway) > 0
                                         : naming_.gateways.insert(gateway).second;
    if (changed) {
      announced_.clear();
      publish_discovery();
    }
  }
}

void HomeAssistantOutput::publish_discovery() {
  if (!online_) return;
  for (const MqttMessage& m : gateway_discovery(naming_)) publish_config(m);
  if (!synced_) return;  // the people and scales once the broker said which were deleted
  for (const auto& entry : people_) announce_person(entry.first);
  for (const auto& entry : scales_) announce_scale(entry.first);
  for (const auto& entry : batteries_) {
    announced_.erase("battery:" + entry.first);  // the config again, like the scale's others
    publish_battery(entry.first);
  }
}

// A person's configs, unless this connection already has them as they are now
// (a person whose unit changed is announced again, in the new unit).
void HomeAssistantOutput::announce_person(const std::string& id) {
  const KnownPerson& p = people_.at(id);
  const std::string key = "person:" + id;
  if (deleted(key)) return;
  const std::string what = p.name + "|" + std::string(unit_name(p.unit));
  auto [it, fresh] = announced_.try_emplace(key, what);
  if (!fresh && it->second == what) return;
  it->second = what;
  for (const MqttMessage& c : person_discovery(naming_, id, p.name, p.unit)) publish_config(c);
  watch_configs(key);
}

void HomeAssistantOutput::announce_scale(const std::string& address) {
  const std::string key = "scale:" + address;
  if (deleted(key)) return;
  const std::string& model = scales_.at(address);
  auto [it, fresh] = announced_.try_emplace(key, model);
  if (!fresh && it->second == model) return;
  it->second = model;
  for (const MqttMessage& c : scale_discovery(naming_, address, model)) publish_config(c);
  if (assign_) {
    publish_config(scale_assign_discovery(naming_, address, model, names_));
    publish_assign_state(address);
  }
  watch_configs(key);
}

// The select's state: who the scale's latest weighing is assigned to; "nobody"
// while it can be chosen; unknown once an unassigned one is too old to offer.
void HomeAssistantOutput::publish_assign_state(const std::string& address) {
  if (!online_ || !assign_ || deleted("scale:" + address)) return;
  auto it = scale_latest_.find(address);
  if (it == scale_latest_.end()) return;
  const Measurement& m = it->second;
  const std::string state = !m.person.empty()                             ? m.person
                            : now_unix_us() - m.time_us <= assign_offer_us_ ? std::string(kAssignNobody)
                                                                            : std::string("None");
  const MqttMessage msg = scale_assign_state(naming_, address, state);
  connection_.publish(msg.topic, msg.payload, 1, msg.retain);
}

void HomeAssistantOutput::publish_person_states(const Measurement& m, int qos) {
  const std::string id = person_id_of(m);
  auto p = people_.find(id);
  if (p == people_.end() || deleted("person:" + id)) return;
  publish_states(person_states(naming_, m, p->second.unit), qos);
}

void HomeAssistantOutput::publish_states(const std::vector<MqttMessage>& states, int qos) {
  for (const MqttMessage& s : states) connection_.publish(s.topic, s.payload, qos, s.retain);
}

// `person_id`'s latest measurement other than `except_uid` among what the store says
// this output has (OutputHistory::latest lists each person's and each scale's latest).
std::optional<OutgoingMeasurement> HomeAssistantOutput::latest_other(const std::string& person_id,
                                                                     const std::string& except_uid) const {
  std::optional<OutgoingMeasurement> best;
  if (!latest_) return best;
  for (OutgoingMeasurement& o : latest_())
    if (person_id_of(o.measurement) == person_id && o.measurement.uid != except_uid &&
        (!best || o.measurement.time_us >= best->measurement.time_us))
      best = std::move(o);
  return best;
}

// A person chosen on a scale's select: the scale's latest weighing is assigned to
// them in SQLite and their entities show it; whoever had it before gets their
// own latest weighing back.
void HomeAssistantOutput::assign_command(const std::string& address, const std::string& choice) {
  auto it = scale_latest_.find(address);
  if (it == scale_latest_.end() || !assign_) return;
  const Measurement before = it->second;
  const bool nobody = choice == kAssignNobody;
  if (before.person == choice || (nobody && before.person.empty())) return;
  if (!nobody && std::find(names_.begin(), names_.end(), choice) == names_.end()) {
    if (log_) log_("Home Assistant: '" + choice + "' is not a person of the config: nothing assigned");
    publish_assign_state(address);
    return;
  }
  if (before.person.empty() && now_unix_us() - before.time_us > assign_offer_us_) {
    if (log_) log_("Home Assistant: measurement " + std::to_string(before.id) + " is too old to assign there (declouder assign)");
    publish_assign_state(address);
    return;
  }
  auto assigned = assign_(before.id, nobody ? std::nullopt : std::optional<std::string>(choice));
  if (!assigned) {
    publish_assign_state(address);
    return;
  }
  const OutgoingMeasurement* now = &assigned->now;
  const Measurement& m = now->measurement;
  if (log_)
    log_("Home Assistant: measurement " + std::to_string(m.id) + " " + (before.person.empty() ? "(unassigned)" : before.person) +
         " -> " + (m.person.empty() ? "(unassigned)" : m.person));
  if (it->second.uid == m.uid) it->second = m;
  // The delivery hands it to every output again (deliver() below, once for each
  // output): nothing more to do here. Only a weighing this gateway never
  // delivered is shown from here.
  if (assigned->redelivered) {
    publish_assign_state(address);
    return;
  }
  if (!m.person.empty()) {
    const std::string id = person_id_of(m);
    undelete("person:" + id, "a weighing assigned to them");
    people_[id] = {m.person, now->unit};
    announce_person(id);
    publish_person_states(m, 1);
  }
  if (!before.person.empty())
    if (auto own = latest_other(person_id_of(before), m.uid)) publish_person_states(own->measurement, 1);
  if (!deleted("scale:" + address)) publish_states(scale_states(naming_, m, now->unit), 1);
  publish_assign_state(address);
}

bool HomeAssistantOutput::newer_than_broker(const std::string& time_topic, std::int64_t time_us) const {
  auto it = broker_times_.find(time_topic);
  if (it == broker_times_.end()) return true;
  const auto broker_us = parse_iso8601_us(it->second);
  return !broker_us || *broker_us < time_us;
}

// Each person's and scale's latest measurement in the store, where the broker
// holds an older one or none.
void HomeAssistantOutput::restore_states() {
  if (!online_ || !latest_) return;
  int restored = 0;
  for (const OutgoingMeasurement& o : latest_()) {
    const Measurement& m = o.measurement;
    const std::string id = person_id_of(m);
    if (!id.empty() && people_.count(id) && !deleted("person:" + id) &&
        newer_than_broker(person_time_topic(naming_, id), m.time_us)) {
      announce_person(id);
      for (const MqttMessage& s : person_states(naming_, m, people_.at(id).unit)) connection_.publish(s.topic, s.payload, 1, s.retain);
      ++restored;
    }
    if (m.address && scales_.count(m.address->str())) {
      scale_latest_[m.address->str()] = m;
      publish_assign_state(m.address->str());
    }
    if (m.address && scales_.count(m.address->str()) && !deleted("scale:" + m.address->str()) &&
        newer_than_broker(scale_time_topic(naming_, m.address->str()), m.time_us)) {
      for (const MqttMessage& s : scale_states(naming_, m, o.unit)) connection_.publish(s.topic, s.payload, 1, s.retain);
      ++restored;
    }
  }
  if (restored && log_) log_("Home Assistant: " + std::to_string(restored) + " latest state(s) published again from the database");
}

// A weighing: its person's entities and its scale's. The same weighing again with
// another person (reassigned_from): the new person's entities where it is their
// latest, the previous person's own latest back, the scale's attributes where it
// is the scale's latest.
void HomeAssistantOutput::deliver(const OutgoingMeasurement& o, Done done) {
  const Measurement& m = o.measurement;
  const bool again = o.reassigned_from.has_value();
  std::vector<MqttMessage> states;
  auto add = [&states](std::vector<MqttMessage> more) {
    for (MqttMessage& s : more) states.push_back(std::move(s));
  };
  if (!m.person.empty()) {
    const std::string id = person_id_of(m);
    removed_.erase(id);  // in the config again
    undelete("person:" + id, "a weighing assigned to them");
    people_[id] = {m.person, o.unit};
    announce_person(id);
    const auto other = again ? latest_other(id, m.uid) : std::nullopt;
    if (!other || other->measurement.time_us <= m.time_us) add(person_states(naming_, m, o.unit));
  }
  if (again && !o.reassigned_from->empty() && latest_) {
    std::string previous;
    for (const auto& [id, p] : people_)
      if (p.name == *o.reassigned_from) previous = id;
    if (!previous.empty() && !deleted("person:" + previous))
      if (auto own = latest_other(previous, m.uid)) add(person_states(naming_, own->measurement, people_.at(previous).unit));
  }
  if (m.address) {
    const std::string address = m.address->str();
    if (!again) undelete("scale:" + address, "it weighed again");
    if (!deleted("scale:" + address)) {
      if (!m.model.empty() || !scales_.count(address)) scales_[address] = m.model;
      Measurement& latest = scale_latest_[address];
      const bool newest = latest.uid.empty() || latest.uid == m.uid || m.time_us >= latest.time_us;  // a backlog comes oldest first
      if (newest) latest = m;
      announce_scale(address);
      if (!again || newest) add(scale_states(naming_, m, o.unit));
    }
  }
  publish_all(connection_, states, 2, std::move(done));
  if (m.address) publish_assign_state(m.address->str());
}

void HomeAssistantOutput::battery(std::string_view device, int percent, std::string_view model) {
  const std::string d(device);
  batteries_[d] = {percent, std::string(model)};
  publish_battery(d);  // when not connected, publish_discovery sends it on connect
}

// The battery sensor's config (once per scale and connection), then its retained state.
void HomeAssistantOutput::publish_battery(const std::string& device) {
  if (!online_ || deleted("scale:" + device)) return;
  const Battery& b = batteries_.at(device);
  if (announced_.try_emplace("battery:" + device, b.model).second) {
    auto known = scales_.find(device);
    publish_config(scale_battery_discovery(naming_, device, known != scales_.end() ? known->second : b.model));
  }
  const MqttMessage state = scale_battery_state(naming_, device, b.percent);
  connection_.publish(state.topic, state.payload, 1, state.retain);
}

}  // namespace declouder
