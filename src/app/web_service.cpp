#include "app/web_service.hpp"

#include "app/cli.hpp"

namespace declouder {

std::unique_ptr<WebService> start_web_service(const Config& config, const std::string& database_path,
                                              const WebSettings& settings) {
  auto s = std::make_unique<WebService>();
  try {
    s->database = std::make_unique<Database>(database_path);
    s->recorder = std::make_unique<Recorder>(*s->database, config.recorder);
  } catch (const DatabaseError& e) {
    throw CommandError(e.what());
  }
  // The configured people; without a config file, the people stored earlier.
  std::vector<Person> people = config.people;
  if (config.path.empty()) people = s->recorder->people();
  s->api = std::make_unique<WebApi>(*s->database, *s->recorder, std::move(people));
  s->server = std::make_unique<WebServer>(*s->api, settings);
  try {
    s->server->start();
  } catch (const WebError& e) {
    throw CommandError(e.what());
  }
  return s;
}

}  // namespace declouder
