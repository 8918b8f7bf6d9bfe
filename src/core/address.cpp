#include "core/address.hpp"

namespace declouder {

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c == ':' || c == '-') continue;
    digits.push_back(c);
  }
  if (digits.size() != 12) return std::nullopt;
  auto bytes = parse_hex(digits);
  if (!bytes || bytes->size() != 6) return std::nullopt;
  // Separators, if any, must sit between octets: "AA:BB:..." (17 chars) or none.
  if (text.size() != 12 && text.size() != 17) return std::nullopt;
  if (text.size() == 17) {
    for (std::size_t i = 2; i < 17; i += 3)
      if (text[i] != ':' && text[i] != '-') return std::nullopt;
  }
  MacAddress m;
  for (int i = 0; i < 6; ++i) m.bytes[i] = (*bytes)[i];
  return m;
}

MacAddress MacAddress::from_le(const std::uint8_t* p) {
  MacAddress m;
  for (int i = 0; i < 6; ++i) m.bytes[i] = p[5 - i];
  return m;
}

MacAddress MacAddress::from_be(const std::uint8_t* p) {
  MacAddress m;
  for (int i = 0; i < 6; ++i) m.bytes[i] = p[i];
  return m;
}

std::string MacAddress::str() const {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string s(17, ':');
  for (int i = 0; i < 6; ++i) {
    s[3 * i] = digits[bytes[i] >> 4];
    s[3 * i + 1] = digits[bytes[i] & 0xF];
  }
  return s;
}

std::string MacAddress::dbus_path_part() const {
  std::string s = str();
  for (auto& c : s)
    if (c == ':') c = '_';
  return s;
}

}  // namespace declouder
