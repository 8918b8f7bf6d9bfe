// Fuzzes the MQTT URL parser (`--mqtt`, [mqtt] url): any text gives settings
// with a host and a port in range, or an MqttError whose message does not
// depend on the password (so it cannot show it) and stays short; the broker URL
// it shows parses back to the same broker.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "mqtt/client.hpp"

namespace {
std::optional<std::string> error_of(const std::string& url, declouder::MqttSettings& s) {
  try {
    declouder::apply_mqtt_url(url, s);
  } catch (const declouder::MqttError& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

// The same URL with every character of its password replaced, or nothing when it has none.
std::optional<std::string> other_password(const std::string& url) {
  const std::size_t scheme = url.rfind("mqtt://", 0) == 0 ? 7 : url.rfind("mqtts://", 0) == 0 ? 8 : 0;
  std::string rest = url.substr(scheme);
  if (!scheme) return std::nullopt;
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  const std::size_t at = rest.rfind('@');
  if (at == std::string::npos) return std::nullopt;
  const std::size_t colon = rest.find(':');
  if (colon == std::string::npos || colon > at) return std::nullopt;
  std::string other = url;
  for (std::size_t i = scheme + colon + 1; i < scheme + at; ++i) other[i] = other[i] == 'x' ? 'y' : 'x';
  return other;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  declouder::MqttSettings s;
  if (auto error = error_of(text, s)) {
    if (error->size() > 400) __builtin_trap();  // quoted, never echoed whole
    declouder::MqttSettings unused;
    if (auto other = other_password(text); other && error_of(*other, unused) != error) __builtin_trap();
    return 0;
  }
  if (s.host.empty() || s.port < 1 || s.port > 65535) __builtin_trap();
  declouder::MqttSettings again;
  if (error_of(declouder::mqtt_broker_url(s), again)) __builtin_trap();  // what we show must be a URL we read
  if (again.host != s.host || again.port != s.port || again.tls != s.tls) __builtin_trap();
  return 0;
}
