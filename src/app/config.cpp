#include "app/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <sys/stat.h>

#include <toml++/toml.h>

#include "body/composition.hpp"
#include "core/base64.hpp"
#include "core/person_choice.hpp"
#include "core/toml_text.hpp"
#include "outputs/measurement_json.hpp"

namespace declouder {

namespace {

namespace fs = std::filesystem;

// The top-level sections something reads. Anything else is a warning naming it (a typo
// like [persn] must not go unnoticed; a section a newer declouder reads must not break).
const std::set<std::string, std::less<>> kKnownSections = {
    "database", "assignment", "person", "device",  // here
    "mqtt", "domoticz", "gateway",       // gateway/settings.cpp
    "esphome", "mqtt_adverts",           // gateway/settings.hpp: more radios
    "web",                               // web/settings.hpp
};

std::string home() {
  const char* h = std::getenv("HOME");
  return h && *h ? h : ".";
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

class Checker {
 public:
  Checker(const std::string& source) : source_(source) {}

  [[noreturn]] void fail(const toml::node* node, const std::string& what) const {
    std::string where = source_;
    if (node && node->source().begin.line) where += ":" + std::to_string(node->source().begin.line);
    throw ConfigError(where + ": " + what);
  }
  std::string where(const toml::node& node) const {
    return source_ + (node.source().begin.line ? ":" + std::to_string(node.source().begin.line) : "");
  }

  // Rejects keys outside `allowed` (typos would otherwise be silently ignored).
  void only_keys(const toml::table& t, std::initializer_list<std::string_view> allowed, const std::string& section) const {
    for (const auto& [key, node] : t) {
      bool ok = false;
      for (auto a : allowed) ok = ok || key.str() == a;
      if (!ok) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(&node, "unknown key '" + std::string(key.str()) + "' in " + section + " (known: " + list + ")");
      }
    }
  }

  std::optional<double> number(const toml::table& t, std::string_view key, const std::string& section, double lo,
                               double hi) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    std::optional<double> v;
    if (auto i = n->as_integer()) v = static_cast<double>(i->get());
    if (auto f = n->as_floating_point()) v = f->get();
    if (!v) fail(n, section + " " + std::string(key) + " must be a number");
    if (!std::isfinite(*v) || *v < lo || *v > hi)
      fail(n, section + " " + std::string(key) + " = " + fmt(*v) + " is outside " + fmt(lo) + ".." + fmt(hi));
    return v;
  }

  std::optional<std::string> string(const toml::table& t, std::string_view key, const std::string& section) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    auto s = n->as_string();
    if (!s) fail(n, section + " " + std::string(key) + " must be a string in quotes");
    return s->get();
  }

  static std::string fmt(double v) {
    if (std::isnan(v)) return "nan";
    std::ostringstream o;
    o << v;
    return o.str();
  }

 private:
  std::string source_;
};

// Text from the file as an error quotes it: at most 60 bytes (a value pasted by
// mistake can be megabytes), cut at a character boundary.
std::string shorten(const std::string& text) {
  if (text.size() <= 60) return text;
  std::size_t n = 57;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n) + "...";
}

std::string resolve_path(const std::string& p, const std::string& config_path) {
  if (p == "~") return home();
  if (p.rfind("~/", 0) == 0) return home() + p.substr(1);
  if (fs::path(p).is_absolute() || config_path.empty()) return p;
  return (fs::path(config_path).parent_path() / p).string();  // relative to the config file
}

