// The MQTT output's cursor: a measurement the store kept but the outbox never
// saw (declouder killed while the weighing was settling) is queued at the next
// start; measurements stored before the gateway's very first start (imported
// history) are not published.
#include <gtest/gtest.h>

#include "gateway/simulated_scale.hpp"
#include "outputs/mqtt_output.hpp"

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

MqttOutputSettings unreachable_broker() {
  MqttOutputSettings s;
  s.connection.host = "127.0.0.1";
  s.connection.port = 1;  // nothing listens: the output only queues
  s.gateway_id = "test";
  return s;
}

TEST(MqttCatchUp, HistoryBeforeTheFirstStartIsNotPublishedButLaterMeasurementsAre) {
  Database db(":memory:");
  Recorder recorder(db);
  const Bytes raw{1, 2, 3};
  recorder.record(weighing(70.1, 1'800'000'000), raw, 1, "import");  // history
  {
    EventLoop loop;
    MqttOutput out(unreachable_broker(), db, loop, &recorder, [](const std::string&) {});
    out.start();
    EXPECT_EQ(out.outbox().counts().total, 0);
    // Stored while this gateway ran, but killed before it reached the outbox.
    auto m = recorder.record(weighing(71.2, 1'800'000'600), Bytes{4, 5}, 2, "bluez");
    ASSERT_TRUE(m.measurement);
    out.finish_stop();
    loop.drain();
  }
  EventLoop loop;
  MqttOutput out(unreachable_broker(), db, loop, &recorder, [](const std::string&) {});
  out.start();
  auto rows = out.outbox().feed_pending(10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].body.find("71.2"), std::string::npos);
  out.finish_stop();
  loop.drain();
}

TEST(MqttCatchUp, TheCursorNeverPassesAMeasurementStillSettling) {
  Database db(":memory:");
  Recorder recorder(db);
  EventLoop loop;
  std::optional<std::int64_t> held;
  MqttOutputSettings s = unreachable_broker();
  s.oldest_held_id = [&] { return held; };
  MqttOutput out(s, db, loop, &recorder, [](const std::string&) {});
  out.start();
  auto a = *recorder.record(weighing(60, 1'800'000'000), Bytes{1}, 1, "bluez").measurement;
  auto b = *recorder.record(weighing(80, 1'800'000'060), Bytes{2}, 2, "bluez").measurement;
  held = a.id;  // a is still settling when b is complete
  out.measurement(b, "bluez");
  EXPECT_LT(out.outbox().cursor(), a.id);
  held.reset();
  out.measurement(a, "bluez");
  EXPECT_EQ(out.outbox().cursor(), a.id);  // max(cursor, a.id): b's id is larger, catch-up re-queues nothing new
  out.finish_stop();
  loop.drain();
}

}  // namespace
}  // namespace declouder
