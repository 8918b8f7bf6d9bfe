// The outbox's cursor: a measurement the store kept but the outbox never saw
// (declouder killed while the weighing was settling) is queued at the next
// start; measurements stored before the gateway's very first start (imported
// history) are not delivered.
#include <gtest/gtest.h>

#include "gateway/delivery.hpp"
#include "gateway/simulated_scale.hpp"
#include "fake_output.hpp"

namespace declouder {
namespace {

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

TEST(CatchUp, HistoryBeforeTheFirstStartIsNotDeliveredButLaterMeasurementsAre) {
  Database db(":memory:");
  Recorder recorder(db);
  Outbox outbox(db);
  const Bytes raw{1, 2, 3};
  recorder.record(weighing(70.1, 1'800'000'000), raw, 1, "import");  // history
  {
    FakeOutput feed("feed");
    feed.is_ready = false;  // the broker is unreachable: it only queues
    Delivery delivery(outbox, &recorder, {&feed}, "test", {});
    delivery.start();
    EXPECT_EQ(outbox.counts().total, 0);
    // Stored while this gateway ran, but killed before it reached the outbox.
    auto m = recorder.record(weighing(71.2, 1'800'000'600), Bytes{4, 5}, 2, "bluez");
    ASSERT_TRUE(m.measurement);
    delivery.finish_stop();
  }
  FakeOutput feed("feed");
  Delivery delivery(outbox, &recorder, {&feed}, "test", {});
  delivery.start();
  ASSERT_EQ(feed.got.size(), 1u);
  EXPECT_EQ(feed.got[0].measurement.weight_kg, 71.2);
  EXPECT_EQ(feed.got[0].source, "bluez");  // the stored reading's source
  EXPECT_TRUE(outbox.pending("feed", Audience::this_gateway, 10).empty());
}

TEST(CatchUp, TheCursorNeverPassesAMeasurementStillSettling) {
  Database db(":memory:");
  Recorder recorder(db);
  Outbox outbox(db);
  FakeOutput feed("feed");
  std::optional<std::int64_t> held;
  Delivery delivery(outbox, &recorder, {&feed}, "test", {});
  delivery.hold_cursor_behind([&] { return held; });
  delivery.start();
  auto a = *recorder.record(weighing(60, 1'800'000'000), Bytes{1}, 1, "bluez").measurement;
  auto b = *recorder.record(weighing(80, 1'800'000'060), Bytes{2}, 2, "bluez").measurement;
  held = a.id;  // a is still settling when b is complete
  delivery.measurement(b, "bluez");
  EXPECT_LT(outbox.cursor(), a.id);
  held.reset();
  delivery.measurement(a, "bluez");
  EXPECT_EQ(outbox.cursor(), a.id);  // max(cursor, a.id): b's id is larger, catch-up re-queues nothing new
  EXPECT_EQ(feed.uids(), (std::vector<std::string>{b.uid, a.uid}));
}

}  // namespace
}  // namespace declouder