Person parse_person(const toml::table& t, const toml::node& node, std::size_t index, const Checker& c) {
  std::string section = "[[person]] #" + std::to_string(index + 1);
  Person p;
  auto name = c.string(t, "name", section);
  if (!name || name->empty()) c.fail(&node, section + " needs a name = \"...\"");
  p.name = *name;
  section = "person '" + p.name + "':";
  c.only_keys(t, {"name", "id", "sex", "birth_date", "height_cm", "unit", "weight_min", "weight_max", "scale_user",
                  "profile_id", "goal_weight"},
              "[[person]] '" + p.name + "'");

  if (auto id = c.string(t, "id", section)) {
    if (!is_person_id(*id))
      c.fail(t.get("id"), section + " id \"" + shorten(*id) + "\" must be 1.." + std::to_string(kMaxPersonIdLength) +
                              " characters of a-z, 0-9 and _ (it names MQTT topics and Home Assistant entities)");
    p.id = *id;
  } else {
    p.id = person_id_from_name(p.name);
  }

  auto sex = c.string(t, "sex", section);
  if (!sex) c.fail(&node, section + " needs sex = \"male\" or \"female\"");
  auto parsed_sex = parse_sex(*sex);
  if (!parsed_sex) c.fail(t.get("sex"), section + " sex must be \"male\" or \"female\", not \"" + *sex + "\"");
  p.sex = *parsed_sex;

  const toml::node* birth = t.get("birth_date");
  if (!birth) c.fail(&node, section + " needs birth_date = YYYY-MM-DD");
  std::optional<CivilTime> date;
  if (auto d = birth->as_date()) {
    date = CivilTime{d->get().year, d->get().month, d->get().day, 0, 0, 0};
    if (!date->valid()) date.reset();
  } else if (auto s = birth->as_string()) {
    date = parse_date(s->get());
  }
  if (!date) c.fail(birth, section + " birth_date must be a date like 1990-04-12");
  const CivilTime today = civil_from_unix(now_unix_us() / 1000000);
  if (date->year < 1900 || *date > today) c.fail(birth, section + " birth_date " + date_string(*date) + " is not plausible");
  p.birth_date = *date;

  auto height = c.number(t, "height_cm", section, BodyLimits::min_height_cm, BodyLimits::max_height_cm);
  if (!height) c.fail(&node, section + " needs height_cm = a number of centimetres");
  p.height_cm = *height;

  if (auto unit = c.string(t, "unit", section)) {
    auto u = parse_unit(*unit);
    if (!u) c.fail(t.get("unit"), section + " unit must be kg, lb, st or jin, not \"" + *unit + "\"");
    p.unit = *u;
  }
  const std::string unit(unit_name(p.unit));
  // The window is written in the person's own unit.
  if (auto v = c.number(t, "weight_min", section, 0, 1000)) p.weight_min_kg = to_kg(*v, p.unit);
  if (auto v = c.number(t, "weight_max", section, 0, 1000)) p.weight_max_kg = to_kg(*v, p.unit);
  if (auto v = c.number(t, "goal_weight", section, 1, 1000)) p.goal_weight_kg = to_kg(*v, p.unit);
  if (p.weight_min_kg && p.weight_max_kg && *p.weight_min_kg > *p.weight_max_kg)
    c.fail(t.get("weight_max"), section + " weight_max is below weight_min");

  if (const toml::node* slot = t.get("scale_user")) {
    auto i = slot->as_integer();
    if (!i || i->get() < 0 || i->get() > 255) c.fail(slot, section + " scale_user must be a whole number 0..255");
    p.scale_user = static_cast<int>(i->get());
  }
  // 0 is what those scales send for "nobody recognised": never a person's.
  if (const toml::node* profile = t.get("profile_id")) {
    auto i = profile->as_integer();
    if (!i || i->get() < 1 || i->get() > 255) c.fail(profile, section + " profile_id must be a whole number 1..255");
    p.profile_id = static_cast<int>(i->get());
  }
  return p;
}

// A value of the gateway's sections: absent, or of type T (toml++'s conversions:
// an integer is also a floating-point value), else "[section] key has the wrong type".
template <typename T>
std::optional<T> typed(const Checker& c, const toml::table& t, const std::string& section, const char* key) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  if (auto v = n->value<T>()) return *v;
  c.fail(n, "[" + section + "] " + key + " has the wrong type");
}

