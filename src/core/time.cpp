#include "core/time.hpp"

#include <chrono>
#include <cstdio>

namespace declouder {

std::int64_t now_unix_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

bool CivilTime::valid() const {
  static constexpr int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return false;
  if (day < 1 || day > mdays[month - 1]) return false;
  if (month == 2 && day == 29) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (!leap) return false;
  }
  return hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 61;
}

// Howard Hinnant's days_from_civil algorithm (public domain description).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilTime civil_from_unix(std::int64_t s) {
  std::int64_t days = s / 86400;
  std::int64_t rem = s % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  CivilTime t;
  t.year = static_cast<int>(y + (m <= 2));
  t.month = static_cast<int>(m);
  t.day = static_cast<int>(d);
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem % 3600 / 60);
  t.second = static_cast<int>(rem % 60);
  return t;
}

std::int64_t unix_from_civil(const CivilTime& t) {
  return days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

std::string iso8601(const DeviceClock& c) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%s", c.civil.year, c.civil.month, c.civil.day,
                c.civil.hour, c.civil.minute, c.civil.second, c.utc ? "Z" : "");
  return buf;
}

std::string iso8601_utc_us(std::int64_t unix_us) {
  std::int64_t s = unix_us / 1000000;
  std::int64_t us = unix_us % 1000000;
  if (us < 0) {
    us += 1000000;
    s -= 1;
  }
  CivilTime t = civil_from_unix(s);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", t.year, t.month, t.day, t.hour, t.minute,
                t.second, static_cast<long long>(us));
  return buf;
}

std::string iso8601_utc_s(std::int64_t unix_seconds) {
  DeviceClock c;
  c.civil = civil_from_unix(unix_seconds);
  c.utc = true;
  return iso8601(c);
}

std::optional<std::int64_t> parse_iso8601_us(std::string_view s) {
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<int> {
    if (pos + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      char c = s[pos + i];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  CivilTime t;
  auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
  if (!y || !mo || !d || s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  t.year = *y;
  t.month = *mo;
  t.day = *d;
  std::size_t pos = 10;
  std::int64_t frac_us = 0;
  std::int64_t offset_s = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != ' ') return std::nullopt;
    auto h = digits(pos + 1, 2), mi = digits(pos + 4, 2);
    if (!h || !mi || s[pos + 3] != ':') return std::nullopt;
    t.hour = *h;
    t.minute = *mi;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      auto se = digits(pos + 1, 2);
      if (!se) return std::nullopt;
      t.second = *se;
      pos += 3;
    }
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      int n = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (n < 6) frac_us = frac_us * 10 + (s[pos] - '0');
        ++n;
        ++pos;
      }
      if (n == 0) return std::nullopt;
      for (int i = n; i < 6; ++i) frac_us *= 10;
    }
    if (pos < s.size()) {
      if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
      } else if (s[pos] == '+' || s[pos] == '-') {
        int sign = s[pos] == '-' ? -1 : 1;
        auto oh = digits(pos + 1, 2);
        if (!oh) return std::nullopt;
        std::size_t p2 = pos + 3;
        if (p2 < s.size() && s[p2] == ':') ++p2;
        auto om = digits(p2, 2);
        if (!om) return std::nullopt;
        offset_s = sign * (*oh * 3600 + *om * 60);
        pos = p2 + 2;
      }
    }
    if (pos != s.size()) return std::nullopt;
  }
  if (!t.valid()) return std::nullopt;
  return (unix_from_civil(t) - offset_s) * 1000000 + frac_us;
}

}  // namespace declouder
