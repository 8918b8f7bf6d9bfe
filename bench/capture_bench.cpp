// Capture reading throughput, in process: the btsnoop reader alone, and the
// reader plus the BLE layer (ACL, ATT, discovery), over a generated file of
// notifications held in memory. The whole-command comparison with tshark on a
// 1,000,000-record file is bench/capture_vs_tshark.sh (figures in docs/benchmarks.md).
#include <benchmark/benchmark.h>

#include "capture/packets.hpp"
#include "capture/reader.hpp"
#include "capture/trace.hpp"
#include "capture/writer.hpp"

namespace {

using namespace declouder;
using namespace declouder::capture;

const Bytes& notifications_file() {
  static const Bytes file = [] {
    Bytes out;
    CaptureWriter w = CaptureWriter::to_memory(out, CaptureFormat::btsnoop_h4);
    w.write(0, Direction::controller_to_host, PacketKind::event,
            packet::le_connection_complete(0, 0x40, 0, 0, *MacAddress::parse("C8:0F:10:32:CA:B6")));
    for (int i = 1; i < 100000; ++i) {
      const std::uint8_t bpm = static_cast<std::uint8_t>(60 + i % 40);
      w.write(i * 1000, Direction::controller_to_host, PacketKind::acl,
              packet::att(0x40, false, packet::att_handle_value(0x1B, 0x004B, Bytes{0x06, bpm})));
    }
    w.close();
    return out;
  }();
  return file;
}

void BM_BtsnoopReader(benchmark::State& state) {
  const Bytes& file = notifications_file();
  for (auto _ : state) {
    CaptureReader r = CaptureReader::from_memory(file);
    HciRecord rec;
    std::size_t n = 0;
    while (r.next(rec)) n += rec.data.size();
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * 100000);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(file.size()));
}
BENCHMARK(BM_BtsnoopReader)->Unit(benchmark::kMillisecond);

void BM_ReaderAndBleTrace(benchmark::State& state) {
  const Bytes& file = notifications_file();
  for (auto _ : state) {
    std::size_t n = 0;
    TraceHandlers h;
    h.on_att = [&](const AttEvent& e) { n += e.value.size(); };
    BleTrace trace(h);
    CaptureReader r = CaptureReader::from_memory(file);
    HciRecord rec;
    while (r.next(rec)) trace.feed(rec);
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * 100000);
}
BENCHMARK(BM_ReaderAndBleTrace)->Unit(benchmark::kMillisecond);

}  // namespace
