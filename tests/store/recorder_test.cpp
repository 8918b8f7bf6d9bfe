// The store as a gateway uses it: real SQLite files in a temp directory, real
// Mi Body Composition Scale 2 frames decoded by the real decoder, restarts
// simulated by closing and reopening the database.
#include <gtest/gtest.h>

#include <limits>
#include <tuple>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "body/composition.hpp"
#include "devices/registry.hpp"
#include "store/recorder.hpp"

using namespace declouder;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMinute = 60LL * 1000000;
const std::int64_t kMorning = unix_from_civil({2022, 2, 14, 15, 42, 0}) * 1000000LL;
const auto kScale = *MacAddress::parse("C8:47:8C:00:00:01");

// The stabilized final frame of one weighing: 72.45 kg, 503 ohm, 2022-02-14 16:41:58.
constexpr const char* kFinal = "0226e607020e10293af7019a38";
// The same weighing before the impedance was measured (placeholder 0xFFFD).
constexpr const char* kWeightOnly = "0224e607020e10293afdff9a38";
// The same weighing after stepping off: "load removed", re-advertised for minutes.
constexpr const char* kRemoved = "02a6e607020e10293af7019a38";
// Still settling: not stabilized.
constexpr const char* kSettling = "0206e607020e10293af7019038";
// A scale whose clock was never set: 1970-01-01 00:12:05, 72.45 kg, 503 ohm.
constexpr const char* kUnsetClock = "0226b2070101000c05f7019a38";

struct Frame {
  Reading reading;
  Bytes raw;
};

Frame mi_frame(const char* hex, MacAddress address = kScale) {
  Frame f;
  f.raw = *parse_hex(hex);
  Advertisement adv;
  adv.address = address;
  adv.service_data.emplace_back(Uuid::from16(0x181B), f.raw);
  bool found = false;
  builtin_registry().decode_advertisement(adv, [&](const DeviceDescriptor& fam, const DecodeOutcome& o) {
    if (fam.id == "xiaomi-mi-scale-2" && o.ok()) {
      f.reading = o.reading;
      found = true;
    }
  });
  EXPECT_TRUE(found) << hex;
  f.reading.address = address;
  return f;
}

Person person(const char* name, Sex sex, double height, std::optional<double> min = {}, std::optional<double> max = {}) {
  Person p;
  p.name = name;
  p.sex = sex;
  p.birth_date = {1992, 1, 1};  // 30 on the test morning
  p.height_cm = height;
  p.weight_min_kg = min;
  p.weight_max_kg = max;
  return p;
}

class RecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    dir_ = fs::temp_directory_path() / ("declouder-store-" + std::to_string(::getpid()) + "-" +
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
  // Opens (or reopens: a restart) the database file.
  void open(const std::string& file = "declouder.db") {
    rec_.reset();
    db_.reset();
    db_ = std::make_unique<Database>((dir_ / file).string());
    rec_ = std::make_unique<Recorder>(*db_);
  }
  RecordResult record(const Frame& f, std::int64_t at, std::string_view source = "test") {
    return rec_->record(f.reading, f.raw, at, source);
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

TEST_F(RecorderTest, MigrationsAreAppliedOnceAndReopeningIsIdempotent) {
  auto first = db_->applied_migrations();
  for (const char* name : {"0100_devices", "0101_readings", "0102_people", "0103_measurements"})
    EXPECT_EQ(std::count(first.begin(), first.end(), name), 1) << name;
  record(mi_frame(kFinal), kMorning);
  open();
  open();
  EXPECT_EQ(db_->applied_migrations(), first);
  EXPECT_EQ(count("measurements"), 1);
  auto mode = db_->prepare("PRAGMA journal_mode");
  mode.step();
  EXPECT_EQ(mode.text(0), "wal");
}

TEST_F(RecorderTest, ReadvertisedFinalFrameIsOneMeasurementAndOneReading) {
  const Frame f = mi_frame(kFinal);
  auto first = record(f, kMorning);
  ASSERT_EQ(first.kind, RecordResult::Kind::new_measurement);
  ASSERT_TRUE(first.measurement);
  EXPECT_GT(first.measurement->id, 0);
  EXPECT_EQ(first.measurement->uid.size(), 16u);
  for (int i = 1; i <= 120; ++i) {  // two minutes of adverts, one a second
    auto again = record(f, kMorning + i * 1000000LL);
    EXPECT_EQ(again.kind, RecordResult::Kind::repeat);
    EXPECT_TRUE(again.repeated_frame);
    EXPECT_FALSE(again.measurement);
    EXPECT_EQ(again.reading_id, first.reading_id);
  }
  EXPECT_EQ(count("measurements"), 1);
  EXPECT_EQ(count("readings"), 1);
  auto st = db_->prepare("SELECT repeat_count, received_us, last_heard_us FROM readings");
  st.step();
  EXPECT_EQ(st.int64(0), 120);
  EXPECT_EQ(st.int64(1), kMorning);
  EXPECT_EQ(st.int64(2), kMorning + 120 * 1000000LL);
}

TEST_F(RecorderTest, CachedFrameAfterARestartIsNotANewMeasurement) {
  const Frame f = mi_frame(kFinal);
  ASSERT_EQ(record(f, kMorning).kind, RecordResult::Kind::new_measurement);
  open();  // the gateway restarts; the scale still advertises its last frame
  EXPECT_EQ(record(f, kMorning + 90 * kMinute).kind, RecordResult::Kind::repeat);
  open();  // and again the next day
  EXPECT_EQ(record(f, kMorning + 24 * 60 * kMinute).kind, RecordResult::Kind::repeat);
  EXPECT_EQ(count("measurements"), 1);
}

TEST_F(RecorderTest, OnlyStabilizedFramesAreMeasurementsButEveryFrameIsKept) {
  auto settling = record(mi_frame(kSettling), kMorning);
  EXPECT_EQ(settling.kind, RecordResult::Kind::not_a_measurement);
  EXPECT_EQ(settling.note, "not stabilized");
  auto final_frame = record(mi_frame(kFinal), kMorning + 2000000);
  EXPECT_EQ(final_frame.kind, RecordResult::Kind::new_measurement);
  // Stepping off: a different frame (load removed) of the same weighing.
  auto removed = record(mi_frame(kRemoved), kMorning + 5000000);
  EXPECT_EQ(removed.kind, RecordResult::Kind::repeat);
  EXPECT_FALSE(removed.repeated_frame);
  EXPECT_EQ(count("readings"), 3);
  EXPECT_EQ(count("measurements"), 1);

  // The raw bytes of each reading are kept as heard.
  auto st = db_->prepare("SELECT raw, stabilized, load_removed, device_time FROM readings ORDER BY id");
  std::vector<std::string> raws;
  while (st.step()) raws.push_back(to_hex(st.blob(0)));
  EXPECT_EQ(raws, (std::vector<std::string>{kSettling, kFinal, kRemoved}));
  auto stored = rec_->stored_measurement(final_frame.measurement->id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(to_hex(stored->raw), kFinal);
  EXPECT_EQ(stored->source, "test");
}

TEST_F(RecorderTest, AnAbsurdFrameStaysARawReadingNeverAMeasurement) {
  // What a decoder misreading a frame could hand on: no person weighs that, no body has that impedance.
  int minute = 0;
  for (auto [kg, ohm, why] : std::vector<std::tuple<double, std::optional<double>, const char*>>{
           {3271.8, {}, "3271.8 kg is above the 300.0 kg a person can weigh ([assignment] max_weight_kg)"},
           {1e308, {}, "1e+308 kg is above the 300.0 kg a person can weigh ([assignment] max_weight_kg)"},
           {std::numeric_limits<double>::quiet_NaN(), {}, "the weight is not a number"},
           {std::numeric_limits<double>::infinity(), {}, "the weight is not a number"},
           {72.4, -1.0, "an impedance of -1 ohm is not a body's (0..5000)"},
           {72.4, 65533.0, "an impedance of 65533 ohm is not a body's (0..5000)"},
           {72.4, std::numeric_limits<double>::quiet_NaN(), "the impedance is not a number"}}) {
    Frame f = mi_frame(kFinal);
    f.reading.weight_kg = kg;
    f.reading.impedance_ohm = ohm;
    f.raw.push_back(static_cast<std::uint8_t>(minute));  // a frame of its own
    auto r = record(f, kMorning + (minute++) * 60'000'000LL);
    EXPECT_EQ(r.kind, RecordResult::Kind::not_a_measurement) << why;
    EXPECT_EQ(r.note, why);
  }
  EXPECT_EQ(count("measurements"), 0);
  EXPECT_EQ(count("readings"), 7);  // every frame kept as heard
  // The limit is the household's to set.
  RecorderSettings heavy;
  heavy.max_weight_kg = 400;
  EXPECT_FALSE(implausible_weighing(320, 500, heavy));
  EXPECT_TRUE(implausible_weighing(320, 500, RecorderSettings{}));
}

TEST_F(RecorderTest, AMiScaleV1SteppingOffFrameEndsTheWeighingWithoutDoublingIt) {
  // Mi Scale v1 (0x181D): 0x22 stabilized 70.2 kg dated 2026-11-21 15:23:33, then 0xA2
  // (stabilized + removed) re-advertised with the date no longer valid.
  auto v1 = [](const char* hex) {
    Frame f;
    f.raw = *parse_hex(hex);
    Advertisement adv;
    adv.address = kScale;
    adv.service_data.emplace_back(Uuid::from16(0x181D), f.raw);
    builtin_registry().decode_advertisement(adv, [&](const DeviceDescriptor& fam, const DecodeOutcome& o) {
      if (fam.id == "xiaomi-mi-scale" && o.ok()) f.reading = o.reading;
    });
    f.reading.address = kScale;
    return f;
  };
  const Frame stable = v1("22d836ea070b150f1721");
  const Frame removed = v1("a2d836ea070b150f1721");
  ASSERT_TRUE(removed.reading.load_removed);
  EXPECT_EQ(record(stable, kMorning).kind, RecordResult::Kind::new_measurement);
  auto off = record(removed, kMorning + 1000000);
  EXPECT_EQ(off.kind, RecordResult::Kind::not_a_measurement);
  EXPECT_NE(off.note.find("removed"), std::string::npos) << off.note;
  EXPECT_EQ(count("measurements"), 1);
  EXPECT_EQ(count("readings"), 2) << "the stepping-off frame is still kept";
}

TEST_F(RecorderTest, ImpedanceArrivingLaterCompletesTheSameMeasurement) {
  rec_->sync_people(std::vector<Person>{person("alice", Sex::male, 180, 60, 85)});
  auto first = record(mi_frame(kWeightOnly), kMorning);
  ASSERT_EQ(first.kind, RecordResult::Kind::new_measurement);
  EXPECT_FALSE(first.measurement->impedance_ohm);
  EXPECT_TRUE(first.measurement->metrics.bmi);
  EXPECT_FALSE(first.measurement->metrics.fat_percent);

  auto second = record(mi_frame(kFinal), kMorning + 3000000);
  ASSERT_EQ(second.kind, RecordResult::Kind::updated_measurement);
  ASSERT_TRUE(second.measurement);
  EXPECT_EQ(second.measurement->id, first.measurement->id);
  EXPECT_EQ(second.measurement->uid, first.measurement->uid);
  EXPECT_EQ(second.measurement->impedance_ohm, 503);
  EXPECT_TRUE(second.measurement->metrics.fat_percent);
  EXPECT_EQ(count("measurements"), 1);
  // Without impedance again (a weight-only frame after): still the same weighing.
  EXPECT_EQ(record(mi_frame(kWeightOnly), kMorning + 4000000).kind, RecordResult::Kind::repeat);
}

TEST_F(RecorderTest, TwoGatewaysGiveTheSameWeighingTheSameUid) {
  const Frame f = mi_frame(kFinal);
  auto here = record(f, kMorning, "bluez:hci0");
  open("other-gateway.db");
  auto there = record(f, kMorning + 1700000, "bluez:hci1");  // heard 1.7 s later elsewhere
  ASSERT_TRUE(here.measurement && there.measurement);
  EXPECT_EQ(here.measurement->uid, there.measurement->uid);
  EXPECT_EQ(here.measurement->uid, weighing::uid(f.reading, 0));  // receive time plays no part with a clock
  // Another scale, same weighing values: another uid.
  EXPECT_NE(weighing::uid(mi_frame(kFinal, *MacAddress::parse("C8:47:8C:00:00:02")).reading, 0),
            here.measurement->uid);
}

TEST_F(RecorderTest, DevicesWithoutAClockAreDeduplicatedWithinTenMinutes) {
  Frame f;
  f.raw = {0x01, 0x02, 0x03};
  f.reading.model = "test-scale";
  f.reading.address = kScale;
  f.reading.weight_kg = 80.0;
  f.reading.stabilized = true;
  EXPECT_EQ(record(f, kMorning).kind, RecordResult::Kind::new_measurement);
  EXPECT_EQ(record(f, kMorning + 4 * kMinute).kind, RecordResult::Kind::repeat);
  EXPECT_EQ(record(f, kMorning + 13 * kMinute).kind, RecordResult::Kind::repeat);  // 9 min after the last frame
  auto tomorrow = record(f, kMorning + 24 * 60 * kMinute);
  EXPECT_EQ(tomorrow.kind, RecordResult::Kind::new_measurement);
  EXPECT_EQ(count("measurements"), 2);
  EXPECT_EQ(count("readings"), 2);
}

TEST_F(RecorderTest, UnsetClockRepeatsWithinADayAndIsANewWeighingAfter) {
  const Frame f = mi_frame(kUnsetClock);
  ASSERT_TRUE(f.reading.device_time && f.reading.device_time->unset);
  auto first = record(f, kMorning);
  ASSERT_EQ(first.kind, RecordResult::Kind::new_measurement);
  EXPECT_EQ(first.measurement->time_us, kMorning);  // an unset clock is never the measurement time
  EXPECT_TRUE(first.measurement->device_time->unset);
  open();
  EXPECT_EQ(record(f, kMorning + 30 * kMinute).kind, RecordResult::Kind::repeat);
  auto later = record(f, kMorning + 3 * 24 * 60 * kMinute);  // the scale was reset and, improbably, repeats
  ASSERT_EQ(later.kind, RecordResult::Kind::new_measurement);
  EXPECT_NE(later.measurement->uid, first.measurement->uid);
  EXPECT_EQ(later.measurement->uid, first.measurement->uid + "-2");
}

TEST_F(RecorderTest, ObjectsAndLightWeightsAreReadingsOnly) {
  auto object = record(mi_frame("0624b2070101002e38fdff4c04"), kMorning);  // object mode, 5.5 kg
  EXPECT_EQ(object.kind, RecordResult::Kind::not_a_measurement);
  EXPECT_EQ(object.note, "object mode");
  Frame cat;
  cat.raw = {0xAA};
  cat.reading.model = "test-scale";
  cat.reading.weight_kg = 3.2;
  cat.reading.stabilized = true;
  auto r = record(cat, kMorning);
  EXPECT_EQ(r.kind, RecordResult::Kind::not_a_measurement);
  EXPECT_NE(r.note.find("below"), std::string::npos);
  EXPECT_EQ(count("readings"), 2);
  EXPECT_EQ(count("measurements"), 0);
}

TEST_F(RecorderTest, AssignsByWindowAndComputesThePersonsMetrics) {
  rec_->sync_people(std::vector<Person>{person("alice", Sex::female, 165, 50, 65), person("bob", Sex::male, 180, 66, 90)});
  auto r = record(mi_frame(kFinal), kMorning);
  ASSERT_TRUE(r.measurement);
  EXPECT_EQ(r.measurement->person, "bob");
  EXPECT_EQ(r.note, "weight window");
  BodyMetrics expected = compute_body_metrics({Sex::male, 30, 180, 72.45, 503});
  EXPECT_DOUBLE_EQ(*r.measurement->metrics.fat_percent, *expected.fat_percent);
  EXPECT_EQ(r.measurement->metrics.body_type, expected.body_type);
  EXPECT_EQ(r.measurement->model, "xiaomi-mi-scale-2");
  EXPECT_EQ(r.measurement->address, kScale);
  EXPECT_EQ(iso8601(*r.measurement->device_time), "2022-02-14T16:41:58");
}

TEST_F(RecorderTest, UnassignedThenManualThenByPreviousWeight) {
  rec_->sync_people(std::vector<Person>{person("alice", Sex::female, 165), person("bob", Sex::male, 180)});
  auto first = record(mi_frame(kFinal), kMorning);
  ASSERT_TRUE(first.measurement);
  EXPECT_EQ(first.measurement->person, "");
  EXPECT_FALSE(first.measurement->metrics.bmi);  // nobody to compute for
  ASSERT_EQ(rec_->measurements({.unassigned_only = true}).size(), 1u);

  Measurement m = rec_->assign(first.measurement->id, "bob");
  EXPECT_EQ(m.person, "bob");
  EXPECT_TRUE(m.metrics.fat_percent);
  EXPECT_EQ(rec_->stored_measurement(m.id)->assigned_by, "manual");

  // The next morning: 1.2 kg more, no window: bob's previous weight decides.
  Frame next = mi_frame("0226e607020f07293af701fa38");  // 2022-02-15 07:41:58, 0x38fa/200 = 72.93 kg
  auto second = record(next, kMorning + 24 * 60 * kMinute);
  ASSERT_TRUE(second.measurement);
  EXPECT_EQ(second.measurement->person, "bob");
  EXPECT_EQ(second.note, "previous weight 72.45 kg");

  // Re-assign and unassign by hand; nothing is lost.
  EXPECT_EQ(rec_->assign(second.measurement->id, "alice").person, "alice");
  EXPECT_EQ(rec_->assign(second.measurement->id, std::nullopt).person, "");
  EXPECT_THROW(rec_->assign(second.measurement->id, "nobody"), StoreError);
  EXPECT_THROW(rec_->assign(999, "bob"), StoreError);
  EXPECT_EQ(count("measurements"), 2);
}

TEST_F(RecorderTest, ReassignRunsTheRulesOverTheInbox) {
  auto r = record(mi_frame(kFinal), kMorning);
  EXPECT_EQ(r.measurement->person, "");  // nobody configured yet
  rec_->sync_people(std::vector<Person>{person("bob", Sex::male, 180, 70, 75)});
  auto now_assigned = rec_->reassign_unassigned();
  ASSERT_EQ(now_assigned.size(), 1u);
  EXPECT_EQ(now_assigned[0].person, "bob");
  EXPECT_TRUE(now_assigned[0].metrics.bmi);
}

TEST_F(RecorderTest, ChangingAPersonsHeightRecomputesTheirMetrics) {
  rec_->sync_people(std::vector<Person>{person("bob", Sex::male, 180, 60, 90)});
  auto r = record(mi_frame(kFinal), kMorning);
  EXPECT_NEAR(*r.measurement->metrics.bmi, 72.45 / (1.8 * 1.8), 1e-9);
  auto changed = rec_->sync_people(std::vector<Person>{person("bob", Sex::male, 170, 60, 90)});
  EXPECT_EQ(changed, std::vector<std::string>{"bob"});
  EXPECT_NEAR(*rec_->measurement(r.measurement->id)->metrics.bmi, 72.45 / (1.7 * 1.7), 1e-9);
  // Only a window change: nothing to recompute.
  EXPECT_TRUE(rec_->sync_people(std::vector<Person>{person("bob", Sex::male, 170, 60, 95)}).empty());
  // People survive a restart.
  open();
  ASSERT_EQ(rec_->people().size(), 1u);
  EXPECT_EQ(rec_->people()[0].height_cm, 170);
  EXPECT_EQ(rec_->people()[0].weight_max_kg, 95);
}

TEST_F(RecorderTest, CursorAndQueries) {
  rec_->sync_people(std::vector<Person>{person("bob", Sex::male, 180, 60, 90)});
  Frame f;
  f.reading.model = "test-scale";
  f.reading.stabilized = true;
  std::vector<std::int64_t> ids;
  for (int day = 0; day < 5; ++day) {
    f.reading.weight_kg = 80.0 + day * 0.1;
    f.raw = {static_cast<std::uint8_t>(day)};
    ids.push_back(record(f, kMorning + day * 24 * 60 * kMinute).measurement->id);
  }
  auto after = rec_->measurements_after(ids[1]);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0].id, ids[2]);
  EXPECT_EQ(after[2].id, ids[4]);
  EXPECT_EQ(rec_->measurements_after(ids[1], 2).size(), 2u);
  EXPECT_TRUE(rec_->measurements_after(ids[4]).empty());

  auto range = rec_->measurements({.person = "bob", .from_us = kMorning + 24 * 60 * kMinute,
                                   .to_us = kMorning + 3 * 24 * 60 * kMinute});
  ASSERT_EQ(range.size(), 2u);
  EXPECT_DOUBLE_EQ(range[0].weight_kg, 80.1);
  EXPECT_TRUE(rec_->measurements({.person = "alice"}).empty());
}

TEST_F(RecorderTest, HistoryRecordsAreDatedByTheDeviceClock) {
  Reading r;
  r.model = "test-scale";
  r.weight_kg = 70;
  r.stabilized = true;
  r.device_time = DeviceClock{{2022, 2, 11, 7, 30, 0}, true, false};  // three days before it was downloaded
  EXPECT_EQ(weighing::measured_at(r, kMorning), unix_from_civil({2022, 2, 11, 7, 30, 0}) * 1000000LL);
  r.device_time = DeviceClock{{2022, 2, 14, 15, 41, 0}, true, false};  // a minute ago: live, our clock wins
  EXPECT_EQ(weighing::measured_at(r, kMorning), kMorning);
  r.device_time = DeviceClock{{2030, 1, 1, 0, 0, 0}, true, false};  // in the future: wrong clock
  EXPECT_EQ(weighing::measured_at(r, kMorning), kMorning);
}

TEST_F(RecorderTest, PoundsAreStoredInKilogramsAndShownInThePersonsUnit) {
  // ctrl0 bit0: pounds; 0x3fcc / 100 = 163.32 lb.
  Frame lb = mi_frame("0326e607020e10293af701cc3f");
  ASSERT_EQ(lb.reading.unit, WeightUnit::lb);
  Person carol = person("carol", Sex::female, 170, 70, 80);
  carol.unit = WeightUnit::lb;
  rec_->sync_people(std::vector<Person>{carol});
  auto r = record(lb, kMorning);
  ASSERT_TRUE(r.measurement);
  EXPECT_NEAR(r.measurement->weight_kg, 163.32 * 0.45359237, 1e-9);
  auto st = db_->prepare("SELECT weight_kg FROM measurements");
  st.step();
  EXPECT_NEAR(st.real(0), 74.0807, 1e-4);
  EXPECT_EQ(r.measurement->person, "carol");
  EXPECT_EQ(display_unit(*rec_, *r.measurement), WeightUnit::lb);  // how outputs show it (outputs tests)
}

TEST_F(RecorderTest, ChangesAreVisibleToAPublisherByUpdateTime) {
  auto r = record(mi_frame(kFinal), kMorning);
  std::int64_t seen = 0;
  auto changed = rec_->measurements_updated_after(0, &seen);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_GT(seen, 0);
  EXPECT_TRUE(rec_->measurements_updated_after(seen).empty());
  rec_->sync_people(std::vector<Person>{person("bob", Sex::male, 180)});
  // Another process assigns it by hand.
  {
    Database other((dir_ / "declouder.db").string());
    Recorder(other).assign(r.measurement->id, "bob");
  }
  changed = rec_->measurements_updated_after(seen, &seen);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].person, "bob");
  EXPECT_EQ(changed[0].uid, r.measurement->uid);
}