// A number of the gateway's sections: typed<double>, and finite within lo..hi
// (TOML has nan and inf: no duration or level is either).
std::optional<double> quantity(const Checker& c, const toml::table& t, const std::string& section, const char* key,
                               double lo, double hi) {
  auto v = typed<double>(c, t, section, key);
  if (v && (!std::isfinite(*v) || *v < lo || *v > hi))
    c.fail(t.get(key), "[" + section + "] " + key + " = " + Checker::fmt(*v) + " is outside " + Checker::fmt(lo) + ".." +
                           Checker::fmt(hi));
  return v;
}

// [gateway], [mqtt] and [domoticz]: what `declouder run` reads (gateway/settings.hpp).
void parse_gateway_sections(const toml::table& doc, const Checker& c, GatewaySettings& s) {
  if (const toml::table* g = doc["gateway"].as_table()) {
    c.only_keys(*g, {"id", "jsonl", "settle_seconds", "simulate", "standard_scale_consent", "standard_scale_user",
                     "standby_seconds", "switch_db"},
                "[gateway]");
    if (auto v = typed<std::int64_t>(c, *g, "gateway", "standard_scale_user")) {
      if (*v < 0 || *v > 255) c.fail(g->get("standard_scale_user"), "[gateway] standard_scale_user must be 0-255");
      s.standard_scale_user = static_cast<int>(*v);
    }
    if (auto v = typed<std::int64_t>(c, *g, "gateway", "standard_scale_consent")) {
      if (*v < 0 || *v > 9999) c.fail(g->get("standard_scale_consent"), "[gateway] standard_scale_consent must be 0-9999");
      s.standard_scale_consent = static_cast<int>(*v);
    }
    if (auto v = quantity(c, *g, "gateway", "settle_seconds", 0, 3600)) s.settle_seconds = *v;
    if (auto v = typed<std::string>(c, *g, "gateway", "id")) {
      if (v->empty() || v->find_first_of("/+#") != std::string::npos)
        c.fail(g->get("id"), "[gateway] id \"" + shorten(*v) + "\" must be a name without / + or # (it is an MQTT topic level)");
      s.gateway_id = *v;
    }
    if (auto v = typed<std::string>(c, *g, "gateway", "jsonl")) s.jsonl = *v;
    if (auto v = quantity(c, *g, "gateway", "standby_seconds", 0, 3600)) s.standby_us = static_cast<std::int64_t>(*v * 1e6);
    if (auto v = quantity(c, *g, "gateway", "switch_db", 0, 100)) s.ownership.switch_db = *v;
    if (const toml::array* a = g->get_as<toml::array>("simulate")) {
      for (const auto& e : *a) {
        auto v = e.value<std::string>();
        if (!v) c.fail(&e, "[gateway] simulate must be a list of strings");
        s.simulate.push_back(*v);
      }
    }
  }
  if (const toml::table* m = doc["mqtt"].as_table()) {
    c.only_keys(*m, {"assign_offer_hours", "base_topic", "ca_file", "client_id", "compat", "discovery_prefix",
                     "home_assistant", "keepalive_seconds", "password", "password_file", "tls_insecure", "url",
                     "username"},
                "[mqtt]");
    if (auto v = typed<std::string>(c, *m, "mqtt", "url")) s.mqtt.url = *v;
    if (auto v = typed<std::string>(c, *m, "mqtt", "username")) s.mqtt.connection.username = *v;
    if (auto v = typed<std::string>(c, *m, "mqtt", "password")) s.mqtt.connection.password = *v;
    if (auto v = typed<std::string>(c, *m, "mqtt", "password_file")) {
      if (m->get("password")) c.fail(m->get("password_file"), "[mqtt] has password and password_file: give one");
      if (v->empty()) c.fail(m->get("password_file"), "[mqtt] password_file is empty");
      s.mqtt.password_file = *v;
    }
    if (auto v = typed<std::string>(c, *m, "mqtt", "ca_file")) s.mqtt.connection.ca_file = *v;
    if (auto v = typed<bool>(c, *m, "mqtt", "tls_insecure")) s.mqtt.connection.tls_insecure = *v;
    if (auto v = typed<std::string>(c, *m, "mqtt", "client_id")) s.mqtt.connection.client_id = *v;
    // How long the broker may stay silent, and how long a connection attempt may wait for its
    // answer (a black-hole host); libmosquitto refuses less than 5 s.
    if (auto v = quantity(c, *m, "mqtt", "keepalive_seconds", 5, 65535))
      s.mqtt.connection.keepalive_s = static_cast<int>(std::lround(*v));
    if (auto v = typed<std::string>(c, *m, "mqtt", "base_topic")) s.mqtt.base = *v;
    if (auto v = typed<bool>(c, *m, "mqtt", "home_assistant")) s.mqtt.home_assistant = *v;
    if (auto v = typed<std::string>(c, *m, "mqtt", "discovery_prefix")) s.mqtt.discovery_prefix = *v;
    if (auto v = c.number(*m, "assign_offer_hours", "[mqtt]", 0, 24.0 * 366)) s.mqtt.assign_offer_hours = *v;
    if (const toml::node* compat = m->get("compat")) {
      const toml::array* list = compat->as_array();
      if (!list) c.fail(compat, "[mqtt] compat must be a list, e.g. compat = [\"xiaomi_mi_scale\"]");
      for (const auto& e : *list) {
        auto v = e.value<std::string>();
        if (!v || *v != "xiaomi_mi_scale")
          c.fail(&e, "[mqtt] compat: unknown program" + (v ? " '" + *v + "'" : std::string()) +
                         " (known: \"xiaomi_mi_scale\", lolouk44/xiaomi_mi_scale's miscale/<name>/weight)");
        if (std::find(s.mqtt.compat.begin(), s.mqtt.compat.end(), *v) == s.mqtt.compat.end()) s.mqtt.compat.push_back(*v);
      }
    }
  }
  if (const toml::table* d = doc["domoticz"].as_table()) {
    c.only_keys(*d, {"sensor", "topic"}, "[domoticz]");
    DomoticzSettings& dz = s.domoticz.emplace();
    if (auto v = typed<std::string>(c, *d, "domoticz", "topic")) dz.topic = *v;
    if (const toml::array* sensors = d->get_as<toml::array>("sensor")) {
      for (const auto& e : *sensors) {
        const toml::table* t = e.as_table();
        if (!t) c.fail(&e, "[[domoticz.sensor]] entries must be tables");
        c.only_keys(*t, {"idx", "metric", "person", "type"}, "[domoticz.sensor]");
        DomoticzSensor ds;
        auto idx = typed<std::int64_t>(c, *t, "domoticz.sensor", "idx");
        if (!idx) c.fail(t, "[[domoticz.sensor]] needs idx (the Domoticz device index)");
        if (*idx < 0 || *idx > 2147483647)
          c.fail(t->get("idx"), "[[domoticz.sensor]] idx = " + std::to_string(*idx) + " is outside 0..2147483647");
        ds.idx = static_cast<int>(*idx);
        if (auto v = typed<std::string>(c, *t, "domoticz.sensor", "metric")) ds.metric = *v;
        if (auto v = typed<std::string>(c, *t, "domoticz.sensor", "person")) ds.person = *v;
        if (auto v = typed<std::string>(c, *t, "domoticz.sensor", "type")) ds.type = *v;
        if (ds.metric != "body_type" && !metric_info(ds.metric))
          c.fail(t, "[[domoticz.sensor]] idx " + std::to_string(ds.idx) + ": unknown metric '" + ds.metric + "'");
        if (std::string why = domoticz_type_fits(ds.type, ds.metric); !why.empty())
          c.fail(t, "[[domoticz.sensor]] idx " + std::to_string(ds.idx) + " (" + ds.metric + "): " + why);
        dz.sensors.push_back(ds);
      }
    }
  }
  // [[esphome]] and [[mqtt_adverts]]: more radios (gateway/esphome_source.hpp, mqtt_advert_source.hpp).
  auto tables = [&](const char* name, const char* example) {
    std::vector<const toml::table*> out;
    const toml::node* n = doc.get(name);
    if (!n) return out;
    const toml::array* arr = n->as_array();
    if (!arr) c.fail(n, std::string("[[") + name + "]] is written with double brackets, one table each: " + example);
    for (const auto& e : *arr) {
      const toml::table* t = e.as_table();
      if (!t) c.fail(&e, std::string("each [[") + name + "]] must be a table: " + example);
      out.push_back(t);
    }
    return out;
  };
  for (const toml::table* t : tables("esphome", "host = \"proxy.local\", port = 6053, key = \"BASE64\"")) {
    c.only_keys(*t, {"host", "key", "port"}, "[[esphome]]");
    EsphomeProxySettings e;
    auto host = typed<std::string>(c, *t, "esphome", "host");
    if (!host || host->empty()) c.fail(t, "[[esphome]] needs host (the node's name or address)");
    e.host = *host;
    if (auto v = typed<std::int64_t>(c, *t, "esphome", "port")) {
      if (*v <= 0 || *v > 65535) c.fail(t->get("port"), "[[esphome]] port must be 1-65535");
      e.port = static_cast<int>(*v);
    }
    if (auto v = typed<std::string>(c, *t, "esphome", "key")) {
      const auto bytes = base64_decode(*v);
      if (!bytes || bytes->size() != 32)
        c.fail(t->get("key"), "[[esphome]] key: expected the node's 32-byte API encryption key in base64 (44 characters)");
      e.key = *v;
    }
    s.esphome.push_back(e);
  }
  for (const toml::table* t : tables("mqtt_adverts", "topic = \"home/+/BTtoMQTT/undecoded\"")) {
    c.only_keys(*t, {"topic"}, "[[mqtt_adverts]]");
    auto topic = typed<std::string>(c, *t, "mqtt_adverts", "topic");
    if (!topic || topic->empty()) c.fail(t, "[[mqtt_adverts]] needs topic (e.g. home/+/BTtoMQTT/undecoded)");
    s.mqtt_adverts.push_back(*topic);
  }
}

