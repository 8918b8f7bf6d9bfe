#include "core/toml_text.hpp"

namespace declouder {

std::optional<std::size_t> non_ascii_outside_strings(std::string_view t) {
  enum { normal, comment, basic, literal, ml_basic, ml_literal } state = normal;
  std::size_t line = 1;
  char prev = '\n';  // the last significant character outside strings and comments
  auto at = [&](std::size_t i, std::string_view s) { return t.substr(i, s.size()) == s; };
  // In valid TOML a string (key or value) starts at a line start or after one of these.
  auto string_may_start = [&] { return prev == '\n' || prev == '=' || prev == '[' || prev == ',' || prev == '{' || prev == '.'; };
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    const bool high = static_cast<unsigned char>(c) >= 0x80;
    const bool escaped_high = c == '\\' && i + 1 < t.size() && static_cast<unsigned char>(t[i + 1]) >= 0x80;
    if (c == '\n') ++line;
    switch (state) {
      case normal:
        if (high) return line;
        if (c == '#') {
          state = comment;
        } else if ((c == '"' || c == '\'') && string_may_start()) {
          if (at(i, "\"\"\"")) state = ml_basic, i += 2;
          else if (at(i, "'''")) state = ml_literal, i += 2;
          else state = c == '"' ? basic : literal;
        } else if (c != ' ' && c != '\t' && c != '\r') {
          prev = c;
        }
        break;
      case comment:
        if (c == '\n') state = normal, prev = '\n';
        break;
      case basic:
        if (escaped_high) return line;
        if (c == '\\' && i + 1 < t.size() && t[i + 1] != '\n') ++i;
        else if (c == '"' || c == '\n') state = normal, prev = c == '"' ? 'v' : '\n';
        break;
      case literal:
        if (c == '\'' || c == '\n') state = normal, prev = c == '\'' ? 'v' : '\n';
        break;
      case ml_basic:
        if (escaped_high) return line;
        if (c == '\\' && i + 1 < t.size() && t[i + 1] != '\n') ++i;
        else if (at(i, "\"\"\"")) state = normal, prev = 'v', i += 2;
        break;
      case ml_literal:
        if (at(i, "'''")) state = normal, prev = 'v', i += 2;
        break;
    }
  }
  return std::nullopt;
}

std::string ascii_skeleton(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  for (char c : t) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80)
      out.push_back(c);
    else if ((b & 0xC0) != 0x80)  // a lead byte (continuation bytes are dropped)
      out.push_back('x');
  }
  return out;
}

}  // namespace declouder
