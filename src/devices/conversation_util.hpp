// What scales' conversations write: the person weighing and the wall clock.
//
// person_profile(): height, age, sex, unit and user slot from the ConversationContext: the configured person when the gateway or `read` knows
// who it is, otherwise a neutral adult (170 cm, 30 years, male, kg) so that the scale still
// weighs; a scale computes its own body composition from these, declouder computes its own
// from the person it later assigns the weighing to.
#pragma once

#include <algorithm>
#include <ctime>

#include "devices/descriptor.hpp"

namespace declouder {

struct PersonProfile {
  int height_cm = 170;
  int age = 30;
  bool male = true;
  WeightUnit unit = WeightUnit::kg;
  int slot = 1;        // the scale's user number: the person's scale_user, else the context's slot
  bool known = false;  // from a configured person, not the defaults
};

inline PersonProfile person_profile(const ConversationContext& c) {
  PersonProfile p;
  p.slot = std::clamp(c.user.slot, 1, 255);
  if (!c.person) return p;
  p.known = true;
  // The person's own number on scales with users; the context's slot is the standard scale's
  // consent slot (`standard_scale_user`), which may be another.
  if (c.person->scale_user) p.slot = std::clamp(*c.person->scale_user, 1, 255);
  if (c.person->height_cm > 0) p.height_cm = std::clamp(static_cast<int>(c.person->height_cm + 0.5), 50, 250);
  const int age = age_on(c.person->birth_date, c.unix_now * 1000000);
  if (age > 0) p.age = std::clamp(age, 5, 99);
  p.male = c.person->sex != Sex::female;
  p.unit = c.person->unit == WeightUnit::jin ? WeightUnit::kg : c.person->unit;
  return p;
}

// The local wall clock at `unix_seconds`, for scales that keep one (they show it and stamp
// their stored weighings with it; their decoders read it back as a clock without a zone).
inline CivilTime local_wall_clock(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (!localtime_r(&t, &tm)) return civil_from_unix(unix_seconds);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
}

// The step that waits for a scale's final weighing: a decoded, stabilized value is the weighing,
// stamped with the scale's address and emitted (the step is done); anything else (a live weight,
// a frame of another kind) gives `otherwise`: `more` where it counts as progress, `ignore`
// where it does not.
inline Verdict emit_when_final(DecodeOutcome o, const GattValue& v, SessionContext& ctx, Verdict otherwise) {
  if (!o.ok() || !o.reading.stabilized) return otherwise;
  o.reading.address = v.address;
  ctx.emit(o.reading, v.value);
  return Verdict::done;
}

}  // namespace declouder
