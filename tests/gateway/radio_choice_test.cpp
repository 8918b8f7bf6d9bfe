#include "gateway/radio_choice.hpp"

#include <gtest/gtest.h>

namespace declouder {
namespace {

constexpr std::int64_t s = 1'000'000;

TEST(RadioChoice, TheRadioThatHearsTheScaleBestTalksToIt) {
  RadioChoice c;
  c.heard("scale", "bluez", -88, 0);
  EXPECT_EQ(c.chosen("scale"), "bluez");  // the only one so far
  for (int i = 1; i <= 5; ++i) {
    c.heard("scale", "esphome:bathroom:6053", -52, i * s / 10);
    c.heard("scale", "bluez", -88, i * s / 10);
  }
  EXPECT_EQ(c.chosen("scale"), "esphome:bathroom:6053");
  EXPECT_EQ(c.chosen("other"), "");
}

TEST(RadioChoice, ASmallDifferenceDoesNotMoveItButSilenceDoes) {
  RadioChoice c;
  c.heard("scale", "a", -60, 0);
  for (int i = 1; i <= 20; ++i) c.heard("scale", "b", -57, i * s / 10);  // 3 dB better: hysteresis holds
  EXPECT_EQ(c.chosen("scale"), "a");
  c.heard("scale", "b", -57, 12 * s);  // "a" silent for 12 s
  EXPECT_EQ(c.chosen("scale"), "b");
}

TEST(RadioChoice, ADeviceIsListenedToBeforeARadioIsChosen) {
  RadioChoice c;
  c.heard("scale", "far", -86, 0);
  EXPECT_FALSE(c.settled("scale", 0));
  c.heard("scale", "near", -48, s / 2);
  EXPECT_FALSE(c.settled("scale", s));
  EXPECT_TRUE(c.settled("scale", 2 * s));
  EXPECT_EQ(c.chosen("scale"), "near");
  c.heard("scale", "near", -48, 30 * s);  // a new wake after a silence: listened to again
  EXPECT_FALSE(c.settled("scale", 30 * s));
}

}  // namespace
}  // namespace declouder
