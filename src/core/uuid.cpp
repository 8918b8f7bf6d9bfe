#include "core/uuid.hpp"

#include <cctype>

#include "core/bytes.hpp"

namespace declouder {

namespace {
// 00000000-0000-1000-8000-00805f9b34fb
constexpr std::array<std::uint8_t, 16> kBase = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
                                                0x80, 0x00, 0x00, 0x80, 0x5f, 0x9b, 0x34, 0xfb};
}

Uuid Uuid::from16(std::uint16_t v) { return from32(v); }

Uuid Uuid::from32(std::uint32_t v) {
  Uuid u;
  u.bytes = kBase;
  u.bytes[0] = static_cast<std::uint8_t>(v >> 24);
  u.bytes[1] = static_cast<std::uint8_t>(v >> 16);
  u.bytes[2] = static_cast<std::uint8_t>(v >> 8);
  u.bytes[3] = static_cast<std::uint8_t>(v);
  return u;
}

Uuid Uuid::from_le128(const std::uint8_t* p) {
  Uuid u;
  for (int i = 0; i < 16; ++i) u.bytes[i] = p[15 - i];
  return u;
}

namespace {
// Exactly 2 * n hex digits, nothing else: parse_hex() also takes separators and a second
// "0x", which would give fewer bytes than the UUID form promises.
std::optional<Bytes> hex_digits(std::string_view text, std::size_t n) {
  if (text.size() != 2 * n) return std::nullopt;
  for (char c : text)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
  return parse_hex(text);
}
}  // namespace

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
  if (text.size() == 4 || text.size() == 8) {
    auto b = hex_digits(text, text.size() / 2);
    if (!b) return std::nullopt;
    std::uint32_t v = 0;
    for (auto x : *b) v = (v << 8) | x;
    return from32(v);
  }
  std::string digits;
  if (text.size() == 36) {
    for (std::size_t i : {8u, 13u, 18u, 23u})
      if (text[i] != '-') return std::nullopt;
    for (std::size_t i = 0; i < text.size(); ++i)
      if (i != 8 && i != 13 && i != 18 && i != 23) digits.push_back(text[i]);
  } else if (text.size() == 32) {
    digits = text;
  } else {
    return std::nullopt;
  }
  auto b = hex_digits(digits, 16);
  if (!b) return std::nullopt;
  Uuid u;
  for (int i = 0; i < 16; ++i) u.bytes[i] = (*b)[i];
  return u;
}

std::string Uuid::str() const {
  std::string hex = to_hex(ByteView(bytes.data(), bytes.size()));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

std::string Uuid::short_str() const {
  if (is16()) return to_hex(ByteView(bytes.data() + 2, 2));
  return str();
}

}  // namespace declouder
