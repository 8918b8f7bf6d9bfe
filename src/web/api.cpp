#include "web/api.hpp"

#include <charconv>
#include <map>

#include <nlohmann/json.hpp>

#include "exports/fit.hpp"
#include "exports/measurement_files.hpp"
#include "exports/openscale_csv.hpp"
#include "outputs/measurement_json.hpp"
#include "store/armband_store.hpp"
#include "store/overview.hpp"

namespace declouder {
namespace {

WebResponse json_response(const Json& j, int status = 200) {
  WebResponse r;
  r.status = status;
  r.body = j.dump();
  return r;
}
WebResponse error(int status, const std::string& what) { return json_response(Json{{"error", what}}, status); }

std::optional<std::string> param(const WebRequest& r, const std::string& name) {
  auto it = r.params.find(name);
  if (it == r.params.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// "/api/measurements/42/assign" -> 42 when `path` is prefix + id + suffix.
std::optional<std::int64_t> id_in(const std::string& path, std::string_view prefix, std::string_view suffix) {
  if (!path.starts_with(prefix) || !path.ends_with(suffix) || path.size() <= prefix.size() + suffix.size())
    return std::nullopt;
  std::string_view digits(path.data() + prefix.size(), path.size() - prefix.size() - suffix.size());
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || p != digits.data() + digits.size() || id <= 0) return std::nullopt;
  return id;
}

Json when(std::int64_t unix_us) { return iso8601_utc_s(unix_us / 1000000); }

}  // namespace

std::string person_key(const Person& p) { return p.topic_id(); }

WebApi::WebApi(Database& db, Recorder& recorder, std::vector<Person> people)
    : db_(db), recorder_(recorder), people_(std::move(people)) {}

std::optional<Person> WebApi::find_person(const std::string& key) {
  for (const Person& p : people_)
    if (person_key(p) == key || p.name == key) return p;
  return std::nullopt;
}

WebResponse WebApi::handle(const WebRequest& r) {
  std::lock_guard lock(mutex_);
  try {
    const std::string& path = r.path;
    auto only = [&](const char* method) { return r.method == method; };
    if (path == "/api/people") return only("GET") ? people() : error(405, "GET only");
    if (path == "/api/measurements") return only("GET") ? measurements(r) : error(405, "GET only");
    if (path == "/api/unassigned") return only("GET") ? unassigned() : error(405, "GET only");
    if (path == "/api/devices") return only("GET") ? devices() : error(405, "GET only");
    if (path == "/api/armband") return only("GET") ? armband(r) : error(405, "GET only");
    if (path == "/api/band") return only("GET") ? band(r) : error(405, "GET only");
    if (path == "/api/export") return only("GET") ? download(r) : error(405, "GET only");
    if (auto id = id_in(path, "/api/measurements/", "/assign"))
      return only("POST") ? assign(*id, r) : error(405, "POST only");
    if (auto id = id_in(path, "/api/measurements/", ""))
      return only("DELETE") ? remove(*id) : error(405, "DELETE only");
    return error(404, "no such API: " + path + " (docs/web.md lists them)");
  } catch (const StoreError& e) {
    return error(404, e.what());
  } catch (const DatabaseError& e) {
    return error(500, std::string("database: ") + e.what());
  } catch (const std::exception& e) {  // a bug: said, not a dropped connection
    return error(500, e.what());
  }
}

WebResponse WebApi::people() {
  Json out = Json::array();
  for (const Person& p : people_) {
    const PersonSummary sum = person_summary(db_, p.name);
    Json j = {{"id", person_key(p)},
              {"name", p.name},
              {"sex", sex_name(p.sex)},
              {"birth_date", date_string(p.birth_date)},
              {"height_cm", p.height_cm},
              {"unit", unit_name(p.unit)},
              {"measurements", sum.measurements}};
    j["goal_weight_kg"] = p.goal_weight_kg ? json_number(*p.goal_weight_kg, 3) : Json();
    j["goal_weight"] = p.goal_weight_kg ? json_number(from_kg(*p.goal_weight_kg, p.unit), 2) : Json();
    j["first_measured_at"] = sum.first_us ? when(*sum.first_us) : Json();
    auto latest = sum.latest_id ? recorder_.measurement(*sum.latest_id) : std::nullopt;
    j["latest"] = latest ? measurement_to_json(*latest, p.unit) : Json();
    out.push_back(std::move(j));
  }
  return json_response(out);
}

WebResponse WebApi::measurements(const WebRequest& r) {
  MeasurementQuery q;
  WeightUnit unit = WeightUnit::kg;
  if (auto key = param(r, "person")) {
    auto p = find_person(*key);
    if (!p) return error(404, "no person '" + *key + "' (GET /api/people lists them)");
    q.person = p->name;
    unit = p->unit;
  }
  for (const char* name : {"from", "to"}) {
    if (auto text = param(r, name)) {
      auto t = parse_iso8601_us(*text);
      if (!t) return error(400, std::string(name) + ": '" + *text + "' is not a date (YYYY-MM-DD or ISO 8601)");
      (std::string_view(name) == "from" ? q.from_us : q.to_us) = *t;
    }
  }
  Json out = Json::array();
  for (const Measurement& m : recorder_.measurements(q))
    out.push_back(measurement_to_json(m, q.person ? unit : display_unit(recorder_, m)));
  return json_response(out);
}

WebResponse WebApi::unassigned() {
  Json out = Json::array();
  for (const auto& s : recorder_.stored_measurements({.unassigned_only = true})) {
    Json j = measurement_to_json(s.measurement);
    j["assigned_by"] = s.assigned_by;
    j["source"] = s.source;
    out.push_back(std::move(j));
  }
  return json_response(out);
}

WebResponse WebApi::assign(std::int64_t id, const WebRequest& r) {
  Json body = Json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("person"))
    return error(400, "the body must be JSON: {\"person\": \"ID\"} or {\"person\": null}");
  std::optional<std::string> name;
  if (!body["person"].is_null()) {
    if (!body["person"].is_string()) return error(400, "person: a person's id, or null");
    auto p = find_person(body["person"].get<std::string>());
    if (!p) return error(404, "no person '" + body["person"].get<std::string>() + "'");
    name = p->name;
  }
  auto before = recorder_.measurement(id);
  if (!before) return error(404, "no measurement with id " + std::to_string(id));
  Measurement m = recorder_.assign(id, name ? std::optional<std::string_view>(*name) : std::nullopt);
  Json j = measurement_to_json(m, display_unit(recorder_, m));
  j["previous_person"] = before->person.empty() ? Json() : Json(before->person);
  return json_response(j);
}

WebResponse WebApi::remove(std::int64_t id) {
  Measurement m = recorder_.remove(id);
  Json j = measurement_to_json(m);
  j["deleted"] = true;
  return json_response(j);
}

WebResponse WebApi::devices() {
  Json out = Json::array();
  for (const HeardDevice& d : devices_heard(db_)) {
    Json j = {{"kind", d.kind},
              {"family", d.family},
              {"address", d.address},
              {"name", d.name ? Json(*d.name) : Json()},
              {"first_seen", when(d.first_seen_us)},
              {"last_seen", when(d.last_seen_us)},
              {"battery_percent", d.battery_percent ? Json(*d.battery_percent) : Json()},
              {"readings", d.readings},
              {"measurements", d.measurements}};
    out.push_back(std::move(j));
  }
  return json_response(out);
}

WebResponse WebApi::armband(const WebRequest& r) {
  auto channels = bodybugg::armband_channels(db_);
  auto channel = param(r, "channel");
  if (!channel) return json_response(Json{{"channels", channels}});
  if (std::find(channels.begin(), channels.end(), *channel) == channels.end())
    return error(404, "no armband channel '" + *channel + "' stored");
  auto cal = bodybugg::calibration_from_db(db_);
  auto c = cal.find(*channel);
  Json samples = Json::array();
  for (const auto& s : bodybugg::armband_samples(db_, *channel)) {
    Json value;
    if (s.raw && c != cal.end()) value = static_cast<double>(*s.raw) * c->second.scale + c->second.offset;
    samples.push_back(Json::array({s.time_unix_ms, s.raw ? Json(*s.raw) : Json(), value}));
  }
  return json_response(Json{{"channel", *channel},
                            {"unit", c != cal.end() ? Json(c->second.unit) : Json()},
                            {"columns", {"unix_ms", "raw", "value"}},
                            {"samples", std::move(samples)}});
}

WebResponse WebApi::band(const WebRequest& r) {
  const std::string from = param(r, "from").value_or(""), to = param(r, "to").value_or("");
  std::map<std::string, std::pair<std::map<std::string, int>, Json>> by_band;  // address -> (steps per day, heart rates)
  for (const BandMinute& m : band_minutes(db_, from, to)) {
    auto& [days, hr] = by_band[m.address];
    days[m.minute_local.substr(0, 10)] += m.steps;
    if (hr.is_null()) hr = Json::array();
    if (m.heart_rate) hr.push_back(Json::array({m.minute_local, *m.heart_rate}));
  }
  Json out = Json::array();
  for (auto& [address, data] : by_band) {
    Json days = Json::array();
    for (const auto& [day, steps] : data.first) days.push_back({{"date", day}, {"steps", steps}});
    out.push_back({{"address", address},
                   {"steps_per_day", std::move(days)},
                   {"heart_rate", data.second.is_null() ? Json::array() : std::move(data.second)}});
  }
  return json_response(Json{{"bands", std::move(out)}});
}

WebResponse WebApi::download(const WebRequest& r) {
  const std::string format = param(r, "format").value_or("");
  MeasurementQuery q;
  std::string who = "everyone";
  WeightUnit unit = WeightUnit::kg;
  if (auto key = param(r, "person")) {
    auto p = find_person(*key);
    if (!p) return error(404, "no person '" + *key + "'");
    q.person = p->name;
    who = person_key(*p);
    unit = p->unit;
  }
  auto ms = recorder_.measurements(q);
  WebResponse out;
  if (format == "fit") {
    Bytes b = fit::weight_file(ms, now_unix_us() / 1000000);
    out.body.assign(b.begin(), b.end());
    out.content_type = "application/vnd.ant.fit";
    out.filename = "declouder-" + who + ".fit";
  } else if (format == "openscale-csv") {
    out.body = openscale::write_csv(ms);
    out.content_type = "text/csv";
    out.filename = "declouder-" + who + "-openscale.csv";
  } else if (format == "csv" || format == "json") {
    std::vector<ExportedMeasurement> rows;
    for (auto& m : ms) rows.push_back({m, q.person ? unit : display_unit(recorder_, m)});
    out.body = format == "csv" ? measurements_csv(rows) : measurements_json(rows);
    out.content_type = format == "csv" ? "text/csv" : "application/json";
    out.filename = "declouder-" + who + "." + format;
  } else {
    return error(400, "format: fit, openscale-csv, csv or json");
  }
  return out;
}

}  // namespace declouder
