#include "web/settings.hpp"

#include <charconv>

namespace declouder {

std::optional<ListenAddress> parse_listen(const std::string& text) {
  std::string host, port;
  if (text.starts_with("[")) {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty() || port.empty()) return std::nullopt;
  int p = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p < 0 || p > 65535) return std::nullopt;
  return ListenAddress{host, p};
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::optional<std::string> web_refusal(const WebSettings& s) {
  auto where = parse_listen(s.listen);
  if (!where) return "'" + s.listen + "' is not ADDRESS:PORT (for example 127.0.0.1:8080, or [::1]:8080)";
  if (!is_loopback(where->host) && (!s.token || s.token->empty()))
    return "refusing to listen on " + s.listen +
           " without a password: anyone who can reach it could read and change your health data. Set "
           "[web] token = \"...\" in the config (the browser asks for it), or listen on 127.0.0.1";
  return std::nullopt;
}

}  // namespace declouder
