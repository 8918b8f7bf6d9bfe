// The assignment rules of src/body/assignment.hpp, one by one, including the
// cases that must stay unassigned rather than be guessed.
#include <gtest/gtest.h>

#include <vector>

#include "body/assignment.hpp"

using namespace declouder;

namespace {

Person person(const char* name, std::optional<double> min = {}, std::optional<double> max = {},
              std::optional<int> slot = {}) {
  Person p;
  p.name = name;
  p.birth_date = {1990, 1, 1};
  p.height_cm = 170;
  p.weight_min_kg = min;
  p.weight_max_kg = max;
  p.scale_user = slot;
  return p;
}

const AssignmentSettings kDefaults;

}  // namespace

TEST(Assignment, ScaleUserSlotWinsOverEverything) {
  std::vector<Person> people{person("alice", 50, 65, 1), person("bob", 70, 90, 2)};
  auto a = assign_person(60, 2, people, {}, kDefaults);  // inside alice's window, but the scale says user 2
  EXPECT_EQ(a.person, "bob");
  EXPECT_EQ(a.reason, "scale user slot 2");
}

TEST(Assignment, UnknownSlotFallsThroughToWindows) {
  std::vector<Person> people{person("alice", 50, 65, 1)};
  EXPECT_EQ(assign_person(60, 7, people, {}, kDefaults).person, "alice");
}

TEST(Assignment, WindowIsInclusiveAndExclusiveOfOthers) {
  std::vector<Person> people{person("alice", 50, 65), person("bob", 70, 90), person("carol")};
  EXPECT_EQ(assign_person(65, {}, people, {}, kDefaults).person, "alice");
  EXPECT_EQ(assign_person(70, {}, people, {}, kDefaults).reason, "weight window");
  // Outside every window, and carol (no window) has no history: unassigned.
  auto gap = assign_person(67.5, {}, people, {}, kDefaults);
  EXPECT_FALSE(gap.person);
  EXPECT_NE(gap.reason.find("unassigned"), std::string::npos);
}

TEST(Assignment, PeopleWithAWindowAreNotMatchedOutsideIt) {
  std::vector<Person> people{person("alice", 50, 65), person("carol")};
  std::vector<PreviousWeight> prev{{"alice", 66}, {"carol", 80}};
  // 66.5 is near alice's previous weight, but outside her window: nobody.
  EXPECT_FALSE(assign_person(66.5, {}, people, prev, kDefaults).person);
  EXPECT_EQ(assign_person(81, {}, people, prev, kDefaults).person, "carol");
}

TEST(Assignment, NearestPreviousWeightWithinTolerance) {
  std::vector<Person> people{person("alice"), person("bob")};
  std::vector<PreviousWeight> prev{{"alice", 60}, {"bob", 85}};
  auto a = assign_person(62.5, {}, people, prev, kDefaults);
  EXPECT_EQ(a.person, "alice");
  EXPECT_EQ(a.reason, "previous weight 60.00 kg");
  // 3 kg is the floor; 3 % of 120 kg = 3.6 kg widens it for heavier people.
  EXPECT_FALSE(assign_person(63.1, {}, people, prev, kDefaults).person);
  std::vector<PreviousWeight> heavy{{"alice", 120}};
  EXPECT_EQ(assign_person(123.5, {}, people, heavy, kDefaults).person, "alice");
  EXPECT_FALSE(assign_person(123.7, {}, people, heavy, kDefaults).person);
}

TEST(Assignment, AmbiguousPreviousWeightsStayUnassigned) {
  std::vector<Person> people{person("alice"), person("bob")};
  std::vector<PreviousWeight> prev{{"alice", 70}, {"bob", 73}};
  auto a = assign_person(71.6, {}, people, prev, kDefaults);
  EXPECT_FALSE(a.person);
  EXPECT_NE(a.reason.find("alice and bob"), std::string::npos) << a.reason;
}

TEST(Assignment, OverlappingWindowsAreSettledByPreviousWeightOrLeftAlone) {
  std::vector<Person> people{person("alice", 55, 75), person("bob", 70, 95)};
  auto none = assign_person(72, {}, people, {}, kDefaults);
  EXPECT_FALSE(none.person);
  EXPECT_NE(none.reason.find("overlap"), std::string::npos);
  std::vector<PreviousWeight> prev{{"alice", 66}, {"bob", 73}};
  EXPECT_EQ(assign_person(72, {}, people, prev, kDefaults).person, "bob");
}

TEST(Assignment, SameSlotForTwoPeopleIsNotGuessed) {
  std::vector<Person> people{person("alice", {}, {}, 1), person("bob", {}, {}, 1)};
  EXPECT_FALSE(assign_person(60, 1, people, {}, kDefaults).person);
}

TEST(Person, AgeInWholeYearsOnTheDay) {
  const CivilTime birth{1990, 6, 15};
  auto at = [](int y, int m, int d) { return unix_from_civil({y, m, d, 12, 0, 0}) * 1000000; };
  EXPECT_EQ(age_on(birth, at(2020, 6, 14)), 29);
  EXPECT_EQ(age_on(birth, at(2020, 6, 15)), 30);
  EXPECT_EQ(age_on(birth, at(2021, 1, 1)), 30);
}

TEST(Person, DatesRoundTripAndInvalidOnesAreRejected) {
  EXPECT_EQ(date_string(*parse_date("1984-02-29")), "1984-02-29");
  EXPECT_FALSE(parse_date("1985-02-29"));
  EXPECT_FALSE(parse_date("1985-13-01"));
  EXPECT_FALSE(parse_date("85-1-1"));
}

TEST(Assignment, TheScalesProfileWinsAndIsNotReadAsASlotOnceProfilesAreConfigured) {
  std::vector<Person> people{person("alice", 50, 65, 1), person("bob", 70, 90, 2)};
  people[1].profile_id = 1;  // the S400 knows bob as profile 1; alice is slot 1 on another scale
  auto a = assign_person(60, 1, people, {}, kDefaults, 1);
  EXPECT_EQ(a.person, "bob");
  EXPECT_EQ(a.reason, "scale profile 1");
  // A profile nobody has is not alice's slot 1 either: the windows decide.
  auto b = assign_person(60, 3, people, {}, kDefaults, 3);
  EXPECT_EQ(b.person, "alice");
  EXPECT_EQ(b.reason, "weight window");
}

TEST(Assignment, WithoutConfiguredProfilesTheProfileIsTheSlot) {
  std::vector<Person> people{person("alice", {}, {}, 1), person("bob", {}, {}, 2)};
  EXPECT_EQ(assign_person(80, 2, people, {}, kDefaults, 2).person, "bob");
}
