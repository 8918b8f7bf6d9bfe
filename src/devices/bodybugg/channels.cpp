#include "devices/bodybugg/channels.hpp"

#include <array>

namespace declouder::bodybugg {
namespace {

constexpr std::array<std::string_view, 42> kNames = {
    "RAWACCFW", "RAWTSKIN", "RAWGSR",   "RAWACCTR", "RAWACCLO", "RAWVBAT",  "RAWTCOV",  "RAWON",
    "EE",       "MOVTSKIN", "MOVGSR",   "MOVACCTR", "MOVACCLO", "MOVVBAT",  "MOVTCOV",  "MOVON",
    "MADACCTR", "MADACCLO", "F0CROSS",  "HRATE",    "PEDO3",    "PLATEAU",  "MADECG",   "TRPEAKS",
    "MOVTHETA", "FWPEAKS",  "FCOUNT",   "MOVACCFW", "MADACCFW", "TCOUNT",   "LCOUNT",   "PEDO3TOE",
    "TIMESTMP", "HEARTBT",  "T0CROSS",  "L0CROSS",  "RAWECG",   "LOGSWEEP", "MADTHETA", "LOPEAKS",
    "COMPGSR",  "RAWCGSR"};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::uint16_t> sample(unsigned v) {
  if (v == kNoData) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

}  // namespace

std::string_view channel_name(std::uint8_t id) {
  if (id < kNames.size()) return kNames[id];
  if (id == kTimestampChannel) return "TIMESTMP";
  if (id == kDiagnosticChannel) return "DIAGNSTC";
  return {};
}

std::optional<std::uint8_t> channel_id(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<std::uint8_t>(i);
  if (name == "DIAGNSTC") return kDiagnosticChannel;
  return std::nullopt;
}

NibbleDecode samples_from_hex_digits(std::string_view digits) {
  NibbleDecode out;
  out.samples.reserve(digits.size() / 3);
  std::size_t i = 0;
  for (; i + 3 <= digits.size(); i += 3) {
    int a = hex_value(digits[i]), b = hex_value(digits[i + 1]), c = hex_value(digits[i + 2]);
    if (a < 0 || b < 0 || c < 0) {
      out.error_at = i + (a < 0 ? 0 : b < 0 ? 1 : 2);
      return out;
    }
    out.samples.push_back(sample(static_cast<unsigned>((a << 8) | (b << 4) | c)));
  }
  if (i != digits.size()) out.error_at = i;  // 1 or 2 digits left: a partial sample
  return out;
}

std::vector<std::optional<std::uint16_t>> samples_from_bytes(ByteView bytes, std::size_t count) {
  std::vector<std::optional<std::uint16_t>> out;
  out.reserve(count);
  auto nibble = [&](std::size_t n) -> unsigned {
    std::uint8_t b = bytes[n / 2];
    return (n % 2 == 0) ? (b >> 4) : (b & 0x0F);
  };
  for (std::size_t k = 0; k < count; ++k) {
    std::size_t n = 3 * k;
    out.push_back(sample((nibble(n) << 8) | (nibble(n + 1) << 4) | nibble(n + 2)));
  }
  return out;
}

std::string samples_to_hex_digits(const std::vector<std::optional<std::uint16_t>>& samples) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(samples.size() * 3);
  for (const auto& s : samples) {
    unsigned v = s ? (*s & 0xFFF) : kNoData;
    out += kDigits[(v >> 8) & 0xF];
    out += kDigits[(v >> 4) & 0xF];
    out += kDigits[v & 0xF];
  }
  return out;
}

Bytes samples_to_bytes(const std::vector<std::optional<std::uint16_t>>& samples) {
  std::vector<std::uint8_t> nibbles;
  for (const auto& s : samples) {
    unsigned v = s ? (*s & 0xFFF) : kNoData;
    nibbles.push_back(static_cast<std::uint8_t>((v >> 8) & 0xF));
    nibbles.push_back(static_cast<std::uint8_t>((v >> 4) & 0xF));
    nibbles.push_back(static_cast<std::uint8_t>(v & 0xF));
  }
  if (nibbles.size() % 2) nibbles.push_back(0xF);
  Bytes out;
  for (std::size_t i = 0; i < nibbles.size(); i += 2) out.push_back(static_cast<std::uint8_t>((nibbles[i] << 4) | nibbles[i + 1]));
  return out;
}

}  // namespace declouder::bodybugg
