// The /api/ routes without a socket: a real SQLite file, real people, the Recorder the
// commands use. (tests/cli/web.sh does the same over HTTP, tests/cli/web_browser.sh in a browser.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "store/band_store.hpp"
#include "web/api.hpp"
#include "web/settings.hpp"

using namespace declouder;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

class WebApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    dir_ = fs::temp_directory_path() / ("declouder-web-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::make_unique<Database>((dir_ / "d.db").string());
    rec_ = std::make_unique<Recorder>(*db_);
    Person a;
    a.name = "Anne-Marie";
    a.sex = Sex::female;
    a.birth_date = {1990, 1, 1};
    a.height_cm = 165;
    a.unit = WeightUnit::st;
    a.goal_weight_kg = 57;
    people_ = {a};
    rec_->sync_people(people_);
    api_ = std::make_unique<WebApi>(*db_, *rec_, people_);
  }
  void TearDown() override {
    api_.reset();
    rec_.reset();
    db_.reset();
    fs::remove_all(dir_);
  }
  std::int64_t weigh(double kg, const char* iso) {
    Reading r;
    r.model = "manual";
    r.weight_kg = kg;
    r.stabilized = true;
    const std::int64_t t = *parse_iso8601_us(iso);
    r.device_time = DeviceClock{civil_from_unix(t / 1000000), true, false};
    const std::string raw = iso;
    return rec_->record(r, ByteView(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()), t, "test")
        .measurement->id;
  }
  WebResponse call(std::string method, std::string path, std::map<std::string, std::string> params = {},
                   std::string body = {}) {
    return api_->handle({std::move(method), std::move(path), std::move(params), std::move(body)});
  }
  fs::path dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Recorder> rec_;
  std::vector<Person> people_;
  std::unique_ptr<WebApi> api_;
};

}  // namespace

TEST_F(WebApiTest, PeopleAreListedByTheirSlugWithGoalAndLatest) {
  const std::int64_t id = weigh(60.0, "2025-01-02T07:00:00Z");
  ASSERT_EQ(call("POST", "/api/measurements/" + std::to_string(id) + "/assign", {}, R"({"person":"anne_marie"})").status,
            200);
  auto r = call("GET", "/api/people");
  ASSERT_EQ(r.status, 200);
  json j = json::parse(r.body);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["id"], "anne_marie");
  EXPECT_EQ(j[0]["unit"], "st");
  EXPECT_EQ(j[0]["measurements"], 1);
  EXPECT_DOUBLE_EQ(j[0]["goal_weight_kg"].get<double>(), 57);
  EXPECT_NEAR(j[0]["goal_weight"].get<double>(), 8.98, 0.005);
  EXPECT_EQ(j[0]["latest"]["measured_at"], "2025-01-02T07:00:00.000000Z");
  EXPECT_EQ(j[0]["latest"]["unit"], "st");
}

TEST_F(WebApiTest, MeasurementsOfAPersonAreAnArrayInTimeOrderWithinTheRange) {
  for (const char* t : {"2025-01-03T07:00:00Z", "2025-01-01T07:00:00Z", "2025-01-02T07:00:00Z"})
    rec_->assign(weigh(60.5, t), "Anne-Marie");
  json all = json::parse(call("GET", "/api/measurements", {{"person", "anne_marie"}}).body);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["measured_at"], "2025-01-01T07:00:00.000000Z");
  EXPECT_EQ(all[2]["measured_at"], "2025-01-03T07:00:00.000000Z");
  EXPECT_DOUBLE_EQ(all[0]["weight_kg"].get<double>(), 60.5);
  EXPECT_TRUE(all[0].contains("bmi"));
  json some = json::parse(
      call("GET", "/api/measurements", {{"person", "Anne-Marie"}, {"from", "2025-01-02"}, {"to", "2025-01-03"}}).body);
  ASSERT_EQ(some.size(), 1u);
  EXPECT_EQ(some[0]["measured_at"], "2025-01-02T07:00:00.000000Z");
  EXPECT_EQ(call("GET", "/api/measurements", {{"person", "zoe"}}).status, 404);
  EXPECT_EQ(call("GET", "/api/measurements", {{"from", "soon"}}).status, 400);
  EXPECT_EQ(call("POST", "/api/measurements").status, 405);
  EXPECT_EQ(call("GET", "/api/nope").status, 404);
}