// [web]: the web page (`declouder web`, and `run` when the table is there; web/settings.hpp).
void parse_web_section(const toml::table& doc, const Checker& c, WebSettings& s) {
  const toml::node* n = doc.get("web");
  if (!n) return;
  const toml::table* w = n->as_table();
  if (!w) c.fail(n, "[web] must be a table");
  c.only_keys(*w, {"enabled", "listen", "token", "password", "assets"}, "[web]");
  s.configured = true;
  if (auto v = typed<bool>(c, *w, "web", "enabled")) s.enabled = *v;
  if (auto v = typed<std::string>(c, *w, "web", "listen")) {
    if (!parse_listen(*v)) c.fail(w->get("listen"), "[web] listen must be ADDRESS:PORT, like 127.0.0.1:8080");
    s.listen = *v;
  }
  auto token = typed<std::string>(c, *w, "web", "token");
  auto password = typed<std::string>(c, *w, "web", "password");
  if (token && password) c.fail(w->get("password"), "[web] has both token and password: they are one setting, keep one");
  if (token) s.token = *token;
  if (password) s.token = *password;
  if (s.token && s.token->empty()) c.fail(w->get(token ? "token" : "password"), "[web] token is empty");
  if (auto v = typed<std::string>(c, *w, "web", "assets")) s.assets_dir = *v;
}

}  // namespace

