#include "core/person.hpp"

#include <charconv>
#include <cstdio>

namespace declouder {

int age_on(const CivilTime& birth, std::int64_t unix_us) {
  std::int64_t s = unix_us / 1000000;
  if (unix_us < 0 && unix_us % 1000000) --s;
  const CivilTime today = civil_from_unix(s);
  int age = today.year - birth.year;
  if (today.month < birth.month || (today.month == birth.month && today.day < birth.day)) --age;
  return age;
}

std::string_view sex_name(Sex s) { return s == Sex::male ? "male" : "female"; }

std::optional<Sex> parse_sex(std::string_view s) {
  if (s == "male" || s == "m") return Sex::male;
  if (s == "female" || s == "f") return Sex::female;
  return std::nullopt;
}

std::string date_string(const CivilTime& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::optional<CivilTime> parse_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto num = [&](std::size_t off, std::size_t len) -> std::optional<int> {
    int v = 0;
    auto [p, ec] = std::from_chars(t.data() + off, t.data() + off + len, v);
    if (ec != std::errc() || p != t.data() + off + len) return std::nullopt;
    return v;
  };
  auto y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (!y || !m || !d) return std::nullopt;
  CivilTime c{*y, *m, *d, 0, 0, 0};
  if (!c.valid()) return std::nullopt;
  return c;
}

}  // namespace declouder
