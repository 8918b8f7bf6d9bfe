// declouder scan: lists the Bluetooth LE devices in range and which driver claims each.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "app/device_choice.hpp"
#include "devices/registry.hpp"
#include "outputs/reading_json.hpp"
#include "radio/bluez_client.hpp"
#include "radio/esphome_client.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder scan [--seconds N] [--json] [--adapter NAME] [--watchdog S]
                      [--esphome HOST[:PORT][,key=BASE64]]...

Listens for Bluetooth LE advertisements for N seconds (default 10) and lists every
device seen: address, name, signal strength (RSSI, dBm), and for each supported device
the driver that claims it. Nothing is stored.

  --seconds N     how long to listen (default 10)
  --json          one JSON object per device, with the keys address, name, rssi,
                  supported (true/false) and driver (null when unsupported); with
                  --esphome also radio (the radio that heard it best: "bluez" or
                  "esphome:HOST:PORT") and radios (each radio that heard it, its RSSI)
  --adapter NAME  the adapter to listen with, by name (hci1) or address; default the first
  --watchdog S    restart discovery when nothing was heard for S seconds (default 30):
                  some controllers stop reporting after hours of scanning
  --esphome HOST[:PORT][,key=BASE64]
                  also listen through this ESPHome Bluetooth proxy (repeatable); with
                  proxies, a machine without a usable adapter lists what they hear

Scanning uses BlueZ (bluetoothd) over the D-Bus system bus: LE only, duplicates on, so
a scale that re-advertises a changing weight is seen every time. It survives bluetoothd
restarting (discovery resumes when the adapter is back).

Exit status: 0 after listening (even when nothing was heard); 1 when Bluetooth cannot be
used (the reason, and what to do about it, on stderr); 2 for a mistake on the command line.)";

struct Seen {
  Advertisement adv;  // the latest, with the name kept from earlier adverts
  int count = 0;
  std::map<std::string, int> radios;  // radio -> latest RSSI through it
  std::string best() const {
    std::string r;
    int best = -1000;
    for (const auto& [radio, rssi] : radios)
      if (rssi > best) best = rssi, r = radio;
    return r;
  }
};

int run_scan(Args& args) {
  const bool json = args.flag("--json");
  const double seconds = args.number("--seconds").value_or(10);
  const std::string adapter = args.value("--adapter").value_or("");
  const double watchdog = args.number("--watchdog").value_or(30);
  const DeviceRegistry devices = device_registry(device_choice_option(args));
  const auto esphome_specs = args.values("--esphome");
  args.finish();
  std::vector<esphome::Endpoint> proxies;
  for (const auto& spec : esphome_specs) {
    try {
      proxies.push_back(esphome::parse_endpoint(spec));
    } catch (const std::invalid_argument& e) {
      throw UsageError("--esphome " + spec + ": " + e.what());
    }
  }
  if (seconds <= 0 || seconds > 86400) throw UsageError("--seconds: expected a number of seconds between 0 and 86400");
  if (watchdog < 0.1) throw UsageError("--watchdog: expected at least 0.1 seconds");

  std::map<std::string, Seen> seen;
  std::mutex mutex;  // the proxies' reader threads add to `seen` too
  auto heard = [&](const std::string& radio, const Advertisement& adv) {
    if (!adv.address) return;
    std::lock_guard lock(mutex);
    Seen& s = seen[adv.address->str()];
    std::string name = adv.name.empty() ? s.adv.name : adv.name;
    s.adv = adv;
    s.adv.name = name;
    if (adv.rssi) s.radios[radio] = *adv.rssi;
    else s.radios.emplace(radio, -127);
    ++s.count;
  };
  const auto deadline = BusLoop::Clock::now() + std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
  BusLoop::install_stop_signals();
  std::vector<std::unique_ptr<esphome::ProxyClient>> clients;
  for (const auto& e : proxies) {
    const std::string radio = "esphome:" + e.str();
    esphome::ProxyClient::Handlers h;
    h.on_advertisement = [&heard, radio](const Advertisement& a) { heard(radio, a); };
    auto c = std::make_unique<esphome::ProxyClient>(e, h);
    try {
      c->open(std::chrono::seconds(5));
    } catch (const std::exception& err) {
      std::fprintf(stderr, "declouder scan: ESPHome proxy %s: %s\n", e.str().c_str(), err.what());
      continue;
    }
    clients.push_back(std::move(c));
  }
  try {
    BluezClient client;
    ScanOptions options;
    options.adapter = adapter;
    options.watchdog = std::chrono::milliseconds(static_cast<long long>(watchdog * 1000));
    FrameHandlers handlers;
    handlers.on_advertisement = [&](const Advertisement& adv) { heard("bluez", adv); };
    Scanner scanner(client, options, handlers);
    scanner.run(deadline);
  } catch (const BleError& e) {
    if (proxies.empty()) throw CommandError(e.what());
    // With proxies, a machine without a usable adapter still lists what they hear.
    if (!adapter.empty()) throw CommandError(e.what());
    std::fprintf(stderr, "declouder scan: no local Bluetooth (%s); listening through the proxies only\n", e.what());
    while (!BusLoop::interrupted() && BusLoop::Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (auto& c : clients) c->close();
  // The signal strength shown is the best radio's.
  for (auto& [addr, s] : seen)
    if (!s.radios.empty()) s.adv.rssi = s.radios.at(s.best());

  std::vector<const Seen*> order;
  for (const auto& [addr, s] : seen) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(),
                   [](const Seen* a, const Seen* b) { return a->adv.rssi.value_or(-200) > b->adv.rssi.value_or(-200); });
  for (const Seen* s : order) {
    auto claimants = devices.claimants(s->adv);
    const DeviceDescriptor* driver = claimants.empty() ? nullptr : claimants.front();
    if (json) {
      Json j;
      j["address"] = s->adv.address->str();
      j["name"] = s->adv.name;
      j["rssi"] = s->adv.rssi ? Json(*s->adv.rssi) : Json(nullptr);
      j["supported"] = driver != nullptr;
      j["driver"] = driver ? Json(std::string(driver->id)) : Json(nullptr);
      if (!proxies.empty()) {  // with more than the local radio, which one heard it
        j["radio"] = s->best();
        Json radios = Json::array();
        for (const auto& [radio, rssi] : s->radios) radios.push_back({{"radio", radio}, {"rssi", rssi}});
        j["radios"] = radios;
      }
      std::cout << j.dump() << '\n';
    } else {
      std::printf("%s  %4s dBm  %-20s  %s%s\n", s->adv.address->str().c_str(),
                  s->adv.rssi ? std::to_string(*s->adv.rssi).c_str() : "?",
                  s->adv.name.empty() ? "(no name)" : s->adv.name.c_str(),
                  driver ? std::string(driver->id).c_str() : "not supported",
                  proxies.empty() ? "" : ("  via " + s->best()).c_str());
    }
  }
  if (seen.empty()) std::fprintf(stderr, "declouder scan: no Bluetooth LE device heard\n");
  return 0;
}

}  // namespace

extern const Command kScanCommand = {
    .name = "scan",
    .summary = "list the Bluetooth LE devices in range and the driver that claims each",
    .usage = kUsage,
    .run = run_scan,
    .usage_more = device_choice_help,
};

}  // namespace declouder
