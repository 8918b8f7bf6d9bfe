// declouder capture info: what a capture holds, at a glance.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "app/cmd_capture.hpp"
#include "core/time.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder capture info FILE

Prints the capture's format (detected from its content), record count, time
span, and each device seen: address, advertised names, advertisement count,
RSSI range, connections and how they ended (disconnection reasons).

Exit status: 0 when records were read, 1 when none could be, 2 for a mistake
on the command line.)";

struct DeviceSeen {
  std::set<std::string> names;
  std::uint64_t adverts = 0;
  int rssi_min = 1000, rssi_max = -1000;
  int connections = 0;
  std::vector<std::string> disconnections;
  std::uint64_t att = 0;
};

int run(Args& args) {
  const std::string path = capture_single_file(args);
  std::map<MacAddress, DeviceSeen> devices;
  std::map<capture::PacketKind, std::uint64_t> kinds;
  std::int64_t first = 0, last = 0;
  std::uint64_t problems = 0, rebuilt = 0, incomplete = 0;
  std::string first_problem;

  capture::TraceHandlers h;
  h.on_advert = [&](const capture::AdvertEvent& e) {
    DeviceSeen& d = devices[*e.advert.address];
    ++d.adverts;
    if (!e.advert.name.empty()) d.names.insert(e.advert.name);
    if (e.advert.rssi) {
      d.rssi_min = std::min(d.rssi_min, *e.advert.rssi);
      d.rssi_max = std::max(d.rssi_max, *e.advert.rssi);
    }
  };
  h.on_connection = [&](const capture::ConnectionEvent& e) {
    if (!e.address) return;
    DeviceSeen& d = devices[*e.address];
    if (e.connected) {
      if (e.status == 0) ++d.connections;
    } else {
      char buf[96];
      std::snprintf(buf, sizeof buf, "0x%02x %s", e.reason, std::string(capture::hci_error_name(e.reason)).c_str());
      d.disconnections.push_back(buf);
    }
  };
  h.on_att = [&](const capture::AttEvent& e) {
    if (e.address) ++devices[*e.address].att;
  };
  h.on_problem = [&](const capture::TraceProblem& p) {
    if (problems++ == 0)
      first_problem = "record " + std::to_string(p.record.record_number) + ": " + p.reason;
  };
  auto summary = capture_trace_or_fail(path, std::move(h), [&](const capture::HciRecord& r) {
    if (kinds.empty() && first == 0) first = r.time_us;
    ++kinds[r.kind];
    last = r.time_us;
    rebuilt += r.rebuilt;
    incomplete += !r.complete;
  });

  std::printf("file:     %s\n", path.c_str());
  std::printf("format:   %s\n", std::string(capture::format_name(summary.format)).c_str());
  std::printf("records:  %llu", static_cast<unsigned long long>(summary.records));
  for (auto& [k, n] : kinds)
    std::printf("%s%s %llu", &k == &kinds.begin()->first ? " (" : ", ", std::string(capture::kind_name(k)).c_str(),
                static_cast<unsigned long long>(n));
  std::printf("%s\n", kinds.empty() ? "" : ")");
  if (rebuilt)
    std::printf("rebuilt:  %llu packets rebuilt from decoded text, %llu of them missing bytes\n",
                static_cast<unsigned long long>(rebuilt), static_cast<unsigned long long>(incomplete));
  if (summary.records) {
    std::printf("first:    %s\n", iso8601_utc_us(first).c_str());
    std::printf("last:     %s\n", iso8601_utc_us(last).c_str());
    std::printf("span:     %.6f s\n", static_cast<double>(last - first) / 1e6);
  }
  if (problems) std::printf("problems: %llu malformed packets (first: %s)\n", static_cast<unsigned long long>(problems),
                            first_problem.c_str());
  if (summary.stop) std::printf("stopped:  %s\n", summary.stop->describe().c_str());
  std::printf("devices:  %zu\n", devices.size());
  for (const auto& [addr, d] : devices) {
    std::printf("  %s", addr.str().c_str());
    for (const auto& n : d.names) std::printf(" \"%s\"", n.c_str());
    std::printf("\n    adverts %llu", static_cast<unsigned long long>(d.adverts));
    if (d.rssi_min <= d.rssi_max) std::printf(", rssi %d..%d dBm", d.rssi_min, d.rssi_max);
    std::printf(", connections %d, att pdus %llu\n", d.connections, static_cast<unsigned long long>(d.att));
    for (const auto& why : d.disconnections) std::printf("    disconnected: reason %s\n", why.c_str());
  }
  return capture_exit_status("capture info", path, summary);
}

}  // namespace

extern const Command kCaptureInfoCommand = {
    .name = "capture info",
    .summary = "summarise a capture: format, records, time span, devices",
    .usage = kUsage,
    .run = run,
};

}  // namespace declouder
