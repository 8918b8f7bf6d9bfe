// declouder scan: lists the Bluetooth LE devices in range and which driver claims each.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "app/device_choice.hpp"
#include "devices/registry.hpp"
#include "outputs/reading_json.hpp"
#include "radio/bluez_client.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder scan [--seconds N] [--json] [--adapter NAME] [--watchdog S]

Listens for Bluetooth LE advertisements for N seconds (default 10) and lists every
device seen: address, name, signal strength (RSSI, dBm), and for each supported device
the driver that claims it. Nothing is stored.

  --seconds N     how long to listen (default 10)
  --json          one JSON object per device, with the keys address, name, rssi,
                  supported (true/false) and driver (null when unsupported)
  --adapter NAME  the adapter to listen with, by name (hci1) or address; default the first
  --watchdog S    restart discovery when nothing was heard for S seconds (default 30):
                  some controllers stop reporting after hours of scanning

Scanning uses BlueZ (bluetoothd) over the D-Bus system bus: LE only, duplicates on, so
a scale that re-advertises a changing weight is seen every time. It survives bluetoothd
restarting (discovery resumes when the adapter is back).

Exit status: 0 after listening (even when nothing was heard); 1 when Bluetooth cannot be
used (the reason, and what to do about it, on stderr); 2 for a mistake on the command line.)";

struct Seen {
  Advertisement adv;  // the latest, with the name kept from earlier adverts
  int count = 0;
};

int run_scan(Args& args) {
  const bool json = args.flag("--json");
  const double seconds = args.number("--seconds").value_or(10);
  const std::string adapter = args.value("--adapter").value_or("");
  const double watchdog = args.number("--watchdog").value_or(30);
  const DeviceRegistry devices = device_registry(device_choice_option(args));
  args.finish();
  if (seconds <= 0 || seconds > 86400) throw UsageError("--seconds: expected a number of seconds between 0 and 86400");
  if (watchdog < 0.1) throw UsageError("--watchdog: expected at least 0.1 seconds");

  std::map<std::string, Seen> seen;
  try {
    BluezClient client;
    ScanOptions options;
    options.adapter = adapter;
    options.watchdog = std::chrono::milliseconds(static_cast<long long>(watchdog * 1000));
    FrameHandlers handlers;
    handlers.on_advertisement = [&](const Advertisement& adv) {
      if (!adv.address) return;
      Seen& s = seen[adv.address->str()];
      std::string name = adv.name.empty() ? s.adv.name : adv.name;
      s.adv = adv;
      s.adv.name = name;
      ++s.count;
    };
    Scanner scanner(client, options, handlers);
    BusLoop::install_stop_signals();
    scanner.run(BusLoop::Clock::now() + std::chrono::milliseconds(static_cast<long long>(seconds * 1000)));
  } catch (const BleError& e) {
    throw CommandError(e.what());
  }

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
      std::cout << j.dump() << '\n';
    } else {
      std::printf("%s  %4s dBm  %-20s  %s\n", s->adv.address->str().c_str(),
                  s->adv.rssi ? std::to_string(*s->adv.rssi).c_str() : "?",
                  s->adv.name.empty() ? "(no name)" : s->adv.name.c_str(),
                  driver ? std::string(driver->id).c_str() : "not supported");
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
