#include "body/assignment.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace declouder {

namespace {

std::string kg_text(double kg) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f kg", kg);
  return buf;
}

std::string names(const std::vector<const Person*>& ps) {
  std::string out;
  for (std::size_t i = 0; i < ps.size(); ++i) out += (i ? (i + 1 == ps.size() ? " and " : ", ") : "") + ps[i]->name;
  return out;
}

}  // namespace

Assignment assign_person(double weight_kg, std::optional<int> user_slot, std::span<const Person> people,
                         std::span<const PreviousWeight> previous, const AssignmentSettings& settings,
                         std::optional<int> profile_id) {
  // 0. The scale's profile, for people who said which is theirs.
  if (profile_id && std::any_of(people.begin(), people.end(), [](const Person& p) { return p.profile_id.has_value(); })) {
    for (const Person& p : people)
      if (p.profile_id == profile_id) return {p.name, "scale profile " + std::to_string(*profile_id)};
    user_slot.reset();  // the same number: not a slot of anybody's other scales
  }

  // 1. The scale's own user slot.
  if (user_slot) {
    std::vector<const Person*> slot;
    for (const Person& p : people)
      if (p.scale_user == user_slot) slot.push_back(&p);
    if (slot.size() == 1) return {slot[0]->name, "scale user slot " + std::to_string(*user_slot)};
    if (slot.size() > 1)
      return {std::nullopt, "unassigned: scale user slot " + std::to_string(*user_slot) + " belongs to " + names(slot)};
  }

  // 2. Weight windows.
  std::vector<const Person*> in_window;
  for (const Person& p : people)
    if (p.in_window(weight_kg)) in_window.push_back(&p);
  if (in_window.size() == 1) return {in_window[0]->name, "weight window"};

  // 3. The nearest previous weight, among the window matches when several
  // windows overlap, else among the people without a window.
  std::vector<const Person*> candidates = in_window;
  if (candidates.empty())
    for (const Person& p : people)
      if (!p.has_window()) candidates.push_back(&p);

  std::vector<const Person*> close;
  const PreviousWeight* closest = nullptr;
  for (const Person* p : candidates) {
    auto prev = std::find_if(previous.begin(), previous.end(), [&](const PreviousWeight& w) { return w.person == p->name; });
    if (prev == previous.end()) continue;
    const double tolerance = std::max(settings.tolerance_kg, prev->weight_kg * settings.tolerance_percent / 100.0);
    if (std::fabs(weight_kg - prev->weight_kg) <= tolerance) {
      close.push_back(p);
      closest = &*prev;
    }
  }
  if (close.size() == 1) return {close[0]->name, "previous weight " + kg_text(closest->weight_kg)};
  if (close.size() > 1)
    return {std::nullopt, "unassigned: previous weights of " + names(close) + " are all within tolerance"};
  if (in_window.size() > 1)
    return {std::nullopt, "unassigned: weight windows of " + names(in_window) + " overlap"};
  return {std::nullopt, "unassigned: no user slot, window or previous weight matches " + kg_text(weight_kg)};
}

}  // namespace declouder
