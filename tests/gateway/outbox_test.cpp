#include "gateway/outbox.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "outputs/measurement_json.hpp"
#include "store/migrations.hpp"

namespace declouder {
namespace {

Measurement weighing(std::int64_t id, const std::string& uid, double kg) {
  Measurement m;
  m.id = id;
  m.uid = uid;
  m.model = "xiaomi-mi-scale-2";
  m.address = MacAddress::parse("5C:CA:D3:00:00:01");
  m.person = "anne";
  m.time_us = 1'700'000'000'000'000 + id;
  m.weight_kg = kg;
  return m;
}

bool enqueue(Outbox& box, const Measurement& m, std::int64_t now) {
  return box.enqueue(m, WeightUnit::kg, "bluez", now);
}

std::filesystem::path temp_db(const char* name) {
  const auto path = std::filesystem::temp_directory_path() / (std::string(name) + std::to_string(getpid()) + ".db");
  std::filesystem::remove(path);
  return path;
}

void remove_db(const std::filesystem::path& path) {
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

TEST(Outbox, QueuesEachUidOnceAndMovesTheCursor) {
  Database db(":memory:");
  Outbox box(db);
  box.add_output("feed", Audience::this_gateway, 1);
  EXPECT_TRUE(enqueue(box, weighing(1, "m-1", 72.45), 10));
  EXPECT_TRUE(enqueue(box, weighing(2, "m-2", 58.2), 11));
  // The scale re-advertising the same weighing after a restart: not queued again.
  EXPECT_FALSE(enqueue(box, weighing(3, "m-1", 72.45), 12));
  EXPECT_EQ(box.cursor(), 3);
  auto rows = box.pending("feed", Audience::this_gateway, 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].uid, "m-1");  // in order
  EXPECT_EQ(rows[1].uid, "m-2");
  EXPECT_EQ(rows[0].device, "5C:CA:D3:00:00:01");
  EXPECT_EQ(rows[0].person, "anne");
  EXPECT_EQ(rows[0].model, "xiaomi-mi-scale-2");
  EXPECT_EQ(rows[0].source, "bluez");
  EXPECT_EQ(Json::parse(rows[0].body)["weight_kg"], 72.45);
  EXPECT_EQ(rows[0].claim, "waiting");
}

TEST(Outbox, TheBodyIsTheMeasurementExactlyAsHandedOn) {
  Database db(":memory:");
  Outbox box(db);
  Measurement m = weighing(1, "m-1", 72.4567891);
  m.impedance_ohm = 503.25;
  m.metrics.fat_percent = 24.349;  // rounded to 2 decimals in what people read, kept whole here
  m.metrics.skipped = {{"water_percent", "no impedance"}};
  box.enqueue(m, WeightUnit::lb, "simulated:mi-scale-2", 10);
  auto back = measurement_from_json(box.find("m-1")->body);
  EXPECT_EQ(back.measurement.weight_kg, m.weight_kg);
  EXPECT_EQ(back.measurement.impedance_ohm, m.impedance_ohm);
  EXPECT_EQ(back.measurement.metrics.fat_percent, m.metrics.fat_percent);
  EXPECT_EQ(back.measurement.metrics.skipped, m.metrics.skipped);
  EXPECT_EQ(back.measurement.time_us, m.time_us);
  EXPECT_EQ(back.measurement.id, 1);
  EXPECT_EQ(back.measurement.person, "anne");
  EXPECT_EQ(back.measurement.address, m.address);
  EXPECT_EQ(back.unit, WeightUnit::lb);
}

TEST(Outbox, TracksClaimsAndDeliveries) {
  Database db(":memory:");
  Outbox box(db);
  box.add_output("feed", Audience::this_gateway, 1);
  box.add_output("home-assistant", Audience::household, 1);
  enqueue(box, weighing(1, "m-1", 72.45), 10);
  enqueue(box, weighing(2, "m-2", 58.2), 11);
  auto r1 = *box.find("m-1");
  auto r2 = *box.find("m-2");
  // Household outputs get a row only once this gateway's claim won it.
  EXPECT_TRUE(box.pending("home-assistant", Audience::household, 10).empty());
  EXPECT_EQ(box.undecided({"home-assistant"}).size(), 2u);
  EXPECT_TRUE(box.undecided({}).empty());
  box.mark_delivered(r1.id, "feed", 20);
  box.set_claim(r1.id, "won", "hall");
  box.set_claim(r2.id, "lost", "bathroom");
  ASSERT_EQ(box.pending("home-assistant", Audience::household, 10).size(), 1u);
  EXPECT_TRUE(box.undecided({"home-assistant"}).empty());
  box.mark_delivered(r1.id, "home-assistant", 30);
  EXPECT_TRUE(box.pending("home-assistant", Audience::household, 10).empty());
  OutboxCounts c = box.counts();
  EXPECT_EQ(c.total, 2);
  EXPECT_EQ(box.pending_count("feed"), 1);
  EXPECT_TRUE(box.delivered(r1.id, "home-assistant"));
  EXPECT_FALSE(box.delivered(r2.id, "home-assistant"));
  EXPECT_EQ(box.pending_count("home-assistant"), 0);  // the lost row took its household record with it
  EXPECT_EQ(c.won, 1);
  EXPECT_EQ(c.lost, 1);
  EXPECT_EQ(box.find("m-2")->claimed_by, "bathroom");
  EXPECT_EQ(box.history("home-assistant").people, (std::vector<OutputHistory::Person>{{"anne", "anne"}}));
  ASSERT_EQ(box.history("home-assistant").scales.size(), 1u);
  EXPECT_EQ(box.history("home-assistant").scales[0].second, "xiaomi-mi-scale-2");
  EXPECT_TRUE(box.history("feed").people.size() == 1);
}

TEST(Outbox, AnOutputAddedLaterStartsFromNow) {
  Database db(":memory:");
  Outbox box(db);
  box.add_output("feed", Audience::this_gateway, 1);
  enqueue(box, weighing(1, "m-1", 72.45), 10);
  enqueue(box, weighing(2, "m-2", 58.2), 11);
  EXPECT_TRUE(box.add_output("jsonl:-", Audience::this_gateway, 12));
  EXPECT_FALSE(box.add_output("jsonl:-", Audience::this_gateway, 13));  // known from now on
  enqueue(box, weighing(3, "m-3", 80.1), 14);
  auto rows = box.pending("jsonl:-", Audience::this_gateway, 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].uid, "m-3");
  EXPECT_EQ(box.pending("feed", Audience::this_gateway, 10).size(), 3u);
}

TEST(Outbox, SurvivesARestart) {
  const auto path = temp_db("declouder-outbox-");
  {
    Database db(path.string());
    Outbox box(db);
    box.add_output("home-assistant", Audience::household, 1);
    enqueue(box, weighing(7, "m-7", 80.1), 10);
    box.set_claim(box.find("m-7")->id, "claimed", "hall");
  }
  {
    Database db(path.string());
    Outbox box(db);
    EXPECT_EQ(box.cursor(), 7);
    auto undecided = box.undecided({"home-assistant"});
    ASSERT_EQ(undecided.size(), 1u);
    EXPECT_EQ(undecided[0].claim, "claimed");
  }
  remove_db(path);
}

TEST(Outbox, RejectsAnUnknownClaimState) {
  Database db(":memory:");
  Outbox box(db);
  enqueue(box, weighing(1, "m-1", 72.45), 10);
  EXPECT_THROW(box.set_claim(box.find("m-1")->id, "maybe", ""), DatabaseError);
}

// A database the MQTT output of migration 0300 wrote: after 0301 every output
// has its own record, and what was delivered stays delivered.
TEST(Outbox, Migration0301KeepsWhatTheMqttOutboxDelivered) {
  const auto path = temp_db("declouder-outbox-0300-");
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.string().c_str(), &raw), SQLITE_OK);
    auto exec = [&](const std::string& sql) {
      char* err = nullptr;
      ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << "\n" << sql;
    };
    exec("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
    for (const Migration& m : all_migrations()) {
      exec(m.sql);
      exec(std::string("INSERT INTO schema_migrations VALUES ('") + m.name + "', 0)");
      if (std::string(m.name) == "0300_gateway_outbox") break;
    }
    // Bodies in the outputs' shape of 0300: no `time`, no `person` while unassigned.
    exec(R"sql(
INSERT INTO gateway_cursor VALUES ('mqtt', 4);
INSERT INTO gateway_outbox(id, uid, device, person, body, heard_us, feed_sent_us, claim, claimed_by, delivered_us) VALUES
 (1, 'delivered', '5C:CA:D3:00:00:01', 'anne', '{"uid":"delivered","id":1,"person":"anne","model":"xiaomi-mi-scale-2","address":"5C:CA:D3:00:00:01","measured_at":"2025-11-21T04:40:00.000000Z","weight_kg":62.52,"fat_percent":24.3}', 10, 11, 'won', 'hall', 12),
 (2, 'won-pending', '5C:CA:D3:00:00:01', '', '{"uid":"won-pending","id":2,"model":"xiaomi-mi-scale-2","measured_at":"2025-11-21T05:40:00.000000Z","weight_kg":70.1}', 20, NULL, 'won', 'hall', NULL),
 (3, 'lost', '5C:CA:D3:00:00:01', 'anne', '{"uid":"lost","id":3,"weight_kg":62.6}', 30, 31, 'lost', 'bathroom', NULL),
 (4, 'waiting', '', '', '{"uid":"waiting","id":4,"weight_kg":63}', 40, 41, 'waiting', '', NULL);
)sql");
    sqlite3_close(raw);
  }
  Database db(path.string());  // runs 0301
  Outbox box(db);
  EXPECT_EQ(box.outputs(), (std::vector<std::string>{"domoticz", "feed", "home-assistant"}));
  EXPECT_EQ(box.cursor(), 4);  // the cursor carried on: nothing stored since is lost
  auto uids = [](const std::vector<OutboxRow>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.uid);
    return out;
  };
  EXPECT_EQ(uids(box.pending("feed", Audience::this_gateway, 10)), std::vector<std::string>{"won-pending"});
  EXPECT_EQ(uids(box.pending("home-assistant", Audience::household, 10)), std::vector<std::string>{"won-pending"});
  EXPECT_EQ(uids(box.undecided({"home-assistant"})), std::vector<std::string>{"waiting"});
  EXPECT_EQ(box.pending_count("home-assistant"), 2);  // "lost" is another gateway's
  EXPECT_TRUE(box.delivered(1, "home-assistant"));
  EXPECT_TRUE(box.delivered(1, "domoticz"));
  EXPECT_EQ(box.history("home-assistant").people, (std::vector<OutputHistory::Person>{{"anne", "anne"}}));
  EXPECT_EQ(box.find("delivered")->model, "xiaomi-mi-scale-2");
  // The old bodies still read back.
  auto back = measurement_from_json(box.find("won-pending")->body);
  EXPECT_EQ(back.measurement.person, "");
  EXPECT_EQ(back.measurement.weight_kg, 70.1);
  EXPECT_FALSE(back.unit);
  // The first start that runs MQTT outputs confirms those it runs and forgets the others:
  // Domoticz was not configured, so when it is one day it starts from that day.
  box.add_output("log", Audience::this_gateway, 50);
  box.confirm_carried_over({"log"}, 50);  // none of the carried-over ones runs: all kept
  EXPECT_EQ(box.outputs().size(), 4u);
  box.confirm_carried_over({"log", "feed", "home-assistant"}, 60);
  EXPECT_EQ(box.outputs(), (std::vector<std::string>{"feed", "home-assistant", "log"}));
  EXPECT_EQ(box.pending_count("domoticz"), 0);
  EXPECT_EQ(box.pending_count("home-assistant"), 2);
  remove_db(path);
}

}  // namespace
}  // namespace declouder
