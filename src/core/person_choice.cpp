#include "core/person_choice.hpp"

#include <optional>

namespace declouder {

std::size_t choose_person(std::span<const PersonKey> people, std::string_view given) {
  std::optional<std::size_t> by_name, by_id;
  for (std::size_t i = 0; i < people.size(); ++i) {
    if (people[i].name == given) by_name = i;
    if (people[i].id == given) by_id = i;
  }
  if (by_name && by_id && *by_name != *by_id)
    throw PersonChoiceError("'" + std::string(given) + "' is the name of " + people[*by_name].name + " (id " +
                            people[*by_name].id + ") and the id of " + people[*by_id].name + ": say " +
                            people[*by_name].id + " for the one, " + people[*by_id].name + " for the other");
  if (by_name) return *by_name;
  if (by_id) return *by_id;
  std::string known;
  for (const PersonKey& p : people) known += (known.empty() ? "" : ", ") + p.name + " (id " + p.id + ")";
  // Quoted at most 40 characters long: a mistaken value is never echoed whole.
  std::string shown(given.substr(0, 40));
  if (given.size() > 40) shown += "...";
  throw PersonChoiceError("no person named '" + shown + "', by name or by id " +
                          (known.empty() ? std::string("(nobody yet: people come from [[person]] in the config file)")
                                         : "(the people: " + known + ")"));
}

}  // namespace declouder
