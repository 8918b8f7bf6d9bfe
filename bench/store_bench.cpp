// What the store costs per frame: body composition alone, a re-advertised
// frame (the common case: a Mi scale repeats its final frame for minutes), and
// a new weighing, on a real SQLite file in WAL mode.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <unistd.h>

#include "body/composition.hpp"
#include "store/recorder.hpp"

using namespace declouder;

namespace {

std::string temp_db(const char* name) {
  auto p = std::filesystem::temp_directory_path() / (std::string("declouder-bench-") + name + "-" +
                                                     std::to_string(::getpid()) + ".db");
  std::filesystem::remove(p);
  std::filesystem::remove(p.string() + "-wal");
  std::filesystem::remove(p.string() + "-shm");
  return p.string();
}

Reading mi_reading(double kg) {
  Reading r;
  r.model = "xiaomi-mi-scale-2";
  r.address = MacAddress::parse("C8:47:8C:00:00:01");
  r.weight_kg = kg;
  r.impedance_ohm = 503;
  r.stabilized = true;
  r.device_time = DeviceClock{{2022, 2, 14, 16, 41, 58}, false, false};
  return r;
}

void BM_BodyMetrics(benchmark::State& state) {
  BodyInputs in{Sex::male, 30, 180, 80, 500};
  for (auto _ : state) benchmark::DoNotOptimize(compute_body_metrics(in));
}
BENCHMARK(BM_BodyMetrics);

void BM_RecordRepeatedFrame(benchmark::State& state) {
  const std::string path = temp_db("repeat");
  {
    Database db(path);
    Recorder rec(db);
    const Reading r = mi_reading(72.45);
    const Bytes raw = *parse_hex("0226e607020e10293af7019a38");
    std::int64_t t = 1'700'000'000'000'000;
    rec.record(r, raw, t, "bench");
    for (auto _ : state) benchmark::DoNotOptimize(rec.record(r, raw, ++t, "bench"));
  }
  std::filesystem::remove(path);
}
BENCHMARK(BM_RecordRepeatedFrame);

void BM_RecordNewWeighing(benchmark::State& state) {
  const std::string path = temp_db("new");
  {
    Database db(path);
    Recorder rec(db);
    Person p;
    p.name = "bob";
    p.birth_date = {1992, 1, 1};
    p.height_cm = 180;
    p.weight_min_kg = 0;
    p.weight_max_kg = 1000;
    rec.sync_people(std::vector<Person>{p});
    std::int64_t t = 1'700'000'000'000'000;
    int n = 0;
    for (auto _ : state) {
      Reading r = mi_reading(60 + (n % 20000) * 0.005);
      r.device_time->civil.year = 2000 + n / 20000;
      Bytes raw{static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n >> 16)};
      ++n;
      benchmark::DoNotOptimize(rec.record(r, raw, t += 1000000, "bench"));
    }
  }
  std::filesystem::remove(path);
}
BENCHMARK(BM_RecordNewWeighing);

}  // namespace
