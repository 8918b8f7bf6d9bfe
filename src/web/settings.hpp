// How the web page is served: `[web]` in the config (docs/config.md, docs/web.md) and
// `declouder web --listen`. Plain values; the config file is parsed in src/app/config.cpp.
#pragma once

#include <optional>
#include <string>

namespace declouder {

struct WebSettings {
  bool configured = false;              // the config has a [web] table: `run` serves the page too
  bool enabled = true;                  // [web] enabled = false: `run` does not
  std::string listen = "127.0.0.1:8080";  // ADDRESS:PORT; port 0: any free port
  std::optional<std::string> token;     // [web] token (or password): required beyond loopback
  std::string assets_dir = "/usr/share/javascript";  // where libjs-chart.js installs Chart.js
};

struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1", "0.0.0.0", "localhost"
  int port = 0;
};
// "127.0.0.1:8080", "[::1]:8080", "localhost:0", "0.0.0.0:80". Nothing for anything else.
std::optional<ListenAddress> parse_listen(const std::string& text);
// True for 127.0.0.0/8, ::1 and "localhost": only this machine can connect.
bool is_loopback(const std::string& host);

// Why these settings must not be served (one line the person can act on), or nothing when
// they may: an address that is not one, or an address beyond loopback without a token.
std::optional<std::string> web_refusal(const WebSettings& s);

}  // namespace declouder