Config parse_config(std::string_view text, const std::string& source_name) {
  Config config;
  // Editors on Windows start UTF-8 files with a byte-order mark; TOML text is UTF-8 anyway.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  auto parse = [&](std::string_view doc) {
    try {
      return toml::parse(doc, source_name);
    } catch (const toml::parse_error& e) {
      throw ConfigError(source_name + ":" + std::to_string(e.source().begin.line) + ": " +
                        std::string(e.description()));
    }
  };
  // See core/toml_text.hpp: first the ASCII skeleton must be valid
  // TOML (so the string boundaries are certain), then non-ASCII text must lie
  // inside strings or comments; only then does toml++ see the real text.
  parse(ascii_skeleton(text));
  if (auto line = non_ascii_outside_strings(text))
    throw ConfigError(source_name + ":" + std::to_string(*line) +
                      ": a non-ASCII character outside quotes or after a backslash (names and other text go in \"quotes\")");
  const toml::table doc = parse(text);
  const Checker c(source_name);

  for (const auto& [key, node] : doc) {
    if (!kKnownSections.count(key.str()))
      config.warnings.push_back(c.where(node) + ": unknown section [" + std::string(key.str()) + "] (ignored)");
  }

  if (const toml::node* db = doc.get("database")) {
    const toml::table* t = db->as_table();
    if (!t) c.fail(db, "[database] must be a table");
    c.only_keys(*t, {"path"}, "[database]");
    if (auto p = c.string(*t, "path", "[database]")) {
      if (p->empty()) c.fail(t->get("path"), "[database] path is empty");
      config.database_path = *p;  // resolved by load_config, which knows the file's directory
    }
  }

  if (const toml::node* a = doc.get("assignment")) {
    const toml::table* t = a->as_table();
    if (!t) c.fail(a, "[assignment] must be a table");
    c.only_keys(*t, {"tolerance_kg", "tolerance_percent", "min_weight_kg", "max_weight_kg"}, "[assignment]");
    auto& s = config.recorder;
    if (auto v = c.number(*t, "tolerance_kg", "[assignment]", 0, 50)) s.assignment.tolerance_kg = *v;
    if (auto v = c.number(*t, "tolerance_percent", "[assignment]", 0, 50)) s.assignment.tolerance_percent = *v;
    if (auto v = c.number(*t, "min_weight_kg", "[assignment]", 0, 100)) s.min_weight_kg = *v;
    if (auto v = c.number(*t, "max_weight_kg", "[assignment]", 50, 1000)) s.max_weight_kg = *v;
    if (s.min_weight_kg >= s.max_weight_kg) c.fail(t->get("max_weight_kg"), "[assignment] max_weight_kg is not above min_weight_kg");
  }

  if (const toml::node* ps = doc.get("person")) {
    const toml::array* arr = ps->as_array();
    if (!arr) c.fail(ps, "people are written as [[person]] tables (double brackets), one per person");
    std::set<std::string> names;
    std::map<int, std::string> slots, profiles;
    std::map<std::string, std::pair<std::string, const toml::node*>> ids;  // id -> (name, where it was set)
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const toml::node& n = *arr->get(i);
      const toml::table* t = n.as_table();
      if (!t) c.fail(&n, "each person must be a [[person]] table");
      Person p = parse_person(*t, n, i, c);
      if (!names.insert(p.name).second) c.fail(t->get("name"), "person '" + p.name + "' is configured twice");
      // Two people with one id would share their topics and Home Assistant entities:
      // their weighings would be merged.
      const toml::node* id_node = t->get("id") ? t->get("id") : t->get("name");
      if (auto [it, fresh] = ids.try_emplace(p.id, p.name, id_node); !fresh) {
        const bool explicit_id = t->get("id") != nullptr;
        c.fail(id_node, "person '" + p.name + "' " + (explicit_id ? "has" : "gets") + " the id '" + p.id +
                            "', as does person '" + it->second.first + "' (" + c.where(*it->second.second) +
                            "): give one of them its own id = \"...\" (a-z, 0-9, _)");
      }
      if (p.scale_user) {
        auto [it, fresh] = slots.emplace(*p.scale_user, p.name);
        if (!fresh)
          c.fail(t->get("scale_user"), "person '" + p.name + "': scale_user " + std::to_string(*p.scale_user) +
                                           " already belongs to '" + it->second + "'");
      }
      if (p.profile_id) {
        auto [it, fresh] = profiles.emplace(*p.profile_id, p.name);
        if (!fresh)
          c.fail(t->get("profile_id"), "person '" + p.name + "': profile_id " + std::to_string(*p.profile_id) +
                                           " already belongs to '" + it->second + "'");
      }
      config.people.push_back(std::move(p));
    }
  }

  // [[device]]: what the receiver must know of one device, by address (its bindkey).
  if (const toml::node* ds = doc.get("device")) {
    const toml::array* arr = ds->as_array();
    if (!arr) c.fail(ds, "devices are written as [[device]] tables (double brackets), one per device");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const toml::node& n = *arr->get(i);
      const toml::table* t = n.as_table();
      if (!t) c.fail(&n, "each device must be a [[device]] table");
      const std::string section = "[[device]] #" + std::to_string(i + 1);
      c.only_keys(*t, {"address", "bindkey", "name"}, section);
      auto address_text = c.string(*t, "address", section);
      if (!address_text) c.fail(&n, section + " needs address = \"AA:BB:CC:DD:EE:FF\"");
      auto address = MacAddress::parse(*address_text);
      if (!address) c.fail(t->get("address"), section + " address '" + *address_text + "' is not a Bluetooth address");
      if (config.device_keys.find(*address)) c.fail(t->get("address"), "device " + address->str() + " is configured twice");
      if (auto key_text = c.string(*t, "bindkey", section)) {
        auto key = parse_bindkey(*key_text);
        if (!key) c.fail(t->get("bindkey"), section + " bindkey must be 32 hex digits (the 16-byte key from the vendor app)");
        config.device_keys.set(*address, *key);
      }
    }
  }

  try {
    parse_gateway_sections(doc, c, config.gateway);
  } catch (const ConfigError& e) {
    config.gateway = {};
    config.gateway_error = e.what();
  }
  try {
    parse_web_section(doc, c, config.web);
  } catch (const ConfigError& e) {
    config.web = {};
    config.web_error = e.what();
  }
  return config;
}

