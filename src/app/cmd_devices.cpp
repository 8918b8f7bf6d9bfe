// declouder devices: every supported device family, how it is recognised and
// what it reports, straight from the registry (so the list cannot go stale).
#include <cstdio>
#include <iostream>

#include "app/cli.hpp"
#include "devices/registry.hpp"
#include "outputs/reading_json.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder devices [--json]

Lists every supported device family: its id (the "model" of its readings), the
products it covers, whether it is read from advertisements or over a GATT
connection, how it is recognised, and what it reports.

  --json   a JSON array, one object per family, with the keys id, name, link,
           recognised_by, reports, service_data_uuids, company_ids,
           gatt_characteristics (UUIDs and ids as 4 hex digits)

Example:
  declouder devices
  declouder devices --json)";

std::string hex4(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", v);
  return buf;
}

Json hex_list(std::span<const std::uint16_t> values) {
  Json a = Json::array();
  for (auto v : values) a.push_back(hex4(v));
  return a;
}

int run_devices(Args& args) {
  const bool json = args.flag("--json");
  args.finish();
  const auto families = registry().families();
  if (json) {
    Json all = Json::array();
    for (const DeviceFamily* f : families) {
      Json j;
      j["id"] = std::string(f->id);
      j["name"] = std::string(f->name);
      j["link"] = std::string(link_mode_name(f->link));
      j["recognised_by"] = std::string(f->recognised_by);
      j["reports"] = std::string(f->reports);
      j["service_data_uuids"] = hex_list(f->service_data_uuids);
      j["company_ids"] = hex_list(f->company_ids);
      j["gatt_characteristics"] = hex_list(f->gatt_characteristics);
      all.push_back(std::move(j));
    }
    std::cout << all.dump(2) << '\n';
    return 0;
  }
  std::cout << families.size() << " device families\n";
  for (const DeviceFamily* f : families) {
    std::cout << '\n' << f->id << "  [" << link_mode_name(f->link) << "]\n"
              << "  " << f->name << '\n'
              << "  recognised by: " << f->recognised_by << '\n'
              << "  reports:       " << f->reports << '\n';
  }
  return 0;
}

const CommandRegistration reg{{
    .name = "devices",
    .summary = "list every supported device family, how it is recognised and what it reports",
    .usage = kUsage,
    .run = run_devices,
}};

}  // namespace
}  // namespace declouder