namespace declouder {
namespace {

// What Home Assistant's entities show after a restart: the newest weighing of
// each person and of each scale, each once.
TEST_F(RecorderTest, TheLatestMeasurementOfEachPersonAndEachScale) {
  rec_->sync_people(std::vector<Person>{person("alice", Sex::female, 165, 55, 70), person("bob", Sex::male, 180, 75, 95)});
  auto weigh = [&](double kg, std::int64_t at_s, std::optional<MacAddress> address) {
    Reading r;
    r.model = "manual";
    r.address = address;
    r.stabilized = true;
    r.weight_kg = kg;
    return *record({r, Bytes{static_cast<std::uint8_t>(kg)}}, at_s * 1'000'000).measurement;
  };
  const auto other = MacAddress::parse("5C:CA:D3:00:00:02");
  weigh(62.0, 1'700'000'000, kScale);
  const Measurement alice = weigh(61.5, 1'700'086'400, kScale);  // alice's latest
  weigh(80.0, 1'700'000'100, other);
  const Measurement bob = weigh(81.0, 1'700'086'500, other);     // bob's and that scale's latest
  const Measurement nobody = weigh(120.0, 1'700'090'000, kScale);  // nobody's: the first scale's latest
  std::vector<std::int64_t> ids;
  for (const Measurement& m : rec_->latest_measurements()) ids.push_back(m.id);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{alice.id, bob.id, nobody.id}));
}

}  // namespace
}  // namespace declouder

namespace declouder {
namespace {

// A Xiaomi S400 weighing as the scale sends it: a frame with the weight, the heart rate and the
// 50 kHz impedance, then one with the 250 kHz impedance alone (real frames and their owner's key:
// Home Assistant's xiaomi-ble tests/test_parser.py, test_Xiaomi_Scale_S400_MJTZC01YM and _packet_2).
constexpr const char* kS400Weighing = "4859d53b0abc078ff2348c844138e930220000009e538599";
constexpr const char* kS400HighImpedance = "4859d53b0bd6ef0b25db72785e7e2f46d6000000d8642df6";
const auto kS400 = *MacAddress::parse("8C:D0:B2:F6:BE:EF");

Frame s400_frame(const char* hex, MacAddress address = kS400) {
  Frame f;
  f.raw = *parse_hex(hex);
  Advertisement adv;
  adv.address = address;
  adv.bindkey = parse_bindkey("0728974d657a4b60964c1b1677f35f7c");
  adv.service_data.emplace_back(Uuid::from16(0xFE95), f.raw);
  bool found = false;
  builtin_registry().decode_advertisement(adv, [&](const DeviceDescriptor& fam, const DecodeOutcome& o) {
    if (fam.id == "xiaomi-s400" && o.ok()) {
      f.reading = o.reading;
      found = true;
    }
  });
  EXPECT_TRUE(found) << hex;
  f.reading.address = address;  // what the decoder is told by whoever heard it
  return f;
}

TEST_F(RecorderTest, TheS400sSecondFrameCompletesItsWeighing) {
  auto first = record(s400_frame(kS400Weighing), kMorning);
  ASSERT_EQ(first.kind, RecordResult::Kind::new_measurement);
  const Measurement& m = *first.measurement;
  EXPECT_DOUBLE_EQ(m.weight_kg, 69.9);
  EXPECT_DOUBLE_EQ(*m.impedance_ohm, 543.2);
  EXPECT_DOUBLE_EQ(*m.impedance_low_ohm, 543.2);
  EXPECT_FALSE(m.impedance_high_ohm);
  EXPECT_EQ(m.heart_rate_bpm, 92);
  EXPECT_EQ(m.profile_id, 1);

  auto second = record(s400_frame(kS400HighImpedance), kMorning + 2 * 1000000);
  ASSERT_EQ(second.kind, RecordResult::Kind::updated_measurement) << second.note;
  ASSERT_TRUE(second.measurement);
  EXPECT_EQ(second.measurement->id, m.id);
  EXPECT_EQ(second.measurement->uid, m.uid);
  EXPECT_DOUBLE_EQ(*second.measurement->impedance_high_ohm, 497.6);
  EXPECT_DOUBLE_EQ(*second.measurement->impedance_ohm, 543.2) << "the 50 kHz value stays the one formulas use";
  EXPECT_EQ(count("measurements"), 1);
  EXPECT_EQ(count("readings"), 2) << "the second frame is still kept as it was heard";
  // Heard again (the scale repeats its frames): nothing changes any more.
  EXPECT_EQ(record(s400_frame(kS400HighImpedance), kMorning + 3 * 1000000).kind, RecordResult::Kind::not_a_measurement);
  // And it survives a restart, as stored.
  open();
  auto stored = rec_->measurement(m.id);
  ASSERT_TRUE(stored);
  EXPECT_DOUBLE_EQ(*stored->impedance_high_ohm, 497.6);
  EXPECT_EQ(stored->heart_rate_bpm, 92);
  EXPECT_EQ(stored->profile_id, 1);
}

TEST_F(RecorderTest, AWeightlessFrameCompletesOnlyTheSameDevicesWeighingOfAMomentAgo) {
  record(s400_frame(kS400Weighing), kMorning);
  // Another scale's second frame completes nothing here (the frame is sealed for its own
  // address: decoded as heard from this scale, then told it came from the other).
  Frame elsewhere = s400_frame(kS400HighImpedance);
  elsewhere.reading.address = MacAddress::parse("8C:D0:B2:F6:00:02");
  EXPECT_EQ(record(elsewhere, kMorning + 1000000).kind, RecordResult::Kind::not_a_measurement);
  // Nor does the right scale's, two minutes later: that belongs to another weighing.
  EXPECT_EQ(record(s400_frame(kS400HighImpedance), kMorning + 2 * kMinute).kind, RecordResult::Kind::not_a_measurement);
  auto st = db_->prepare("SELECT count(*) FROM measurements WHERE impedance_high_ohm IS NOT NULL");
  st.step();
  EXPECT_EQ(st.int64(0), 0);
}

TEST_F(RecorderTest, TheScalesProfileAssignsThePersonWhoseProfileItIs) {
  Person ana = person("ana", Sex::female, 168);
  ana.scale_user = 2;  // her slot on another scale
  Person ben = person("ben", Sex::male, 180);
  ben.scale_user = 1;  // the same number as ana's S400 profile: on the S400 it is not his
  ben.profile_id = 2;
  ana.profile_id = 1;
  rec_->sync_people(std::vector<Person>{ana, ben});
  auto r = record(s400_frame(kS400Weighing), kMorning);
  ASSERT_TRUE(r.measurement);
  EXPECT_EQ(r.measurement->person, "ana");
  EXPECT_EQ(r.note, "scale profile 1");
  EXPECT_TRUE(r.measurement->metrics.fat_percent) << "her metrics, from the 50 kHz impedance";
  // The profiles are kept in the store: a restart (people read back from it) still knows them.
  open();
  ASSERT_EQ(rec_->people().size(), 2u);
  EXPECT_EQ(rec_->people()[0].profile_id, 1);
}

}  // namespace
}  // namespace declouder