TEST_F(WebApiTest, AssignUnassignAndDeleteGoThroughTheRecorder) {
  const std::int64_t id = weigh(70, "2025-02-01T07:00:00Z");
  const std::string path = "/api/measurements/" + std::to_string(id);
  EXPECT_EQ(json::parse(call("GET", "/api/unassigned").body).size(), 1u);
  EXPECT_EQ(call("POST", path + "/assign", {}, "{}").status, 400);
  EXPECT_EQ(call("POST", path + "/assign", {}, R"({"person":"zoe"})").status, 404);
  EXPECT_EQ(call("POST", "/api/measurements/999/assign", {}, R"({"person":"anne_marie"})").status, 404);
  ASSERT_EQ(call("POST", path + "/assign", {}, R"({"person":"anne_marie"})").status, 200);
  EXPECT_EQ(rec_->stored_measurement(id)->assigned_by, "manual");
  EXPECT_EQ(json::parse(call("GET", "/api/unassigned").body).size(), 0u);
  ASSERT_EQ(call("POST", path + "/assign", {}, R"({"person":null})").status, 200);
  EXPECT_EQ(rec_->stored_measurement(id)->assigned_by, "manual: unassigned");
  EXPECT_EQ(call("GET", path).status, 405);
  ASSERT_EQ(call("DELETE", path).status, 200);
  EXPECT_FALSE(rec_->measurement(id));
  EXPECT_EQ(call("DELETE", path).status, 404);
}

TEST_F(WebApiTest, DownloadsAreTheExportFiles) {
  rec_->assign(weigh(60.5, "2025-01-01T07:00:00Z"), "Anne-Marie");
  auto fit = call("GET", "/api/export", {{"format", "fit"}, {"person", "anne_marie"}});
  ASSERT_EQ(fit.status, 200);
  EXPECT_EQ(fit.filename, "declouder-anne_marie.fit");
  EXPECT_EQ(fit.body.substr(8, 4), ".FIT");
  auto csv = call("GET", "/api/export", {{"format", "openscale-csv"}, {"person", "anne_marie"}});
  EXPECT_EQ(csv.body.substr(0, 9), "DATE,TIME");
  EXPECT_EQ(call("GET", "/api/export", {{"format", "xls"}}).status, 400);
}

TEST_F(WebApiTest, BandMinutesBecomeStepsPerDayAndHeartRates) {
  const auto band = *MacAddress::parse("88:0F:10:00:00:01");
  std::vector<miband::ActivityMinute> minutes;
  for (int i = 0; i < 3; ++i) {
    miband::ActivityMinute m;
    m.time = {2026, 3, 1, 23, 58 + i, 0};
    if (i == 2) m.time = {2026, 3, 2, 0, 0, 0};
    m.steps = static_cast<std::uint8_t>(10 * (i + 1));
    if (i != 1) m.heart_rate = static_cast<std::uint8_t>(60 + i);
    minutes.push_back(m);
  }
  miband::store_activity(*db_, band, minutes);
  json j = json::parse(call("GET", "/api/band").body);
  ASSERT_EQ(j["bands"].size(), 1u);
  const json& b = j["bands"][0];
  EXPECT_EQ(b["address"], "88:0F:10:00:00:01");
  EXPECT_EQ(b["steps_per_day"], json::parse(R"([{"date":"2026-03-01","steps":30},{"date":"2026-03-02","steps":30}])"));
  EXPECT_EQ(b["heart_rate"], json::parse(R"([["2026-03-01T23:58",60],["2026-03-02T00:00",62]])"));
  json later = json::parse(call("GET", "/api/band", {{"from", "2026-03-02"}}).body);
  EXPECT_EQ(later["bands"][0]["steps_per_day"].size(), 1u);
  json devices = json::parse(call("GET", "/api/devices").body);
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0]["kind"], "band");
  EXPECT_EQ(devices[0]["readings"], 3);
  EXPECT_EQ(json::parse(call("GET", "/api/armband").body)["channels"], json::array());
  EXPECT_EQ(call("GET", "/api/armband", {{"channel", "EE"}}).status, 404);
}

TEST(WebSettings, ListenAddressesAndTheLoopbackRule) {
  EXPECT_EQ(parse_listen("127.0.0.1:8080")->port, 8080);
  EXPECT_EQ(parse_listen("[::1]:80")->host, "::1");
  EXPECT_FALSE(parse_listen("8080"));
  EXPECT_FALSE(parse_listen("host:99999"));
  EXPECT_FALSE(parse_listen("::1:80"));
  WebSettings s;
  EXPECT_FALSE(web_refusal(s));
  s.listen = "0.0.0.0:8080";
  EXPECT_TRUE(web_refusal(s));
  s.listen = "192.168.1.5:8080";
  EXPECT_TRUE(web_refusal(s));
  s.token = "x";
  EXPECT_FALSE(web_refusal(s));
  s.listen = "localhost:8080";
  s.token.reset();
  EXPECT_FALSE(web_refusal(s));
}
