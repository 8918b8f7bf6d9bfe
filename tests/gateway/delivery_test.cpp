// Delivery: every output gets every stored measurement once, across restarts
// and crashes; a new output starts from now; household outputs wait for the
// claim. Restarts are simulated by building everything again on the same file.
#include "gateway/delivery.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "fake_output.hpp"
#include "outputs/jsonl_output.hpp"

namespace declouder {
namespace {

namespace fs = std::filesystem;

Reading weighing(double kg, std::int64_t clock_s) {
  Reading r;
  r.model = "xiaomi-mi-scale-2";
  r.address = MacAddress::parse("5C:CA:D3:00:00:01");
  r.weight_kg = kg;
  r.impedance_ohm = 500;
  r.stabilized = true;
  DeviceClock c;
  c.civil = civil_from_unix(clock_s);
  r.device_time = c;
  return r;
}

// One start of a gateway on a database file: store, outbox, delivery.
struct GatewayRun {
  explicit GatewayRun(const fs::path& db_path, std::vector<Output*> outputs, HouseholdClaims* claims = nullptr)
      : db(db_path.string()), recorder(db), outbox(db), delivery(outbox, &recorder, outputs, "hall", [this](const std::string& l) {
          log.push_back(l);
        }) {
    delivery.use_claims(claims);
    delivery.start();
  }
  // Stores a weighing and hands it on, as the pipeline does.
  Measurement weigh(double kg, std::int64_t clock_s) {
    Measurement m = *store(kg, clock_s);
    delivery.measurement(m, "simulated:mi-scale-2");
    return m;
  }
  // Stores a weighing only: declouder killed before the pipeline handed it on.
  std::optional<Measurement> store(double kg, std::int64_t clock_s) {
    return recorder.record(weighing(kg, clock_s), Bytes{static_cast<std::uint8_t>(kg)}, clock_s * 1'000'000LL,
                           "simulated:mi-scale-2")
        .measurement;
  }
  Database db;
  Recorder recorder;
  Outbox outbox;
  std::vector<std::string> log;
  Delivery delivery;
};

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("declouder-delivery-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path db() const { return dir_ / "gateway.db"; }
  std::vector<nlohmann::json> lines(const fs::path& p) const {
    std::vector<nlohmann::json> out;
    std::ifstream in(p);
    for (std::string l; std::getline(in, l);) out.push_back(nlohmann::json::parse(l));
    return out;
  }
  fs::path dir_;
};

TEST_F(DeliveryTest, JsonLinesGetEachMeasurementOnceAcrossARestartAndACrash) {
  const fs::path file = dir_ / "w.jsonl";
  std::string first, second;
  {
    JsonLinesOutput jsonl(file.string());
    GatewayRun run(db(), {&jsonl});
    first = run.weigh(72.45, 1'800'000'000).uid;
    // The next weighing is stored, then declouder is killed before it is handed on.
    second = run.store(58.2, 1'800'000'600)->uid;
  }
  ASSERT_EQ(lines(file).size(), 1u);
  {
    JsonLinesOutput jsonl(file.string());
    GatewayRun run(db(), {&jsonl});  // the next start: what the file missed is written now
  }
  {
    JsonLinesOutput jsonl(file.string());
    GatewayRun run(db(), {&jsonl});  // and once only
  }
  auto got = lines(file);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["uid"], first);
  EXPECT_EQ(got[1]["uid"], second);
  EXPECT_EQ(got[1]["weight_kg"], 58.2);
  EXPECT_EQ(got[1]["source"], "simulated:mi-scale-2");  // from the stored reading
  EXPECT_TRUE(got[1].contains("time") && got[1].contains("measured_at"));
}

TEST_F(DeliveryTest, AMeasurementIsDeliveredOnlyWhenTheOutputSaysItIsOut) {
  std::string uid;
  {
    FakeOutput out("fake");
    out.confirm_at_once = false;  // handed over, never confirmed: a crash before the flush
    GatewayRun run(db(), {&out});
    uid = run.weigh(72.45, 1'800'000'000).uid;
    ASSERT_EQ(out.got.size(), 1u);
    run.delivery.pump();
    EXPECT_EQ(out.got.size(), 1u);  // in flight: not handed over twice in one run
    EXPECT_FALSE(run.delivery.settled());
  }
  {
    FakeOutput out("fake");
    GatewayRun run(db(), {&out});
    EXPECT_EQ(out.uids(), std::vector<std::string>{uid});  // again, and now confirmed
    EXPECT_TRUE(run.delivery.settled());
    bool logged = false;
    for (const auto& l : run.log) logged |= l.find("1 delivery waiting from before (fake 1)") != std::string::npos;
    EXPECT_TRUE(logged);
  }
  {
    FakeOutput out("fake");
    GatewayRun run(db(), {&out});
    EXPECT_TRUE(out.got.empty());
  }
}

TEST_F(DeliveryTest, AnOutputAddedToAnExistingDatabaseStartsFromNow) {
  {
    FakeOutput log("log");
    GatewayRun run(db(), {&log});
    run.weigh(72.45, 1'800'000'000);
    run.weigh(58.2, 1'800'000'600);
    EXPECT_EQ(log.got.size(), 2u);
  }
  const fs::path file = dir_ / "later.jsonl";
  FakeOutput log("log");
  JsonLinesOutput jsonl(file.string());
  GatewayRun run(db(), {&log, &jsonl});
  EXPECT_TRUE(lines(file).empty());  // no backlog of old history
  bool said = false;
  for (const auto& l : run.log) said |= l.find("output " + jsonl.name() + " is new here") != std::string::npos;
  EXPECT_TRUE(said);
  const std::string uid = run.weigh(80.1, 1'800'001'200).uid;
  auto got = lines(file);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["uid"], uid);
  EXPECT_EQ(log.uids(), std::vector<std::string>{uid});
}

TEST_F(DeliveryTest, AnOutputThatCannotTakeDeliveriesGetsThemInOrderWhenItWakes) {
  FakeOutput feed("feed");
  feed.is_ready = false;  // the broker is away
  GatewayRun run(db(), {&feed});
  auto a = run.weigh(72.45, 1'800'000'000);
  auto b = run.weigh(58.2, 1'800'000'600);
  EXPECT_TRUE(feed.got.empty());
  EXPECT_FALSE(run.delivery.settled());
  feed.is_ready = true;
  feed.wake();
  EXPECT_EQ(feed.uids(), (std::vector<std::string>{a.uid, b.uid}));
  EXPECT_TRUE(run.delivery.settled());
}

// Claims decided by hand, as the other gateways' would be.
class ScriptedClaims : public HouseholdClaims {
 public:
  std::vector<OutboxRow> asked;
  std::function<void()> changed;
  void claim(const std::vector<OutboxRow>& rows, std::int64_t) override { asked = rows; }
  std::int64_t next_deadline_us() const override { return 0; }
  void on_change(std::function<void()> c) override { changed = std::move(c); }
};

TEST_F(DeliveryTest, HouseholdOutputsGetOnlyWhatThisGatewaysClaimWon) {
  FakeOutput feed("feed");
  FakeOutput ha("home-assistant", Audience::household);
  ScriptedClaims claims;
  GatewayRun run(db(), {&feed, &ha}, &claims);
  auto won = run.weigh(72.45, 1'800'000'000);
  auto lost = run.weigh(58.2, 1'800'000'600);
  EXPECT_EQ(feed.got.size(), 2u);  // this gateway's own outputs get everything it stored
  EXPECT_TRUE(ha.got.empty());     // the household waits for the claims
  ASSERT_EQ(claims.asked.size(), 2u);
  run.outbox.set_claim(claims.asked[0].id, "won", "hall");
  run.outbox.set_claim(claims.asked[1].id, "lost", "bathroom");
  claims.changed();
  EXPECT_EQ(ha.uids(), std::vector<std::string>{won.uid});
  EXPECT_TRUE(run.delivery.settled());
  (void)lost;
}

TEST_F(DeliveryTest, AloneAGatewayDeliversEverythingToTheHousehold) {
  FakeOutput ha("home-assistant", Audience::household);
  GatewayRun run(db(), {&ha});  // no claims: no other gateway to agree with
  auto m = run.weigh(72.45, 1'800'000'000);
  EXPECT_EQ(ha.uids(), std::vector<std::string>{m.uid});
  EXPECT_EQ(run.outbox.find(m.uid)->claim, "won");
}

TEST_F(DeliveryTest, AnOutputIsToldWhoItDeliveredForBefore) {
  {
    FakeOutput ha("home-assistant", Audience::household);
    GatewayRun run(db(), {&ha});
    Person anne;
    anne.name = "anne";
    anne.id = "anne_b";  // [[person]] id: her entities are named after it
    anne.sex = Sex::female;
    anne.birth_date = {1990, 4, 12, 0, 0, 0};
    anne.height_cm = 165;
    anne.unit = WeightUnit::lb;
    anne.weight_min_kg = 55;
    anne.weight_max_kg = 70;
    run.recorder.sync_people(std::vector<Person>{anne});
    auto m = run.weigh(62.5, 1'800'000'000);
    ASSERT_EQ(m.person, "anne");
    ASSERT_EQ(ha.got.size(), 1u);
    EXPECT_EQ(ha.got[0].unit, WeightUnit::lb);  // her display unit
  }
  FakeOutput ha("home-assistant", Audience::household);
  GatewayRun run(db(), {&ha});
  ASSERT_EQ(ha.history.people.size(), 1u);
  EXPECT_EQ(ha.history.people[0].name, "anne");
  EXPECT_EQ(ha.history.people[0].id, "anne_b");
  ASSERT_EQ(ha.history.scales.size(), 1u);
  EXPECT_EQ(ha.history.scales[0], (std::pair<std::string, std::string>{"5C:CA:D3:00:00:01", "xiaomi-mi-scale-2"}));
}

Person someone(const char* name, std::optional<double> min_kg = {}, std::optional<double> max_kg = {}) {
  Person p;
  p.name = name;
  p.sex = Sex::female;
  p.birth_date = {1990, 4, 12, 0, 0, 0};
  p.height_cm = 165;
  p.weight_min_kg = min_kg;
  p.weight_max_kg = max_kg;
  return p;
}

// `declouder assign ID PERSON` run as another process: its own connection to the file.
void assign_elsewhere(const fs::path& db, std::int64_t id, const char* person) {
  Database other(db.string());
  Recorder recorder(other);
  recorder.sync_people(std::vector<Person>{someone("anne", 55, 70), someone("ben")});
  recorder.assign(id, std::string_view(person));
}

TEST_F(DeliveryTest, AWeighingAssignedAfterItsDeliveryGoesToEveryOutputAgainOncePerAssignment) {
  const std::int64_t later = now_unix_us() + 10'000'000;  // tick() looks at the store at most once a second
  std::int64_t id = 0;
  {
    FakeOutput log("log");
    FakeOutput ha("home-assistant", Audience::household);
    GatewayRun run(db(), {&log, &ha});
    run.recorder.sync_people(std::vector<Person>{someone("anne", 55, 70), someone("ben")});
    const Measurement m = run.weigh(100, 1'800'000'000);  // in nobody's window
    id = m.id;
    ASSERT_EQ(m.person, "");
    ASSERT_EQ(ha.got.size(), 1u);
    EXPECT_FALSE(ha.got[0].reassigned_from);

    assign_elsewhere(db(), id, "ben");
    run.delivery.tick(later);
    ASSERT_EQ(log.got.size(), 2u);
    ASSERT_EQ(ha.got.size(), 2u);
    EXPECT_EQ(ha.got[1].measurement.uid, m.uid);
    EXPECT_EQ(ha.got[1].measurement.person, "ben");
    EXPECT_EQ(ha.got[1].reassigned_from, std::optional<std::string>(""));  // it was nobody's
    run.delivery.tick(later + 2'000'000);
    EXPECT_EQ(ha.got.size(), 2u);  // once per assignment
    EXPECT_TRUE(run.delivery.settled());

    // Moved to anne while Home Assistant has it on its way, then back to ben before
    // the broker acknowledged: that acknowledgement records nothing, ben goes again.
    ha.confirm_at_once = false;
    assign_elsewhere(db(), id, "anne");
    run.delivery.tick(later + 4'000'000);
    ASSERT_EQ(ha.got.size(), 3u);
    EXPECT_EQ(ha.got[2].measurement.person, "anne");
    EXPECT_EQ(ha.got[2].reassigned_from, std::optional<std::string>("ben"));
    assign_elsewhere(db(), id, "ben");
    run.delivery.tick(later + 6'000'000);
    EXPECT_EQ(ha.got.size(), 3u);  // still on its way
    ha.confirm_at_once = true;
    ha.done_all();
    ASSERT_EQ(ha.got.size(), 4u);
    EXPECT_EQ(ha.got[3].measurement.person, "ben");
    EXPECT_EQ(ha.got[3].reassigned_from, std::optional<std::string>("anne"));  // what it showed last
    EXPECT_EQ(log.got.size(), 4u);
    EXPECT_TRUE(run.delivery.settled());
  }
  // Assigned while no gateway runs (or just before a crash): the next start sends it, once.
  assign_elsewhere(db(), id, "anne");
  {
    FakeOutput log("log");
    FakeOutput ha("home-assistant", Audience::household);
    GatewayRun run(db(), {&log, &ha});
    ASSERT_EQ(ha.got.size(), 1u);
    EXPECT_EQ(ha.got[0].measurement.person, "anne");
    EXPECT_EQ(ha.got[0].reassigned_from, std::optional<std::string>("ben"));
    EXPECT_EQ(log.got.size(), 1u);
  }
  FakeOutput log("log");
  GatewayRun run(db(), {&log});
  EXPECT_TRUE(log.got.empty());
}

TEST_F(DeliveryTest, AssignmentsMadeBeforeMigration0304AreNotSentAgainAtTheUpgrade) {
  std::int64_t id = 0;
  {
    FakeOutput log("log");
    GatewayRun run(db(), {&log});
    run.recorder.sync_people(std::vector<Person>{someone("anne", 55, 70), someone("ben")});
    id = run.weigh(100, 1'800'000'000).id;
  }
  {
    // A declouder before 0304: `declouder assign` changed the store only, and the
    // database has none of 0304.
    Database old(db().string());
    old.exec("UPDATE measurements SET person_id = (SELECT id FROM people WHERE name = 'ben') WHERE id = " +
             std::to_string(id) +
             ";"
             "ALTER TABLE gateway_outbox DROP COLUMN assignment;"
             "ALTER TABLE gateway_deliveries DROP COLUMN given_person;"
             "DROP TABLE gateway_notes;"
             "DELETE FROM schema_migrations WHERE name = '0304_gateway_reassignments';");
  }
  FakeOutput log("log");
  GatewayRun run(db(), {&log});  // runs 0304
  EXPECT_TRUE(log.got.empty());  // old history is not sent again
  auto row = run.outbox.find(run.recorder.measurement(id)->uid);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->person, "ben");
  // A new assignment from now on goes out.
  assign_elsewhere(db(), id, "anne");
  run.delivery.tick(now_unix_us() + 10'000'000);
  ASSERT_EQ(log.got.size(), 1u);
  EXPECT_EQ(log.got[0].measurement.person, "anne");
  EXPECT_EQ(log.got[0].reassigned_from, std::optional<std::string>("ben"));
}

}  // namespace
}  // namespace declouder
