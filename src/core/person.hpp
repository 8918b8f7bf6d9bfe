// A person who steps on the scales: what body composition and assignment need
// to know about them. People are configured in the config file ([[person]]
// tables, see docs/config.md) and mirrored into the database's `people` table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/reading.hpp"
#include "core/time.hpp"

namespace declouder {

enum class Sex { male, female };
std::string_view sex_name(Sex s);                  // "male", "female"
std::optional<Sex> parse_sex(std::string_view s);  // "male"/"m", "female"/"f"

struct Person {
  std::string name;  // unique; how measurements refer to the person
  // Unique, ASCII and topic-safe (is_person_id): what MQTT topics and Home
  // Assistant entity ids are made of. `[[person]] id` in the config, else
  // person_id_from_name(name). Empty only in code that never set it: then
  // topic_id() derives it.
  std::string id;
  Sex sex = Sex::male;
  CivilTime birth_date;  // only year, month and day are used
  double height_cm = 0;
  WeightUnit unit = WeightUnit::kg;  // how this person's weights are shown
  // Optional weight window: weighings inside it are this person's (kg, inclusive).
  std::optional<double> weight_min_kg;
  std::optional<double> weight_max_kg;
  // Optional user number on scales that tell users apart themselves.
  std::optional<int> scale_user;
  // Optional profile number a scale that recognises people by itself reports as theirs
  // (Xiaomi S400/S200/S800: the Mi Home profile, 1-255; the reading's `profile_id`).
  std::optional<int> profile_id;
  // Optional goal weight (kg), drawn on the web page's weight chart.
  std::optional<double> goal_weight_kg;

  std::string topic_id() const;  // id, or the one derived from the name when id is empty

  bool has_window() const { return weight_min_kg || weight_max_kg; }
  bool in_window(double kg) const {
    return has_window() && (!weight_min_kg || kg >= *weight_min_kg) && (!weight_max_kg || kg <= *weight_max_kg);
  }
  // True when a change between `a` and `b` changes their body composition.
  static bool same_body(const Person& a, const Person& b) {
    return a.sex == b.sex && a.birth_date == b.birth_date && a.height_cm == b.height_cm;
  }
};

// A person id: 1..64 characters of a-z, 0-9 and '_', starting with a letter or
// digit. Safe as an MQTT topic level, a Home Assistant object id and a file name.
bool is_person_id(std::string_view id);
constexpr std::size_t kMaxPersonIdLength = 64;

// The id of a person whose config gives none, from their name: lowercase, letters
// with diacritics as their base letter ("Zoë" and "Zoé" are both "zoe", "Łukasz"
// is "lukasz", "Ærø" is "aero"), Cyrillic transliterated ("Ольга" is "olga"),
// anything else a '_' between words ("Bob Smith" and "bob_smith" are both
// "bob_smith"). A name without a letter that maps to a-z ("王芳", "42") gets
// "person_" and 8 hex digits of the FNV-1a hash of its UTF-8 bytes: stable, and
// different for different names.
std::string person_id_from_name(std::string_view name);

// Whole years of age on the UTC date of `unix_us`.
int age_on(const CivilTime& birth_date, std::int64_t unix_us);

// "YYYY-MM-DD" <-> date; parse returns nothing for an invalid date.
std::string date_string(const CivilTime& date);
std::optional<CivilTime> parse_date(std::string_view text);

}  // namespace declouder
