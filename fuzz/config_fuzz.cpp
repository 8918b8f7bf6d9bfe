// The config file parser on arbitrary text: it must answer with a Config or a
// ConfigError ("FILE:LINE: what"), never crash, hang or throw anything else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "app/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    declouder::Config c = declouder::parse_config(text, "fuzz.toml");
    for (const auto& p : c.people)
      if (p.name.empty() || p.height_cm < 50 || p.height_cm > 250) __builtin_trap();  // validation let it through
  } catch (const declouder::ConfigError&) {
  }
  return 0;
}
