// Shared by the capture reader fuzzers: run one container's parser over the
// input (as a file would be read) and feed every record to the BLE layer with
// every handler set, so HCI, advertising, ACL reassembly, ATT and discovery
// decoding are all exercised.
#pragma once

#include <cstdint>
#include <cstring>

#include "capture/reader.hpp"
#include "capture/trace.hpp"

namespace declouder::capture::fuzz {

inline void run_parser(RecordParser& parser, const std::uint8_t* data, std::size_t size) {
  BufferedInput in(memory_source(ByteView(data, size)));
  TraceHandlers h;
  std::size_t sink = 0;
  h.on_advert = [&](const AdvertEvent& e) { sink += e.advert.name.size() + e.advert.service_data.size(); };
  h.on_att = [&](const AttEvent& e) { sink += e.value.size() + (e.uuid ? 1 : 0); };
  h.on_connection = [&](const ConnectionEvent& e) { sink += e.reason; };
  h.on_problem = [&](const TraceProblem& p) { sink += p.reason.size(); };
  BleTrace trace(h);
  HciRecord rec;
  std::optional<ReadStop> stop;
  std::uint64_t last_number = 0;
  while (parser.next(in, rec, stop)) {
    if (rec.record_number != last_number + 1) __builtin_trap();  // numbering must be dense
    last_number = rec.record_number;
    if (!rec.data.empty()) sink += rec.data[rec.data.size() - 1];  // the view must be readable
    trace.feed(rec);
  }
  if (stop && stop->reason.empty()) __builtin_trap();  // a stop always says why
  (void)sink;
}

}  // namespace declouder::capture::fuzz
