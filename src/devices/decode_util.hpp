// Small helpers shared by the family decoders: unit-aware weights, clocks from
// the two ways scales count time, and case-insensitive name matching. Nothing
// here allocates, so decoders stay allocation-free on the advertisement path.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/reading.hpp"
#include "core/time.hpp"

namespace declouder::decode_util {

// A weight the device sent in `unit`: stored in kg, `unit` kept as what it displayed.
inline void set_weight(Reading& r, double value_in_unit, WeightUnit unit) {
  r.unit = unit;
  r.weight_kg = to_kg(value_in_unit, unit);
}

// A device that counts Unix seconds (UTC).
inline DeviceClock unix_clock(std::int64_t unix_seconds) {
  DeviceClock c;
  c.civil = civil_from_unix(unix_seconds);
  c.utc = true;
  return c;
}

// A scale's own wall clock (no zone); nothing when a field is out of range.
inline std::optional<DeviceClock> wall_clock(int year, int month, int day, int hour, int minute, int second) {
  DeviceClock c;
  c.civil = {year, month, day, hour, minute, second};
  if (!c.civil.valid()) return std::nullopt;
  return c;
}

inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool equals_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

inline bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && equals_ci(s.substr(0, prefix.size()), prefix);
}

inline bool contains_ci(std::string_view s, std::string_view needle) {
  if (needle.size() > s.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= s.size(); ++i)
    if (equals_ci(s.substr(i, needle.size()), needle)) return true;
  return false;
}

// Impedances outside this window are placeholders (0, 0xFFFD, 0xFFFF...) or
// contact failures, not a body (lolouk44/xiaomi_mi_scale accepts below 3000 ohm).
inline bool plausible_impedance(double ohm) { return ohm > 0 && ohm < 3000; }

}  // namespace declouder::decode_util
