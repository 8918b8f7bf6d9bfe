// What the ESPHome proxy client itself costs per advertisement, without the network or the
// store: a batch of 16 raw advertisements (BluetoothLERawAdvertisementsResponse) decoded
// from protobuf, each one's AD structures parsed, then offered to every driver, as the
// reader thread and the pipeline do. And one encrypted frame through ChaCha20-Poly1305.
// The whole path through `declouder run` is bench/esphome_bench.py.
// Run: build/bench/declouder_bench --benchmark_filter=Esphome
#include <benchmark/benchmark.h>

#include "capture/hci.hpp"
#include "capture/packets.hpp"
#include "devices/registry.hpp"
#include "radio/esphome_api.hpp"
#include "radio/noise.hpp"

namespace declouder {
namespace {

Bytes batch_of_16() {
  std::vector<esphome::RawAdvertisement> batch;
  for (int i = 0; i < 16; ++i) {
    esphome::RawAdvertisement a;
    a.address = 0xC8478C5A0002ULL;
    a.rssi = -60;
    const Bytes sd = *parse_hex("0204ea070c010c1e1bfdff" + std::string(i % 2 ? "8638" : "8738"));
    a.data = capture::packet::ad_flags(0x06);
    const Bytes s = capture::packet::ad_service_data16(0x181B, sd);
    a.data.insert(a.data.end(), s.begin(), s.end());
    const Bytes n = capture::packet::ad_name("MIBFS");
    a.data.insert(a.data.end(), n.begin(), n.end());
    batch.push_back(a);
  }
  return esphome::encode_raw_advertisements(batch);
}

void BM_EsphomeRawBatchDecode(benchmark::State& state) {
  const Bytes payload = batch_of_16();
  const DeviceRegistry& registry = builtin_registry();
  int readings = 0;
  for (auto _ : state) {
    for (const auto& r : esphome::decode_raw_advertisements(payload)) {
      Advertisement a;
      a.address = esphome::address_from_u64(r.address);
      a.rssi = r.rssi;
      capture::parse_ad_structures(r.data, a);
      registry.decode_advertisement(a, [&](const DeviceDescriptor&, const DecodeOutcome& o) { readings += o.ok(); });
    }
  }
  benchmark::DoNotOptimize(readings);
  state.SetItemsProcessed(state.iterations() * 16);
}
BENCHMARK(BM_EsphomeRawBatchDecode);

void BM_EsphomeNoiseFrameDecrypt(benchmark::State& state) {
  NoiseHandshake::Key psk{};
  const Bytes prologue = {'N', 'o', 'i', 's', 'e', 'A', 'P', 'I', 'I', 'n', 'i', 't', 0, 0};
  NoiseHandshake c(NoiseHandshake::Role::initiator, prologue, psk), n(NoiseHandshake::Role::responder, prologue, psk);
  n.read_message(c.write_message());
  c.read_message(n.write_message());
  auto [send, unused1] = n.split();
  auto [unused2, receive] = c.split();
  const Bytes payload = batch_of_16();
  for (auto _ : state) {
    const Bytes f = send.encrypt({}, payload);
    benchmark::DoNotOptimize(receive.decrypt({}, f));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload.size()));
}
BENCHMARK(BM_EsphomeNoiseFrameDecrypt);

}  // namespace
}  // namespace declouder
