// The web page's JSON API under /api/ (docs/web.md has every route, its parameters and its
// answer). Plain requests in, plain responses out: the HTTP server (web/server.hpp) only
// carries them, so the routes are tested without a socket (tests/web/api_test.cpp).
//
// It reads and changes the store exactly as the commands do: assign and re-assign through
// Recorder::assign (the rules and storage of `declouder assign`), delete through
// Recorder::remove, measurements in the measurement JSON (docs/schema.md) with `weight` in
// the person's unit. People are identified by person_key() (see there).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/person.hpp"
#include "store/database.hpp"
#include "store/recorder.hpp"

namespace declouder {

struct WebRequest {
  std::string method;                         // "GET", "POST", "DELETE"
  std::string path;                           // "/api/measurements"
  std::map<std::string, std::string> params;  // the query string, decoded
  std::string body;                           // POST bodies are JSON
};
struct WebResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string filename;  // set: a download (Content-Disposition: attachment)
};

// How the API names a person in URLs and answers: their id (`[[person]] id`, or the one derived
// from the name: "Anne-Marie" -> "anne_marie"), the same id the MQTT topics and Home Assistant
// entities use.
std::string person_key(const Person& p);

class WebApi {
 public:
  // `people` are the configured people (with their goal weights); `recorder` uses `db`.
  WebApi(Database& db, Recorder& recorder, std::vector<Person> people);
  // Every /api/ route. Unknown routes are 404, wrong methods 405, bad parameters 400, each
  // with {"error": "..."}. Thread-safe: requests are answered one at a time.
  WebResponse handle(const WebRequest& request);

 private:
  WebResponse people();
  WebResponse measurements(const WebRequest& r);
  WebResponse unassigned();
  WebResponse assign(std::int64_t id, const WebRequest& r);
  WebResponse remove(std::int64_t id);
  WebResponse devices();
  WebResponse armband(const WebRequest& r);
  WebResponse band(const WebRequest& r);
  WebResponse download(const WebRequest& r);
  std::optional<Person> find_person(const std::string& key);

  Database& db_;
  Recorder& recorder_;
  std::vector<Person> people_;
  std::mutex mutex_;
};

}  // namespace declouder
