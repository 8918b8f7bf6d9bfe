#include "gateway/pipeline.hpp"

#include <gtest/gtest.h>

#include "gateway/interim_recorder.hpp"
#include "gateway/simulated_scale.hpp"

namespace declouder {
namespace {

// Records what reaches the outputs, and checks that the store saw it first.
class SpyOutput : public GatewayOutput {
 public:
  std::vector<Measurement> got;
  std::vector<std::string> devices_heard;
  void heard(const Advertisement&, std::string_view device) override { devices_heard.emplace_back(device); }
  void measurement(const Measurement& m, std::string_view source) override {
    EXPECT_NE(m.id, 0) << "published before it was stored";
    EXPECT_EQ(source, "test");
    got.push_back(m);
  }
};

TEST(Pipeline, OneWeighingIsOneMeasurementWhateverTheRepeats) {
  InterimRecorder recorder;
  SpyOutput out;
  Pipeline p(recorder, {&out});
  SimulatedScaleSpec spec;
  for (int repeat = 0; repeat < 3; ++repeat)
    for (const auto& a : mi_scale2_weighing_frames(spec, 72.45, 503, 1'700'000'000)) p.advertisement(a, "test");
  ASSERT_EQ(out.got.size(), 1u);
  EXPECT_DOUBLE_EQ(out.got[0].weight_kg, 72.45);
  EXPECT_EQ(out.got[0].impedance_ohm, 503);
  EXPECT_EQ(out.got[0].uid.size(), 18u);
  EXPECT_EQ(p.counts().frames, 21);
  EXPECT_EQ(p.counts().measurements, 1);
  EXPECT_EQ(out.devices_heard.size(), 21u);
  EXPECT_EQ(out.devices_heard[0], "5C:CA:D3:00:00:01");
}

TEST(Pipeline, TheSameWeighingHasTheSameUidOnEveryGateway) {
  InterimRecorder a, b;
  SpyOutput out_a, out_b;
  Pipeline pa(a, {&out_a}), pb(b, {&out_b});
  SimulatedScaleSpec spec;
  for (const auto& f : mi_scale2_weighing_frames(spec, 72.45, 503, 1'700'000'000)) pa.advertisement(f, "test");
  for (const auto& f : mi_scale2_weighing_frames(spec, 72.45, 503, 1'700'000'000)) pb.advertisement(f, "test");
  for (const auto& f : mi_scale2_weighing_frames(spec, 72.45, 503, 1'700'000'060)) pb.advertisement(f, "test");
  ASSERT_EQ(out_a.got.size(), 1u);
  ASSERT_EQ(out_b.got.size(), 2u);
  EXPECT_EQ(out_a.got[0].uid, out_b.got[0].uid);
  EXPECT_NE(out_b.got[0].uid, out_b.got[1].uid);  // a minute later: another weighing
}

TEST(Pipeline, GarbledAdvertsAreRejectedNotStored) {
  InterimRecorder recorder;
  SpyOutput out;
  Pipeline p(recorder, {&out});
  Advertisement a;
  a.address = MacAddress::parse("5C:CA:D3:00:00:01");
  a.service_data.emplace_back(Uuid::from16(0x181B), Bytes{0x02, 0x26, 0xe6});
  p.advertisement(a, "test");
  EXPECT_EQ(p.counts().rejected, 1);
  EXPECT_TRUE(out.got.empty());
}

}  // namespace
}  // namespace declouder
