// The web page as a service of the program: its own connection to the database, its own
// Recorder, the API and the HTTP server. `declouder web` runs one; `declouder run` runs one
// beside the gateway when the config has a [web] table.
#pragma once

#include <memory>
#include <string>

#include "app/config.hpp"
#include "store/database.hpp"
#include "store/recorder.hpp"
#include "web/api.hpp"
#include "web/server.hpp"

namespace declouder {

struct WebService {
  std::unique_ptr<Database> database;
  std::unique_ptr<Recorder> recorder;
  std::unique_ptr<WebApi> api;
  std::unique_ptr<WebServer> server;
};

// Opens `database_path` again for the page and starts serving it with `settings`.
// Throws CommandError (a refused address, one taken, a database problem).
std::unique_ptr<WebService> start_web_service(const Config& config, const std::string& database_path,
                                              const WebSettings& settings);

}  // namespace declouder
