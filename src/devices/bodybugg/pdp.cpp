#include "devices/bodybugg/pdp.hpp"

#include <charconv>
#include <cstdio>

#include "devices/bodybugg/channels.hpp"

namespace declouder::bodybugg {
namespace {

constexpr std::string_view kSessionBegin = "SESSION-BEGIN";
constexpr std::size_t kInfoLength = 51;

std::optional<std::uint32_t> hex_field(std::string_view info, std::size_t off, std::size_t len) {
  std::uint32_t v = 0;
  auto [p, ec] = std::from_chars(info.data() + off, info.data() + off + len, v, 16);
  if (ec != std::errc() || p != info.data() + off + len) return std::nullopt;
  return v;
}

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

template <typename T>
bool parse_int(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// "1353341145.120" -> ms; also accepts whole seconds. The armband counts time
// in 32-bit Unix seconds, so anything negative or past 2^32 is not a timestamp
// (and would overflow when turned into milliseconds).
std::optional<std::int64_t> parse_seconds_millis(std::string_view s) {
  auto dot = s.find('.');
  std::int64_t secs = 0;
  if (!parse_int(s.substr(0, dot), secs)) return std::nullopt;
  if (secs < 0 || secs > std::int64_t{0xFFFFFFFF}) return std::nullopt;
  std::int64_t ms = 0;
  if (dot != std::string_view::npos) {
    std::string_view frac = s.substr(dot + 1);
    if (frac.empty() || frac.size() > 3) return std::nullopt;
    std::int64_t f = 0;
    if (!parse_int(frac, f)) return std::nullopt;
    for (std::size_t i = frac.size(); i < 3; ++i) f *= 10;
    ms = f;
  }
  return secs * 1000 + ms;
}

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Parses a header line; returns a reason on failure.
std::optional<std::string> parse_header(std::string_view line, PdpSession& s) {
  line.remove_prefix(kSessionBegin.size());
  auto us = line.find('_');
  if (us == std::string_view::npos || us < 4) return "session header without the '_' before its info field";
  s.format_version = std::string(line.substr(0, 4));
  s.model = std::string(line.substr(4, us - 4));
  std::string_view rest = line.substr(us + 1);
  if (rest.size() < kInfoLength) return "session header info field shorter than 51 characters";
  std::string_view info = rest.substr(0, kInfoLength);
  for (char c : info)
    if (!is_lower_hex(c)) return "session header info field is not lowercase hex";
  s.info_hex = std::string(info);
  std::string_view name = rest.substr(kInfoLength);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  if (name.empty()) return "session header without a channel name";
  s.channel = std::string(name);
  s.device_address = *hex_field(info, 7, 8);
  s.epoch = *hex_field(info, 15, 8);
  s.channel_id = static_cast<std::uint8_t>(*hex_field(info, 31, 2));
  s.sample_bits = static_cast<std::uint8_t>(*hex_field(info, 33, 2));
  s.declared_count = *hex_field(info, 35, 8);
  s.tick_rate = static_cast<std::uint16_t>(*hex_field(info, 43, 4));
  s.divisor = static_cast<std::uint16_t>(*hex_field(info, 47, 4));
  if (!s.is_timestamps() && !s.is_diagnostics() && s.sample_bits != 12)
    return "session " + s.channel + ": unsupported sample width of " + std::to_string(s.sample_bits) + " bits";
  return std::nullopt;
}

}  // namespace

std::size_t PdpSession::entry_count() const {
  if (is_timestamps()) return timestamps_ms.size();
  if (is_diagnostics()) return diagnostics.size();
  return samples.size();
}

PdpDump parse_pdp(std::string_view text) {
  PdpDump out;
  PdpSession* cur = nullptr;
  std::size_t pos = 0, line_no = 0;
  auto fail = [&](std::size_t offset, std::string reason) {
    out.error = PdpParseError{offset, line_no, std::move(reason)};
    return out;
  };
  auto close_session = [&]() -> std::optional<std::string> {
    if (!cur) return std::nullopt;
    cur->complete = cur->entry_count() == cur->declared_count;
    if (!cur->complete)
      return "session " + cur->channel + " (line " + std::to_string(cur->line) + ") declares " +
             std::to_string(cur->declared_count) + " entries but holds " + std::to_string(cur->entry_count());
    return std::nullopt;
  };
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no;
    const std::size_t line_offset = pos;
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line.empty()) continue;

    if (line.starts_with(kSessionBegin)) {
      if (auto why = close_session()) return fail(line_offset, *why);
      PdpSession s;
      s.byte_offset = line_offset;
      s.line = line_no;
      if (auto why = parse_header(line, s)) return fail(line_offset, *why);
      out.sessions.push_back(std::move(s));
      cur = &out.sessions.back();
      continue;
    }
    if (!cur) return fail(line_offset, "data before the first SESSION-BEGIN header");

    if (cur->is_timestamps()) {
      auto ms = parse_seconds_millis(line);
      if (!ms) return fail(line_offset, "TIMESTMP line is not 32-bit Unix seconds.millis: '" + std::string(line.substr(0, 40)) + "'");
      cur->timestamps_ms.push_back(*ms);
    } else if (cur->is_diagnostics()) {
      auto f = split_spaces(line);
      DiagnosticEntry d;
      if (f.size() != 3 || !parse_int(f[0], d.unix_seconds) || !parse_int(f[1], d.i) || !parse_int(f[2], d.j))
        return fail(line_offset, "DIAGNSTC line is not three numbers: '" + std::string(line.substr(0, 40)) + "'");
      cur->diagnostics.push_back(d);
    } else {
      auto dec = samples_from_hex_digits(line);
      for (auto& v : dec.samples) cur->samples.push_back(v);
      if (dec.error_at != std::string_view::npos) {
        std::size_t at = line_offset + dec.error_at;
        bool partial = dec.error_at + 3 > line.size();
        if (partial) return fail(at, "session " + cur->channel + ": line ends in the middle of a 12-bit sample");
        return fail(at, "session " + cur->channel + ": '" + std::string(1, line[dec.error_at]) + "' is not a hex digit");
      }
    }
  }
  if (auto why = close_session()) return fail(text.size(), *why + " (the dump ends early)");
  return out;
}

std::string format_pdp_session(const PdpSession& s) {
  char info[64];
  std::snprintf(info, sizeof info, "0000000%08x%08x00000000%02x%02x%08x%04x%04x", s.device_address,
                static_cast<unsigned>(s.epoch), s.channel_id, s.sample_bits, static_cast<unsigned>(s.entry_count()),
                s.tick_rate, s.divisor);
  std::string name = s.channel;
  if (name.size() < 8) name.append(8 - name.size(), ' ');
  std::string out = std::string(kSessionBegin) + s.format_version + s.model + "_" + info + name + "\r\n";
  if (s.is_timestamps()) {
    for (auto ms : s.timestamps_ms) {
      char b[40];
      std::snprintf(b, sizeof b, "%lld.%03lld\n", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
      out += b;
    }
  } else if (s.is_diagnostics()) {
    for (const auto& d : s.diagnostics)
      out += std::to_string(d.unix_seconds) + " " + std::to_string(d.i) + " " + std::to_string(d.j) + "\n";
  } else {
    out += samples_to_hex_digits(s.samples) + "\r\n";
  }
  return out;
}

}  // namespace declouder::bodybugg
