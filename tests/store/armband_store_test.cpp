// The armband tables (store/armband_store.hpp): sessions stored once, exported by channel
// with their times, calibration only from data.
#include <gtest/gtest.h>

#include "devices/bodybugg/pdp.hpp"
#include "shared_fixtures.hpp"
#include "store/armband_store.hpp"
#include "store/database.hpp"

using namespace declouder;
using namespace declouder::bodybugg;
using declouder::test::read_shared_text;

TEST(ArmbandStore, SessionsAreStoredOnceAndExportedByChannel) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/sample.log");
  Database db(":memory:");
  auto dump = parse_pdp(read_shared_text("fixtures/bodybugg/sample.log"));
  auto first = store_pdp(db, dump, "sample.log");
  EXPECT_EQ(first.sessions_added, 29);
  EXPECT_EQ(first.samples_added, 27 * 485 + 2);
  auto again = store_pdp(db, dump, "sample.log");
  EXPECT_EQ(again.sessions_added, 0);
  EXPECT_EQ(again.sessions_already_stored, 29);
  auto ee = armband_samples(db, std::string("EE"));
  ASSERT_EQ(ee.size(), 485u);
  EXPECT_FALSE(ee[0].raw);  // 0xFFF
  EXPECT_EQ(ee[1].raw, 417);
  EXPECT_EQ(ee[1].time_unix_ms, 1353335418000);
  auto q = db.prepare("SELECT count(*) FROM armband_diagnostics");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.int64(0), 17);
}

TEST(ArmbandStore, CalibrationIsDataFromTableOrCsv) {
  Database db(":memory:");
  EXPECT_TRUE(calibration_from_db(db).empty());  // nothing invented
  db.exec("INSERT INTO armband_calibration VALUES ('MOVTSKIN', 0.01, 10, 'degC', 'test')");
  EXPECT_EQ(calibration_from_db(db).at("MOVTSKIN").unit, "degC");
  auto t = calibration_from_csv("# comment\nchannel,scale,offset,unit,source\nEE,0.5,0,kcal/min,fit\n");
  EXPECT_DOUBLE_EQ(t.at("EE").scale, 0.5);
  EXPECT_THROW(calibration_from_csv("channel,scale,offset,unit\nEE,x,0,u\n"), std::runtime_error);
}
