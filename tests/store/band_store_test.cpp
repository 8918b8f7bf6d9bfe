// The Mi Band's activity minutes in SQLite (store/band_store.hpp): each minute stored once,
// keyed by the band's own civil time, read back in order.
#include <gtest/gtest.h>

#include "store/band_store.hpp"
#include "store/database.hpp"

using namespace declouder;
using namespace declouder::miband;

TEST(BandStore, MinutesAreStoredOnceAndReadBackInTheBandsTime) {
  const MacAddress band = *MacAddress::parse("C8:0F:10:32:CA:B6");
  std::vector<ActivityMinute> minutes;
  for (int i = 0; i < 90; ++i) {
    ActivityMinute m;
    m.time = {2016, 6, 12, 7 + (i / 60), i % 60, 0};
    m.steps = static_cast<std::uint8_t>(i % 40);
    m.heart_rate = static_cast<std::uint8_t>(60 + i % 10);
    minutes.push_back(m);
  }
  Database db(":memory:");
  EXPECT_EQ(store_activity(db, band, minutes).added, 90);
  const ActivityStoreSummary again = store_activity(db, band, minutes);  // the band sent them twice
  EXPECT_EQ(again.added, 0);
  EXPECT_EQ(again.already_stored, 90);
  const auto stored = stored_activity(db, band);
  ASSERT_EQ(stored.size(), 90u);
  EXPECT_EQ(stored.front().time, (CivilTime{2016, 6, 12, 7, 0, 0}));
  EXPECT_EQ(stored.back().time, (CivilTime{2016, 6, 12, 8, 29, 0}));
  EXPECT_EQ(stored.back().steps, 89 % 40);
  EXPECT_TRUE(stored_activity(db, *MacAddress::parse("C8:0F:10:00:00:01")).empty()) << "another band's minutes";
}
