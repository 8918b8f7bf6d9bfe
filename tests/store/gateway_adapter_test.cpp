// The store seen through the gateway's MeasurementRecorder interface.
#include <gtest/gtest.h>

#include "app/store_session.hpp"

using namespace declouder;

TEST(StoreMeasurementRecorder, OneMeasurementPerWeighingThenCompleted) {
  Database db(":memory:");
  Recorder store(db);
  StoreMeasurementRecorder gateway(store);
  Reading r;
  r.model = "xiaomi-mi-scale-2";
  r.address = MacAddress::parse("C8:47:8C:00:00:01");
  r.weight_kg = 72.45;
  r.stabilized = true;
  r.device_time = DeviceClock{{2022, 2, 14, 16, 41, 58}, false, false};
  const Bytes weight_only = *parse_hex("0224e607020e10293afdff9a38");
  const Bytes with_impedance = *parse_hex("0226e607020e10293af7019a38");
  const std::int64_t t = 1'644'853'318'000'000;

  auto first = gateway.record(r, weight_only, t, "test");
  ASSERT_TRUE(first);
  EXPECT_FALSE(gateway.record(r, weight_only, t + 1000000, "test"));  // the same frame again
  r.impedance_ohm = 503;
  auto completed = gateway.record(r, with_impedance, t + 2000000, "test");
  ASSERT_TRUE(completed);
  EXPECT_EQ(completed->uid, first->uid);
  EXPECT_EQ(completed->impedance_ohm, 503);
  EXPECT_FALSE(gateway.record(r, with_impedance, t + 3000000, "test"));
  auto listed = gateway.measurements_after(0, 10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, first->id);
}
