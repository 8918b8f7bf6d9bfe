// Bytes, hex text and bounds-checked readers of little- and big-endian integers.
//
// Every decoder in declouder reads device bytes through ByteReader, so a short
// frame can never be read past its end: the reader answers std::nullopt instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace declouder {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// "0a1B 2c", "0a:1b:2c", "0x0a1b2c" -> bytes. Separators ' ', ':', '-' are
// ignored between byte pairs; anything else, or an odd digit count, is an error.
std::optional<Bytes> parse_hex(std::string_view text);

// Lowercase hex without separators: {0x0a, 0x1b} -> "0a1b".
std::string to_hex(ByteView bytes);

// Lowercase hex with a space between bytes, for people: "0a 1b".
std::string to_hex_spaced(ByteView bytes);

// Integer readers at a fixed offset. They never read outside the span.
inline std::optional<std::uint8_t> u8_at(ByteView b, std::size_t off) {
  if (off >= b.size()) return std::nullopt;
  return b[off];
}
inline std::optional<std::uint16_t> u16le_at(ByteView b, std::size_t off) {
  if (off + 2 > b.size()) return std::nullopt;
  return static_cast<std::uint16_t>(b[off] | (b[off + 1] << 8));
}
inline std::optional<std::uint16_t> u16be_at(ByteView b, std::size_t off) {
  if (off + 2 > b.size()) return std::nullopt;
  return static_cast<std::uint16_t>((b[off] << 8) | b[off + 1]);
}
inline std::optional<std::uint32_t> u24le_at(ByteView b, std::size_t off) {
  if (off + 3 > b.size()) return std::nullopt;
  return static_cast<std::uint32_t>(b[off] | (b[off + 1] << 8) | (b[off + 2] << 16));
}
inline std::optional<std::uint32_t> u24be_at(ByteView b, std::size_t off) {
  if (off + 3 > b.size()) return std::nullopt;
  return static_cast<std::uint32_t>((b[off] << 16) | (b[off + 1] << 8) | b[off + 2]);
}
inline std::optional<std::uint32_t> u32le_at(ByteView b, std::size_t off) {
  if (off + 4 > b.size()) return std::nullopt;
  return static_cast<std::uint32_t>(b[off]) | (static_cast<std::uint32_t>(b[off + 1]) << 8) |
         (static_cast<std::uint32_t>(b[off + 2]) << 16) | (static_cast<std::uint32_t>(b[off + 3]) << 24);
}
inline std::optional<std::uint32_t> u32be_at(ByteView b, std::size_t off) {
  if (off + 4 > b.size()) return std::nullopt;
  return (static_cast<std::uint32_t>(b[off]) << 24) | (static_cast<std::uint32_t>(b[off + 1]) << 16) |
         (static_cast<std::uint32_t>(b[off + 2]) << 8) | static_cast<std::uint32_t>(b[off + 3]);
}

// Unchecked variants, for code that has already checked the length once.
inline std::uint16_t le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
inline std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
inline std::uint32_t le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
inline std::uint32_t be32(const std::uint8_t* p) {
  return (static_cast<std::uint32_t>(p[0]) << 24) | (static_cast<std::uint32_t>(p[1]) << 16) |
         (static_cast<std::uint32_t>(p[2]) << 8) | static_cast<std::uint32_t>(p[3]);
}

// Appenders, for building requests and simulator frames.
inline void put_u8(Bytes& out, std::uint8_t v) { out.push_back(v); }
inline void put_u16le(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
inline void put_u16be(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
inline void put_u24be(Bytes& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
inline void put_u32le(Bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put_u32be(Bytes& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// Checksums that several device families share.
std::uint8_t sum8(ByteView b);   // sum of bytes mod 256
std::uint8_t xor8(ByteView b);   // XOR of bytes

}  // namespace declouder
