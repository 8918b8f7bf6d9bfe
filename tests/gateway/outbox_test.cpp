#include "gateway/outbox.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "outputs/measurement_json.hpp"

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

TEST(Outbox, QueuesEachUidOnceAndMovesTheCursor) {
  Database db(":memory:");
  Outbox box(db);
  EXPECT_TRUE(box.enqueue(weighing(1, "m-1", 72.45), 10));
  EXPECT_TRUE(box.enqueue(weighing(2, "m-2", 58.2), 11));
  // The scale re-advertising the same weighing after a restart: not queued again.
  EXPECT_FALSE(box.enqueue(weighing(3, "m-1", 72.45), 12));
  EXPECT_EQ(box.cursor(), 3);
  auto rows = box.feed_pending(10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].uid, "m-1");  // in order
  EXPECT_EQ(rows[1].uid, "m-2");
  EXPECT_EQ(rows[0].device, "5C:CA:D3:00:00:01");
  EXPECT_EQ(rows[0].person, "anne");
  EXPECT_EQ(Json::parse(rows[0].body)["weight_kg"], 72.45);
  EXPECT_EQ(rows[0].claim, "waiting");
}

TEST(Outbox, TracksClaimsAndDeliveries) {
  Database db(":memory:");
  Outbox box(db);
  box.enqueue(weighing(1, "m-1", 72.45), 10);
  box.enqueue(weighing(2, "m-2", 58.2), 11);
  auto r1 = *box.find("m-1");
  auto r2 = *box.find("m-2");
  box.mark_feed_sent(r1.id, 20);
  box.set_claim(r1.id, "won", "hall");
  box.set_claim(r2.id, "lost", "bathroom");
  ASSERT_EQ(box.won_undelivered().size(), 1u);
  EXPECT_TRUE(box.undecided().empty());
  box.mark_delivered(r1.id, 30);
  EXPECT_TRUE(box.won_undelivered().empty());
  OutboxCounts c = box.counts();
  EXPECT_EQ(c.total, 2);
  EXPECT_EQ(c.feed_pending, 1);
  EXPECT_EQ(c.delivered, 1);
  EXPECT_EQ(c.lost, 1);
  EXPECT_EQ(box.find("m-2")->claimed_by, "bathroom");
  EXPECT_EQ(box.delivered_people(), std::vector<std::string>{"anne"});
}

TEST(Outbox, SurvivesARestart) {
  const auto path = std::filesystem::temp_directory_path() / ("declouder-outbox-" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(path);
  {
    Database db(path.string());
    Outbox box(db);
    box.enqueue(weighing(7, "m-7", 80.1), 10);
    box.set_claim(box.find("m-7")->id, "claimed", "hall");
  }
  {
    Database db(path.string());
    Outbox box(db);
    EXPECT_EQ(box.cursor(), 7);
    auto undecided = box.undecided();
    ASSERT_EQ(undecided.size(), 1u);
    EXPECT_EQ(undecided[0].claim, "claimed");
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

TEST(Outbox, RejectsAnUnknownClaimState) {
  Database db(":memory:");
  Outbox box(db);
  box.enqueue(weighing(1, "m-1", 72.45), 10);
  EXPECT_THROW(box.set_claim(box.find("m-1")->id, "maybe", ""), DatabaseError);
}

}  // namespace
}  // namespace declouder
