// The armband tables (store/armband_store.hpp): sessions stored once, exported by channel
// with their times, calibration only from data.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "devices/bodybugg/pdp.hpp"
#include "devices/bodybugg/simulator.hpp"
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

// Before the armband is cleared its sessions must survive a power cut: each commit syncs
// the WAL (synchronous FULL), and the rows are in the database file itself, so a copy of
// the file alone, without its -wal, holds them.
TEST(ArmbandStore, SessionsStoredBeforeAClearAreInTheDatabaseFileItself) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("declouder-armband-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const PdpDump dump = parse_pdp(sim::synthetic_pdp_dump());
  ASSERT_FALSE(dump.sessions.empty());
  auto sessions_in_file_alone = [&](const fs::path& db_file) {
    const fs::path copy = dir / "copy.db";
    fs::remove(copy);
    fs::remove(copy.string() + "-wal");
    fs::copy_file(db_file, copy);
    Database alone(copy.string());
    auto q = alone.prepare("SELECT count(*) FROM armband_sessions");
    EXPECT_TRUE(q.step());
    return q.int64(0);
  };
  {
    Database plain((dir / "plain.db").string());
    store_pdp(plain, dump, "x.log");  // committed, but only in the WAL so far
    EXPECT_EQ(sessions_in_file_alone(dir / "plain.db"), 0);
  }
  Database db((dir / "durable.db").string());
  const StoreSummary stored = store_pdp_durably(db, dump, "x.log");
  EXPECT_GT(stored.sessions_added, 0);
  auto sync = db.prepare("PRAGMA synchronous");
  ASSERT_TRUE(sync.step());
  EXPECT_EQ(sync.int64(0), 2);  // FULL
  EXPECT_EQ(sessions_in_file_alone(dir / "durable.db"), stored.sessions_added);
  fs::remove_all(dir);
}
