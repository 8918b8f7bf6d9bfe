// declouder devices: every device declouder knows, how it is recognised, what it reports,
// and what declouder can do with it (listen, talk, simulate), straight from the device
// registry (so the list cannot go stale or claim more than works).
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "app/device_choice.hpp"
#include "definitions/descriptor.hpp"
#include "devices/registry.hpp"
#include "outputs/reading_json.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder devices [--json] [--definitions FILE|DIR]... [--no-builtin]
       declouder devices --check FILE

Lists every device declouder knows: its id (the "model" of its readings), the products
it covers, how declouder reaches it (advertisements, a GATT connection or a serial cable),
how it is recognised, what it reports, and what declouder can do with it:
  listens     its readings are decoded from the advertisements it broadcasts
  converses   `declouder read` and `declouder run` connect and ask it for a reading
  decode only declouder decodes its frames (`decode`, `capture decode`) but cannot talk to it
  declouder X a command of its own talks to it (the band's tap to pair, the armband's cable)
  simulator   the name `declouder simulate` and `run --simulate` take to play it

  --json   a JSON array, one object per device, with the keys id, name, link
           (advertisement, gatt or serial), converses (true when read and run can talk
           to it), listens, simulator (its name for `declouder simulate`, or null),
           reports (a list of the reading keys it can fill), command (the subcommand
           that talks to it when read and run do not, or null), recognised_by,
           service_data_uuids, company_ids, gatt_characteristics (4 hex digits each),
           gatt_uuids (128-bit vendor characteristics) when it has any,
           definition (the definition file a defined device comes from, or null)
  --check FILE  checks one definition file (docs/definitions.md) and says what device
           it defines; a mistake is one line FILE:LINE: what is wrong (exit status 1)

Example:
  declouder devices
  declouder devices --json
  declouder devices --check ~/.config/declouder/devices/acme-bs2.toml)";

std::string hex4(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", v);
  return buf;
}

Json hex_list(const std::vector<std::uint16_t>& values) {
  Json a = Json::array();
  for (auto v : values) a.push_back(hex4(v));
  return a;
}

// What declouder does with the device, in words: the truth about `read`, `run` and `simulate`.
std::string abilities(const DeviceDescriptor& d) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
  if (d.listens()) add("listens to its advertisements");
  if (d.converses())
    add(d.conversation->unattended ? "converses: `read` and `run` ask it at each wake-up"
                                   : "converses: `read` downloads what it stored");
  if (!d.own_command.empty())
    add("talked to by `declouder " + d.own_command + "` (not `read` or `run`)");
  else if (d.link != LinkMode::advertisement && !d.converses())
    add("decode only: declouder cannot talk to it yet");
  add(d.simulator ? "simulator: " + d.simulator->name : "no simulator");
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The file a defined device was loaded from ("" for a built-in one).
std::string definition_file(const DeviceDescriptor& d,
                            const std::vector<std::shared_ptr<const definitions::Definition>>& defined) {
  for (const auto& def : defined)
    if (def->id == d.id) return def->file;
  return "";
}

int check_definition(const std::string& path) {
  std::shared_ptr<const definitions::Definition> def;
  try {
    def = definitions::load_definition_file(path);
  } catch (const definitions::DefinitionError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  auto d = definitions::make_descriptor(def);
  std::cout << path << ": ok: device " << d->id << " (" << d->name << ")\n"
            << "  recognised by: " << d->recognised_by << '\n'
            << "  reports:       " << joined(d->reports) << '\n'
            << "  declouder:     " << abilities(*d) << '\n';
  for (const DeviceDescriptor* b : builtin_devices())
    if (b->id == d->id)
      std::cout << "  note: '" << d->id << "' is also a built-in device's id: use it with --no-builtin, or choose another id\n";
  return 0;
}

int run_devices(Args& args) {
  const bool json = args.flag("--json");
  const auto check = args.value("--check");
  const definitions::DeviceChoice choice = device_choice_option(args);
  args.finish();
  if (check) return check_definition(*check);
  std::vector<std::shared_ptr<const definitions::Definition>> defined;
  try {
    defined = definitions::load_definitions(choice);
  } catch (const definitions::DefinitionError& e) {
    throw CommandError(e.what());
  }
  const DeviceRegistry registry = definitions::make_registry(defined, choice.builtin);
  const auto devices = registry.devices();
  if (json) {
    Json all = Json::array();
    for (const DeviceDescriptor* d : devices) {
      Json j;
      j["id"] = d->id;
      j["name"] = d->name;
      const std::string maker = manufacturer_of(*d);
      j["manufacturer"] = maker.empty() ? Json(nullptr) : Json(maker);
      j["link"] = std::string(link_mode_name(d->link));
      j["converses"] = d->converses();
      j["listens"] = d->listens();
      j["command"] = d->own_command.empty() ? Json(nullptr) : Json(d->own_command);
      j["simulator"] = d->simulator ? Json(d->simulator->name) : Json(nullptr);
      j["reports"] = d->reports;
      j["recognised_by"] = d->recognised_by;
      j["service_data_uuids"] = hex_list(d->service_data_uuids);
      j["company_ids"] = hex_list(d->company_ids);
      j["gatt_characteristics"] = hex_list(d->gatt_characteristics);
      const std::string file = definition_file(*d, defined);
      j["definition"] = file.empty() ? Json(nullptr) : Json(file);
      if (!d->gatt_uuids.empty()) {  // 128-bit vendor characteristics, in the full form
        Json uuids = Json::array();
        for (const Uuid& u : d->gatt_uuids) uuids.push_back(u.str());
        j["gatt_uuids"] = uuids;
      }
      all.push_back(std::move(j));
    }
    std::cout << all.dump(2) << '\n';
    return 0;
  }
  std::cout << devices.size() << " devices\n";
  for (const DeviceDescriptor* d : devices) {
    std::cout << '\n' << d->id << "  [" << link_mode_name(d->link) << "]\n"
              << "  " << d->name << '\n'
              << "  recognised by: " << d->recognised_by << '\n'
              << "  reports:       " << joined(d->reports) << '\n'
              << "  declouder:     " << abilities(*d) << '\n';
  }
  return 0;
}

}  // namespace

extern const Command kDevicesCommand = {
    .name = "devices",
    .summary = "list every device declouder knows, what it reports and whether declouder can talk to it",
    .usage = kUsage,
    .run = run_devices,
};

}  // namespace declouder
