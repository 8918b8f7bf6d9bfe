#include "gateway/simulated_scale.hpp"

#include <gtest/gtest.h>

#include "devices/registry.hpp"

namespace declouder {
namespace {

std::vector<Reading> decode_all(const std::vector<Advertisement>& frames) {
  std::vector<Reading> out;
  for (const auto& a : frames)
    builtin_registry().decode_advertisement(a, [&](const DeviceDescriptor&, const DecodeOutcome& o) {
      if (o.ok()) out.push_back(o.reading);
    });
  return out;
}

TEST(SimulatedScale, AWeighingIsWhatTheMiScale2DriverExpects) {
  SimulatedScaleSpec spec;
  const std::int64_t clock = unix_from_civil({2026, 11, 21, 7, 30, 5});
  auto readings = decode_all(mi_scale2_weighing_frames(spec, 72.45, 503, clock));
  ASSERT_EQ(readings.size(), 7u);  // 4 climbing, stabilized, with impedance, removed
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(readings[i].stabilized) << i;
  EXPECT_LT(*readings[0].weight_kg, 30);
  EXPECT_TRUE(readings[4].stabilized);
  EXPECT_FALSE(readings[4].impedance_ohm);
  EXPECT_DOUBLE_EQ(*readings[5].weight_kg, 72.45);
  EXPECT_EQ(readings[5].impedance_ohm, 503);
  EXPECT_TRUE(readings[6].load_removed);
  EXPECT_EQ(iso8601(*readings[5].device_time), "2026-11-21T07:30:05");
  EXPECT_EQ(readings[5].model, std::string("xiaomi-mi-scale-2"));
}

TEST(SimulatedScale, ShoesOnMeansNoImpedance) {
  SimulatedScaleSpec spec;
  auto readings = decode_all(mi_scale2_weighing_frames(spec, 58.2, 0, 0));
  ASSERT_EQ(readings.size(), 6u);
  for (const auto& r : readings) EXPECT_FALSE(r.impedance_ohm);
  EXPECT_TRUE(readings.back().load_removed);
  EXPECT_TRUE(readings.back().stabilized);
}

TEST(SimulatedScale, ParsesASpecAndNamesWhatIsWrong) {
  auto s = parse_simulated_scale_spec("mi-scale-2:address=5c:ca:d3:00:00:0a,rssi=-71,weighings=3,weights=80/60.5,skip=2");
  EXPECT_EQ(s.address.str(), "5C:CA:D3:00:00:0A");
  EXPECT_EQ(s.rssi, -71);
  EXPECT_EQ(s.weighings, 3);
  EXPECT_EQ(s.weights_kg, (std::vector<double>{80, 60.5}));
  EXPECT_EQ(s.skip, std::vector<int>{2});
  EXPECT_THROW(parse_simulated_scale_spec("picooc"), std::invalid_argument);
  try {
    parse_simulated_scale_spec("mi-scale-2:colour=red");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("colour"), std::string::npos);
  }
  EXPECT_THROW(parse_simulated_scale_spec("mi-scale-2:rssi=loud"), std::invalid_argument);
  EXPECT_THROW(parse_simulated_scale_spec("mi-scale-2:weights=500"), std::invalid_argument);
}

TEST(SimulatedScale, RunsItsWeighingsAndStopsWhenAsked) {
  auto spec = parse_simulated_scale_spec("mi-scale-2:weighings=2,interval=0,frame_ms=0,repeat=2");
  SimulatedScaleSource src(spec);
  EXPECT_TRUE(src.simulated());
  int adverts = 0;
  FrameHandlers to;
  to.on_advertisement = [&](const Advertisement& a) {
    ++adverts;
    EXPECT_TRUE(a.rssi);
    EXPECT_GT(a.time_us, 0);
  };
  StopFlag stop;
  src.run(to, stop);
  EXPECT_EQ(adverts, 2 * 7 * 2);

  auto forever = parse_simulated_scale_spec("mi-scale-2:weighings=0,interval=3600,frame_ms=0");
  SimulatedScaleSource endless(forever);
  stop.request();
  endless.run(to, stop);  // returns at once
}

}  // namespace
}  // namespace declouder
