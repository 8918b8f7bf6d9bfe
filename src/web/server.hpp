// The HTTP server of `declouder web` (and of `run` with [web]): Debian's cpp-httplib
// (libcpp-httplib-dev), kept inside server.cpp. It serves the page (web/page.hpp), Chart.js
// from the install (libjs-chart.js: /usr/share/javascript/chart.js, never the internet) and
// hands /api/ to WebApi. With a token every request must carry it (HTTP Basic, any user name
// and the token as password, which the browser asks for; or "Authorization: Bearer TOKEN").
// Requests that change something must come from the page itself (no other site's Origin).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "web/api.hpp"
#include "web/settings.hpp"

namespace declouder {

// The server cannot start: the address is refused (web_refusal) or taken. One line.
struct WebError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class WebServer {
 public:
  WebServer(WebApi& api, WebSettings settings);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Checks the settings, binds and serves from a thread of its own. Throws WebError.
  void start();
  // "http://127.0.0.1:8080/", with the port actually bound (listen port 0: a free one).
  std::string url() const;
  // Stops serving and joins the thread; also done by the destructor.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace declouder
