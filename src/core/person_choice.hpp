// Who a name or an id given on the command line (`--person`, `assign ID PERSON`)
// means. People are named by either: the name of the config file, or the id MQTT
// topics, Home Assistant entities and the web API show (core/person.hpp).
#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace declouder {

struct PersonKey {
  std::string name;
  std::string id;
};

struct PersonChoiceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The index in `people` of the one person whose name or id is `given`. Throws
// PersonChoiceError listing everyone ("no person named 'zoey', by name or by id
// (the people: Zoë (id zoe), Bob Smith (id bob_smith))") when nobody answers to
// it, or when two different people do (one by name, the other by id).
std::size_t choose_person(std::span<const PersonKey> people, std::string_view given);

}  // namespace declouder
