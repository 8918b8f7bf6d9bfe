// Definitions against built-in drivers (docs/benchmarks.md, "Definitions"): decoding one
// advertisement and one characteristic value of the same family through a definition file
// and through the built-in decoder, each alone in its registry (the aim: within 2x); and
// `capture learn` on a 100,000-record capture (a Picooc weighing among the advertisements
// of 60 other devices). Run: build/bench/declouder_bench --benchmark_filter=Definition\|Learn
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "capture/packets.hpp"
#include "definitions/learn.hpp"
#include "definitions/loader.hpp"
#include "definitions/session_capture.hpp"
#include "devices/registry.hpp"

using namespace declouder;

namespace {

const std::string kDefinitions = std::string(DECLOUDER_SOURCE_DIR) + "/tests/data/definitions/";

DeviceRegistry builtin_alone(const char* id) { return DeviceRegistry({builtin_registry().find(id)}); }
DeviceRegistry definition_alone(const char* file) {
  return definitions::make_registry({definitions::load_definition_file(kDefinitions + file)}, false);
}

void decode_advert(benchmark::State& state, const DeviceRegistry& registry) {
  Advertisement adv;
  adv.address = MacAddress::parse("C8:47:8C:00:00:01");
  adv.service_data.emplace_back(Uuid::from16(0x181B), *parse_hex("0226e607020e10293af7019a38"));
  double weight = 0;
  const DeviceRegistry::OnOutcome on = [&](const DeviceDescriptor&, const DecodeOutcome& o) {
    if (o.ok()) weight = *o.reading.weight_kg;
  };
  for (auto _ : state) {
    int n = registry.decode_advertisement(adv, on);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(weight);
    if (n != 1 || weight != 72.45) state.SkipWithError("not decoded");
  }
  state.SetItemsProcessed(state.iterations());
}

void decode_gatt(benchmark::State& state, const DeviceRegistry& registry) {
  GattValue v;
  v.characteristic = Uuid::from16(0xFFF1);
  v.value = *parse_hex("390d65f74ba50656150486fc00");
  double weight = 0;
  const DeviceRegistry::OnOutcome on = [&](const DeviceDescriptor&, const DecodeOutcome& o) {
    if (o.ok()) weight = *o.reading.weight_kg;
  };
  for (auto _ : state) {
    int n = registry.decode_gatt(v, on);
    benchmark::DoNotOptimize(n);
    if (n != 1 || weight != 81.1) state.SkipWithError("not decoded");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DecodeAdvert_MiScale2_BuiltIn(benchmark::State& s) { decode_advert(s, builtin_alone("xiaomi-mi-scale-2")); }
void BM_DecodeAdvert_MiScale2_Definition(benchmark::State& s) { decode_advert(s, definition_alone("acme-advert.toml")); }
void BM_DecodeGatt_Picooc_BuiltIn(benchmark::State& s) { decode_gatt(s, builtin_alone("picooc-mini")); }
void BM_DecodeGatt_Picooc_Definition(benchmark::State& s) { decode_gatt(s, definition_alone("acme-gatt.toml")); }
BENCHMARK(BM_DecodeAdvert_MiScale2_BuiltIn);
BENCHMARK(BM_DecodeAdvert_MiScale2_Definition);
BENCHMARK(BM_DecodeGatt_Picooc_BuiltIn);
BENCHMARK(BM_DecodeGatt_Picooc_Definition);

// 100,000 records: the advertisements of 60 devices (names, service data, manufacturer
// data, deterministic), then a Picooc Mini weighing recorded from its simulator.
std::string hundred_thousand_record_capture() {
  const std::string path = (std::filesystem::temp_directory_path() / ("declouder-learn-bench-" + std::to_string(getpid()) + ".btsnoop")).string();
  auto w = capture::CaptureWriter::to_file(path, capture::CaptureFormat::btsnoop_h4);
  std::mt19937 rng(15);
  const std::int64_t start = 1'767'596'400;
  for (int i = 0; i < 99'950; ++i) {
    MacAddress a;
    a.bytes = {0x5C, 0x00, 0x00, 0x00, 0x00, static_cast<std::uint8_t>(i % 60)};
    Bytes data(20);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    Bytes ad = capture::packet::ad_flags(0x06);
    const Bytes md = capture::packet::ad_manufacturer(static_cast<std::uint16_t>(0x0100 + i % 60), data);
    ad.insert(ad.end(), md.begin(), md.end());
    w.write((start - 600) * 1000000 + i * 5000, capture::Direction::controller_to_host, capture::PacketKind::event,
            capture::packet::le_advertising_report(0x00, 0x00, a, ad, -70));
  }
  SimOptions sim;
  sim.weight_kg = 80.5;
  definitions::SessionCaptureOptions options;
  options.unix_start = start;
  definitions::record_session(*builtin_registry().find("picooc-mini"), sim, options, w);
  w.close();
  return path;
}

void BM_CaptureLearn_100kRecords(benchmark::State& state) {
  static const std::string path = hundred_thousand_record_capture();
  definitions::LearnInput in;
  in.captures = {path};
  definitions::LearnWeighing weighing;
  weighing.weight = 80.5;
  in.weighings = {weighing};
  for (auto _ : state) {
    auto r = definitions::learn_definition(in);
    if (!r.verified) state.SkipWithError("not learned");
  }
  std::remove(path.c_str());
}
BENCHMARK(BM_CaptureLearn_100kRecords)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
