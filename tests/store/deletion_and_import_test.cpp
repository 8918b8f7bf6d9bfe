// Deleting a measurement by hand (the web page's "delete") and importing another
// program's weighings (openScale CSV): real SQLite files, real Mi scale frames.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "devices/registry.hpp"
#include "store/overview.hpp"
#include "store/recorder.hpp"

using namespace declouder;
namespace fs = std::filesystem;

namespace {

const std::int64_t kMorning = unix_from_civil({2022, 2, 14, 15, 42, 0}) * 1000000LL;
const auto kScale = *MacAddress::parse("C8:47:8C:00:00:01");
// The stabilized final frame of one weighing: 72.45 kg, 503 ohm, 2022-02-14 16:41:58.
constexpr const char* kFinal = "0226e607020e10293af7019a38";
// After stepping off: the same weighing, other bytes.
constexpr const char* kRemoved = "02a6e607020e10293af7019a38";

struct Frame {
  Reading reading;
  Bytes raw;
};

Frame mi_frame(const char* hex) {
  Frame f;
  f.raw = *parse_hex(hex);
  Advertisement adv;
  adv.address = kScale;
  adv.service_data.emplace_back(Uuid::from16(0x181B), f.raw);
  builtin_registry().decode_advertisement(adv, [&](const DeviceDescriptor& fam, const DecodeOutcome& o) {
    if (fam.id == "xiaomi-mi-scale-2" && o.ok()) f.reading = o.reading;
  });
  f.reading.address = kScale;
  return f;
}

class DeletionImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    dir_ = fs::temp_directory_path() / ("declouder-delete-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    open();
  }
  void TearDown() override {
    rec_.reset();
    db_.reset();
    fs::remove_all(dir_);
  }
  void open() {
    rec_.reset();
    db_.reset();
    db_ = std::make_unique<Database>((dir_ / "d.db").string());
    rec_ = std::make_unique<Recorder>(*db_);
    Person alice;
    alice.name = "alice";
    alice.sex = Sex::female;
    alice.birth_date = {1990, 5, 1};
    alice.height_cm = 168;
    rec_->sync_people(std::vector<Person>{alice});
  }
  std::int64_t count(const char* table) {
    auto st = db_->prepare(std::string("SELECT count(*) FROM ") + table);
    st.step();
    return st.int64(0);
  }
  fs::path dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Recorder> rec_;
};

}  // namespace

TEST_F(DeletionImportTest, DeletedWeighingHeardAgainStaysDeletedAndItsReadingStays) {
  auto first = rec_->record(mi_frame(kFinal).reading, mi_frame(kFinal).raw, kMorning, "test");
  ASSERT_TRUE(first.measurement);
  Measurement gone = rec_->remove(first.measurement->id);
  EXPECT_EQ(gone.uid, first.measurement->uid);
  EXPECT_FALSE(rec_->measurement(first.measurement->id));
  EXPECT_EQ(count("measurements"), 0);
  EXPECT_EQ(count("readings"), 1);  // the bytes heard are kept
  // The scale keeps advertising the same weighing (same bytes, then "load removed"), and the
  // gateway restarts: nothing comes back.
  open();
  Frame f = mi_frame(kFinal), removed = mi_frame(kRemoved);
  EXPECT_EQ(rec_->record(f.reading, f.raw, kMorning + 5'000'000, "test").kind, RecordResult::Kind::repeat);
  auto again = rec_->record(removed.reading, removed.raw, kMorning + 9'000'000, "test");
  EXPECT_EQ(again.kind, RecordResult::Kind::repeat);
  EXPECT_NE(again.note.find("deleted"), std::string::npos) << again.note;
  EXPECT_EQ(count("measurements"), 0);
  EXPECT_THROW(rec_->remove(first.measurement->id), StoreError);
}

TEST_F(DeletionImportTest, ImportingTheSameWeighingTwiceStoresItOnce) {
  ImportedWeighing w;
  w.family = "openscale";
  w.source = "openscale-csv:test.csv";
  w.person = "alice";
  w.time_us = kMorning;
  w.weight_kg = 61.35;
  w.metrics.fat_percent = 27.4;
  w.metrics.water_percent = 55.1;
  w.raw = "2022-02-14,15:42:00,61.35,27.4,55.1";
  auto first = rec_->record_imported(w);
  ASSERT_EQ(first.kind, RecordResult::Kind::new_measurement);
  ASSERT_TRUE(first.measurement);
  EXPECT_EQ(first.measurement->person, "alice");
  EXPECT_EQ(first.measurement->time_us, kMorning);
  EXPECT_DOUBLE_EQ(*first.measurement->metrics.fat_percent, 27.4);   // the file's value, not recomputed
  EXPECT_DOUBLE_EQ(*first.measurement->metrics.water_percent, 55.1);
  EXPECT_TRUE(first.measurement->metrics.bmi);                        // computed: height is known
  EXPECT_NEAR(*first.measurement->metrics.bmi, 61.35 / (1.68 * 1.68), 0.01);
  EXPECT_EQ(rec_->record_imported(w).kind, RecordResult::Kind::repeat);
  open();
  EXPECT_EQ(rec_->record_imported(w).kind, RecordResult::Kind::repeat);
  EXPECT_EQ(count("measurements"), 1);
  // Another weight at the same time is another weighing.
  w.weight_kg = 61.36;
  EXPECT_EQ(rec_->record_imported(w).kind, RecordResult::Kind::new_measurement);
  w.person = "bob";
  EXPECT_THROW(rec_->record_imported(w), StoreError);
}

TEST_F(DeletionImportTest, DevicesHeardSayWhenAndTheLastBattery) {
  Frame f = mi_frame(kFinal);
  rec_->record(f.reading, f.raw, kMorning, "test");
  Reading with_battery = f.reading;
  with_battery.battery_percent = 64;
  Bytes other = f.raw;
  other.back() ^= 1;
  rec_->record(with_battery, other, kMorning + 60'000'000, "test");
  auto heard = devices_heard(*db_);
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].kind, "scale");
  EXPECT_EQ(heard[0].family, "xiaomi-mi-scale-2");
  EXPECT_EQ(heard[0].address, "C8:47:8C:00:00:01");
  EXPECT_EQ(heard[0].battery_percent, 64);
  EXPECT_EQ(heard[0].last_seen_us, kMorning + 60'000'000);
  EXPECT_EQ(heard[0].readings, 2);
}