Config load_config(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw ConfigError(path + ": is a directory, not a config file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot read the config file");
  std::stringstream buf;
  buf << in.rdbuf();
  Config config = parse_config(buf.str(), path);
  config.path = path;
  if (config.database_path) config.database_path = resolve_path(*config.database_path, path);
  if (auto& f = config.gateway.mqtt.password_file) f = resolve_path(*f, path);
  // A password others may read is no secret.
  struct stat st {};
  if (!config.gateway.mqtt.connection.password.empty() && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    config.warnings.push_back(path + ": holds the MQTT password ([mqtt] password) and other users may read it (mode " +
                              mode + "): chmod 600 " + path + ", or keep the password in [mqtt] password_file or " +
                              "$DECLOUDER_MQTT_PASSWORD");
  }
  return config;
}

std::string default_config_path() {
  return env_or("XDG_CONFIG_HOME", home() + "/.config") + "/declouder/config.toml";
}

std::string default_database_path() {
  return env_or("XDG_DATA_HOME", home() + "/.local/share") + "/declouder/declouder.db";
}

Config load_command_config(const std::optional<std::string>& option) {
  if (option) return load_config(*option);
  const std::string path = default_config_path();
  std::error_code ec;
  if (fs::exists(path, ec)) return load_config(path);
  return {};
}

std::optional<Person> person_for_conversation(const Config& config, const std::optional<std::string>& name) {
  if (!name) {
    if (config.people.size() == 1) return config.people.front();
    return std::nullopt;
  }
  // By name or by id, like every other --person.
  std::vector<PersonKey> keys;
  for (const Person& p : config.people) keys.push_back({p.name, p.topic_id()});
  try {
    return config.people[choose_person(keys, *name)];
  } catch (const PersonChoiceError& e) {
    throw ConfigError("--person: " + std::string(e.what()) + " in " +
                      (config.path.empty() ? "the config" : config.path));
  }
}

const WebSettings& web_settings(const Config& config) {
  if (config.web_error) throw ConfigError(*config.web_error);
  return config.web;
}

const GatewaySettings& gateway_settings(const Config& config) {
  if (config.gateway_error) throw ConfigError(*config.gateway_error);
  return config.gateway;
}

std::string database_path(const std::optional<std::string>& option, const Config& config) {
  if (option) return *option;
  if (config.database_path) return *config.database_path;
  return default_database_path();
}

}  // namespace declouder
