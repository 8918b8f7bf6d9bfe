// Assignment: whose weighing is this? Rules, in order:
//
//   0. the scale's profile, when the reading has one (Xiaomi S400/S200/S800: the Mi Home
//      profile the scale recognised) and a person is configured with that `profile_id`.
//      When anybody has a `profile_id`, a reading's profile is not read as a user slot as
//      well (those scales report one number, the decoder gives it both names): a profile
//      nobody has falls through to rule 2;
//   1. the scale's own user slot, when the reading has one and exactly one
//      person is configured with that `scale_user`;
//   2. a configured weight window: exactly one person's window contains the
//      weight (when several do, rule 3 decides between them only);
//   3. the nearest previous weight: among the remaining candidates (people
//      whose window contains the weight, or, when none does, people without a
//      window), those whose latest earlier weight is within the tolerance; it
//      must be exactly one;
//   4. otherwise the weighing stays unassigned (kept, listed by
//      `declouder assign`). Ties and ambiguities are never guessed.
//
// A pure function: the store supplies each person's latest earlier weight.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "core/person.hpp"

namespace declouder {

struct AssignmentSettings {
  // A previous weight matches when the new weight is within
  // max(tolerance_kg, tolerance_percent % of the previous weight).
  double tolerance_kg = 3.0;
  double tolerance_percent = 3.0;
};

struct PreviousWeight {
  std::string person;
  double weight_kg = 0;
};

struct Assignment {
  std::optional<std::string> person;  // empty: unassigned
  std::string reason;  // "scale profile 1", "scale user slot 2", "weight window", "previous weight 72.1 kg", "unassigned: ..."
};

Assignment assign_person(double weight_kg, std::optional<int> user_slot, std::span<const Person> people,
                         std::span<const PreviousWeight> previous, const AssignmentSettings& settings,
                         std::optional<int> profile_id = std::nullopt);

}  // namespace declouder
