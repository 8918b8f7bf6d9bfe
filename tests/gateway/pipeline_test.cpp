#include "gateway/pipeline.hpp"

#include <gtest/gtest.h>

#include <tuple>

#include "gateway/simulated_scale.hpp"

namespace declouder {
namespace {

// Records what reaches the outputs, and checks that the store has it first.
class SpyOutput : public PipelineListener {
 public:
  explicit SpyOutput(Recorder& r) : recorder_(r) {}
  std::vector<Measurement> got;
  std::vector<std::string> devices_heard;
  std::vector<std::tuple<std::string, int, std::string>> batteries;
  void battery(std::string_view device, int percent, std::string_view model) override {
    batteries.emplace_back(device, percent, model);
  }
  void heard(const Advertisement&, std::string_view device) override { devices_heard.emplace_back(device); }
  void measurement(const Measurement& m, std::string_view source) override {
    auto stored = recorder_.measurement(m.id);
    ASSERT_TRUE(stored) << "handed on before it was stored";
    EXPECT_EQ(stored->uid, m.uid);
    EXPECT_EQ(source, "test");
    got.push_back(m);
  }

 private:
  Recorder& recorder_;
};

struct Store {
  Database db{":memory:"};
  Recorder recorder{db};
};

TEST(Pipeline, OneWeighingIsHandedOnOnceCompleteWhateverTheRepeats) {
  Store s;
  SpyOutput out(s.recorder);
  Pipeline p(s.recorder, {&out});
  SimulatedScaleSpec spec;
  auto frames = mi_scale2_weighing_frames(spec, 72.45, 503, 1'700'000'000);
  // Up to the stabilized weight without impedance: stored, but held.
  for (int i = 0; i < 5; ++i) p.advertisement(frames[i], "test");
  EXPECT_TRUE(out.got.empty());
  ASSERT_TRUE(p.oldest_held_id());
  for (int repeat = 0; repeat < 3; ++repeat)
    for (const auto& a : frames) p.advertisement(a, "test");
  ASSERT_EQ(out.got.size(), 1u);
  EXPECT_DOUBLE_EQ(out.got[0].weight_kg, 72.45);
  EXPECT_EQ(out.got[0].impedance_ohm, 503);  // the impedance completed the same measurement
  EXPECT_FALSE(p.oldest_held_id());
  EXPECT_EQ(p.counts().frames, 26);
  EXPECT_EQ(p.counts().measurements, 1);
  EXPECT_EQ(out.devices_heard.size(), 26u);
  EXPECT_EQ(out.devices_heard[0], "5C:CA:D3:00:00:01");
  EXPECT_TRUE(out.batteries.empty());  // a Mi scale's adverts carry no battery: none is invented
}

TEST(Pipeline, AWeighingWithShoesOnGoesOutWhenThePersonStepsOff) {
  Store s;
  SpyOutput out(s.recorder);
  Pipeline p(s.recorder, {&out});
  auto frames = mi_scale2_weighing_frames(SimulatedScaleSpec{}, 58.2, 0, 1'700'000'000);
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) p.advertisement(frames[i], "test");
  EXPECT_TRUE(out.got.empty());
  p.advertisement(frames.back(), "test");  // load removed
  ASSERT_EQ(out.got.size(), 1u);
  EXPECT_FALSE(out.got[0].impedance_ohm);
}

TEST(Pipeline, AHeldWeighingGoesOutWhenTheScaleFallsSilentOrAtStop) {
  Store s;
  SpyOutput out(s.recorder);
  Pipeline p(s.recorder, {&out}, /*settle_us=*/1'000'000);
  auto a = mi_scale2_weighing_frames(SimulatedScaleSpec{}, 58.2, 0, 1'700'000'000);
  auto b = mi_scale2_weighing_frames(SimulatedScaleSpec{}, 80.0, 0, 1'700'000'600);
  p.advertisement(a[4], "test");  // stabilized, then nothing
  ASSERT_GT(p.next_deadline_us(), 0);
  p.tick(p.next_deadline_us() - 1);
  EXPECT_TRUE(out.got.empty());
  p.tick(p.next_deadline_us());
  EXPECT_EQ(out.got.size(), 1u);
  p.advertisement(b[4], "test");
  p.flush();
  EXPECT_EQ(out.got.size(), 2u);
}

TEST(Pipeline, TheSameWeighingHasTheSameUidOnEveryGateway) {
  Store a, b;
  SpyOutput out_a(a.recorder), out_b(b.recorder);
  Pipeline pa(a.recorder, {&out_a}), pb(b.recorder, {&out_b});
  SimulatedScaleSpec spec;
  for (const auto& f : mi_scale2_weighing_frames(spec, 72.45, 503, 1'700'000'000)) pa.advertisement(f, "test");
  for (const auto& f : mi_scale2_weighing_frames(spec, 72.45, 503, 1'700'000'000)) pb.advertisement(f, "test");
  for (const auto& f : mi_scale2_weighing_frames(spec, 72.45, 503, 1'700'000'060)) pb.advertisement(f, "test");
  ASSERT_EQ(out_a.got.size(), 1u);
  ASSERT_EQ(out_b.got.size(), 2u);
  EXPECT_EQ(out_a.got[0].uid, out_b.got[0].uid);
  EXPECT_NE(out_b.got[0].uid, out_b.got[1].uid);  // a minute later: another weighing
}

TEST(Pipeline, ABatteryLevelIsStoredAndToldToTheOutputsButIsNoMeasurement) {
  Store s;
  SpyOutput out(s.recorder);
  Pipeline p(s.recorder, {&out});
  GattValue v;  // a standard scale's Battery Level, as its conversation reads it
  v.characteristic = Uuid::from16(0x2A19);
  v.value = {87};
  v.address = MacAddress::parse("00:09:1F:5A:00:05");
  v.time_us = 1'700'000'000'000'000;
  p.gatt_value(v, "test");
  ASSERT_EQ(out.batteries.size(), 1u);
  EXPECT_EQ(std::get<0>(out.batteries[0]), "00:09:1F:5A:00:05");
  EXPECT_EQ(std::get<1>(out.batteries[0]), 87);
  EXPECT_EQ(std::get<2>(out.batteries[0]), "bluetooth-sig-scale");
  EXPECT_TRUE(out.got.empty());
  auto q = s.db.prepare("SELECT battery_percent, weight_kg IS NULL FROM readings");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.int64(0), 87);
  EXPECT_EQ(q.int64(1), 1);
  // The same value heard again is a repeat of the same reading: not told twice.
  v.time_us += 1'000'000;
  p.gatt_value(v, "test");
  EXPECT_EQ(out.batteries.size(), 1u);
}

TEST(Pipeline, GarbledAdvertsAreRejectedNotStored) {
  Store s;
  SpyOutput out(s.recorder);
  Pipeline p(s.recorder, {&out});
  Advertisement a;
  a.address = MacAddress::parse("5C:CA:D3:00:00:01");
  a.service_data.emplace_back(Uuid::from16(0x181B), Bytes{0x02, 0x26, 0xe6});
  p.advertisement(a, "test");
  EXPECT_EQ(p.counts().rejected, 1);
  EXPECT_TRUE(out.got.empty());
}

}  // namespace
}  // namespace declouder
