// People's ids: what their MQTT topics and Home Assistant entities are named
// after, so two people must never get the same one by accident.
#include "core/person.hpp"

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
