// Time: receive times are Unix microseconds (UTC); device clocks are civil dates
// that may be local wall time (most scales) or UTC (devices that count Unix seconds).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace declouder {

// Unix microseconds, wall clock.
std::int64_t now_unix_us();

struct CivilTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;

  bool valid() const;  // month/day/hour/minute/second within range
  auto operator<=>(const CivilTime&) const = default;
};

// Proleptic Gregorian conversions (no time zone involved).
std::int64_t days_from_civil(int y, int m, int d);
CivilTime civil_from_unix(std::int64_t unix_seconds);
std::int64_t unix_from_civil(const CivilTime& t);

// The clock a device reported with a reading.
struct DeviceClock {
  CivilTime civil;
  // true: the device counts UTC (Unix seconds); false: the scale's own wall clock
  // (set to local time by the vendor app) with no zone information.
  bool utc = false;
  // The device's clock was never set (a Mi scale reports 1970 then).
  bool unset = false;
};

// "2024-03-17T19:59:33Z" for UTC clocks, "2016-12-20T13:28:04" for wall clocks.
std::string iso8601(const DeviceClock& c);
// "2024-03-17T19:59:33.123456Z"
std::string iso8601_utc_us(std::int64_t unix_us);
// "2024-03-17T19:59:33Z"
std::string iso8601_utc_s(std::int64_t unix_seconds);

// Parses "YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+hh:mm|-hh:mm]" or "YYYY-MM-DD".
// A time without zone is taken as UTC. Returns Unix microseconds.
std::optional<std::int64_t> parse_iso8601_us(std::string_view text);

}  // namespace declouder
