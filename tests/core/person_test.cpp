// People's ids: what their MQTT topics and Home Assistant entities are named
// after, so two people must never get the same one by accident.
#include "core/person.hpp"
#include "core/person_choice.hpp"

#include <gtest/gtest.h>

using namespace declouder;

TEST(PersonId, NamesBecomeLowercaseWords) {
  EXPECT_EQ(person_id_from_name("Anne-Marie"), "anne_marie");
  EXPECT_EQ(person_id_from_name("  Bob   Smith "), "bob_smith");
  EXPECT_EQ(person_id_from_name("bob_smith"), "bob_smith");
  EXPECT_EQ(person_id_from_name("O'Brien 2"), "o_brien_2");
  EXPECT_EQ(person_id_from_name("Ann"), person_id_from_name("ann"));
}

TEST(PersonId, LettersWithMarksBecomeTheirBaseLetter) {
  EXPECT_EQ(person_id_from_name("Zoë"), "zoe");
  EXPECT_EQ(person_id_from_name("Zoé"), "zoe");
  EXPECT_EQ(person_id_from_name("Zoe\xCC\x88"), "zoe");  // "e" + combining diaeresis
  EXPECT_EQ(person_id_from_name("Łukasz Żółw"), "lukasz_zolw");
  EXPECT_EQ(person_id_from_name("Jürgen Groß"), "jurgen_gross");
  EXPECT_EQ(person_id_from_name("Ærøskøbing"), "aeroskobing");
  EXPECT_EQ(person_id_from_name("Ștefan Țurcanu"), "stefan_turcanu");
  EXPECT_EQ(person_id_from_name("Ольга Щукина"), "olga_shchukina");
}

TEST(PersonId, ANameWithoutLettersGetsAStableHashNotASharedName) {
  const std::string wang = person_id_from_name("王芳");
  const std::string li = person_id_from_name("李娜");
  EXPECT_EQ(wang.rfind("person_", 0), 0u) << wang;
  EXPECT_EQ(wang.size(), 15u);
  EXPECT_NE(wang, li);
  EXPECT_EQ(wang, person_id_from_name("王芳"));  // the same every time, on every machine
  EXPECT_EQ(person_id_from_name(""), "person_811c9dc5");  // FNV-1a 32 of nothing: its offset basis
  EXPECT_TRUE(is_person_id(wang));
  EXPECT_EQ(person_id_from_name("王芳 Wang"), "wang");
  EXPECT_NE(person_id_from_name("42"), "42");  // digits alone are no name
}

TEST(PersonId, DerivedIdsAreAlwaysValid) {
  for (const char* name : {"a", "Ä", "x\xff\xfe y", "__a__", "\xe2\x82", "1 2 3 z", "Ŋŉ"})
    EXPECT_TRUE(is_person_id(person_id_from_name(name))) << name << " -> " << person_id_from_name(name);
  EXPECT_EQ(person_id_from_name(std::string(100, 'a')).size(), kMaxPersonIdLength);
}

TEST(PersonId, WhatAConfiguredIdMayBe) {
  EXPECT_TRUE(is_person_id("anne"));
  EXPECT_TRUE(is_person_id("anne_2"));
  EXPECT_TRUE(is_person_id("7"));
  EXPECT_FALSE(is_person_id(""));
  EXPECT_FALSE(is_person_id("Anne"));
  EXPECT_FALSE(is_person_id("a/b"));
  EXPECT_FALSE(is_person_id("a+"));
  EXPECT_FALSE(is_person_id("a b"));
  EXPECT_FALSE(is_person_id("_a"));
  EXPECT_FALSE(is_person_id("zoë"));
  EXPECT_FALSE(is_person_id(std::string(65, 'a')));
}

TEST(PersonId, APersonWithoutAnIdUsesTheOneFromTheName) {
  Person p;
  p.name = "Zoë";
  EXPECT_EQ(p.topic_id(), "zoe");
  p.id = "zoe2";
  EXPECT_EQ(p.topic_id(), "zoe2");
}

TEST(ChoosePerson, ByNameOrById) {
  const std::vector<PersonKey> people = {{"Zoë", "zoe"}, {"Bob Smith", "bob"}, {"王芳", "person_1a2b3c4d"}};
  EXPECT_EQ(choose_person(people, "Zoë"), 0u);
  EXPECT_EQ(choose_person(people, "zoe"), 0u);
  EXPECT_EQ(choose_person(people, "Bob Smith"), 1u);
  EXPECT_EQ(choose_person(people, "bob"), 1u);
  EXPECT_EQ(choose_person(people, "person_1a2b3c4d"), 2u);
}

TEST(ChoosePerson, NobodyOrTwoPeopleIsAnErrorListingEveryone) {
  const std::vector<PersonKey> people = {{"Zoë", "zoe"}, {"zoe2", "zed"}, {"Zoé", "zoe2"}};
  try {
    choose_person(people, "zoey");
    FAIL() << "an unknown person was chosen";
  } catch (const PersonChoiceError& e) {
    EXPECT_STREQ(e.what(), "no person named 'zoey', by name or by id (the people: Zoë (id zoe), zoe2 (id zed), "
                           "Zoé (id zoe2))");
  }
  // "zoe2" is one person's name and another's id: neither is guessed.
  try {
    choose_person(people, "zoe2");
    FAIL() << "an ambiguous person was chosen";
  } catch (const PersonChoiceError& e) {
    EXPECT_NE(std::string(e.what()).find("'zoe2' is the name of zoe2 (id zed) and the id of Zoé"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(choose_person({}, "anyone"), PersonChoiceError);
  // A long mistaken value is not echoed whole.
  try {
    choose_person(people, std::string(1000, 'x'));
  } catch (const PersonChoiceError& e) {
    EXPECT_LT(std::string(e.what()).size(), 200u);
  }
}
