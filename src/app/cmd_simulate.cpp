// declouder simulate: plays one or more Bluetooth devices, so declouder (and the home
// automation behind it) can be tried without owning them, and so tests have devices.
#include <cstdio>
#include <iostream>
#include <thread>

#include "app/cli.hpp"
#include "app/device_choice.hpp"
#include "capture/writer.hpp"
#include "definitions/session_capture.hpp"
#include "app/device_lists.hpp"
#include "devices/registry.hpp"
#include "link/simulated_device.hpp"
#include "radio/bus_loop.hpp"
#include "radio/esphome_api.hpp"
#include "sim/bluez_peripheral.hpp"
#include "sim/esphome_proxy.hpp"
#include "sim/fake_bluez.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder simulate DEVICE... [--weight KG] [--impedance OHM] [--heart-rate BPM]
                          [--address MAC] [--bindkey HEX] [--backend fake|bluez] [--adapter NAME]...
                          [--seconds N] [--definitions FILE|DIR]... [--no-builtin]
       declouder simulate DEVICE --capture FILE [--weight KG] [--impedance OHM] [--time ISO8601]
       declouder simulate --esphome-proxy HOST:PORT [--key BASE64] [--rssi DBM] [--name NODE] DEVICE...
       declouder simulate --list

Plays the named devices until stopped (Ctrl-C): they advertise with their real names,
UUIDs and data, and answer over GATT as the real devices do. `--list` names them all.

  --weight KG         the weight the scales measure (default 72.35)
  --impedance OHM     the impedance they measure (default 480)
  --heart-rate BPM    the heart rate, for devices that measure one (default none)
  --bindkey HEX       the key a device that encrypts its adverts uses (Xiaomi S400, S200,
                      S800; default a fixed test key, printed at start)
  --address MAC       the device address (one device only; default: a fixed one per device)
  --backend fake      (default) serve org.bluez ourselves, with simulated adapters, on the
                      D-Bus system bus named by DBUS_SYSTEM_BUS_ADDRESS: run it on a private
                      dbus-daemon and point `declouder scan`/`read` at the same bus
  --backend bluez     advertise and serve GATT through a real bluetoothd (its peripheral
                      API), on one adapter; one device at a time
  --adapter NAME      fake: the adapters to simulate (repeatable; default hci0; `none`
                      plays a bluetoothd without any adapter);
                      bluez: the adapter to advertise on (default the first)
  --seconds N         stop after N seconds instead of running until stopped
  --capture FILE      instead of serving the device, write what a phone's HCI log (btsnoop)
                      would hold while an app weighs with it: its advertisements, and for a
                      device that must be asked the connection, GATT discovery and the
                      conversation; `capture convert` rewrites it as PacketLogger or text,
                      `capture learn` learns a definition from it
  --time ISO8601      with --capture: when the capture starts (default now)

An ESPHome Bluetooth proxy instead of org.bluez (no D-Bus needed):
  --esphome-proxy HOST:PORT  serve ESPHome's native API on this address (127.0.0.1:6053)
                      as a Bluetooth proxy node with the devices in its room: it relays their
                      advertisements (raw or parsed, as the client subscribes) and connects to
                      them for its client (`declouder run --esphome HOST:PORT`)
  --key BASE64        the node's API encryption key (32 bytes in base64): Noise-encrypted,
                      as `api: encryption: key:` in a node's YAML; default plaintext
  --rssi DBM          the signal strength the node hears its devices at (default -60)
  --name NODE         the node's name (default declouder-proxy)

Failure injection (fake backend), to test how a client copes:
  --busy-discovery N        StartDiscovery answers org.bluez.Error.InProgress N times first
  --restart-after S         bluetoothd "restarts" after S seconds: org.bluez and every
                            object vanish, and return --restart-gap S (default 1) later
  --silent-after S          the scanner goes silent S seconds after discovery starts,
                            until discovery is stopped and started again
  --drop-after-writes N     the device hangs up right after the N-th write (once)

Prints one line per device when it is ready, then logs what happens to stderr.

Examples:
  declouder simulate mi-scale-2 --weight 72.35 --impedance 480
  declouder simulate picooc-mini crenot-gofit-s2 --adapter hci0 --adapter hci1
  declouder simulate --esphome-proxy 127.0.0.1:6053 --key "$KEY" mi-scale-2 picooc-mini)";

std::chrono::milliseconds seconds_option(Args& args, std::string_view name, double fallback = 0) {
  double v = args.number(name).value_or(fallback);
  if (v < 0) throw UsageError(std::string(name) + ": must not be negative");
  return std::chrono::milliseconds(static_cast<long long>(v * 1000));
}

// The devices behind a simulated ESPHome Bluetooth proxy node, until stopped.
int serve_esphome_proxy(const std::string& where, const std::optional<std::string>& key,
                        const std::optional<long long>& rssi, const std::optional<std::string>& name,
                        std::vector<std::unique_ptr<SimulatedDevice>> devices, std::chrono::milliseconds run_for) {
  EsphomeProxyOptions options;
  try {
    const esphome::Endpoint e = esphome::parse_endpoint(where);
    options.bind = e.host;
    options.port = e.port;
    if (key) options.key = esphome::parse_key(*key);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--esphome-proxy: ") + e.what());
  }
  if (rssi && (*rssi < -127 || *rssi > 20)) throw UsageError("--rssi: expected dBm between -127 and 20");
  if (rssi) options.rssi = static_cast<int>(*rssi);
  if (name) options.name = *name;
  const std::string node = options.name;
  options.log = [node](const std::string& line) {
    std::fprintf(stderr, "esphome-proxy %s: %s\n", node.c_str(), line.c_str());
    std::fflush(stderr);
  };
  std::vector<std::string> lines;
  for (const auto& d : devices)
    lines.push_back(std::string(d->kind()) + " \"" + d->advert().name + "\" " + d->address().str());
  SimulatedEsphomeProxy proxy(std::move(devices), options);
  try {
    proxy.start();
  } catch (const std::runtime_error& e) {
    throw CommandError(std::string("--esphome-proxy: ") + e.what());
  }
  const std::string at = options.bind + ":" + std::to_string(proxy.port());
  for (const auto& l : lines)
    std::cout << "simulating " << l << " behind a simulated ESPHome Bluetooth proxy at " << at << std::endl;
  std::cout << "ESPHome proxy '" << node << "' listening on " << at << (options.key ? " (encrypted)" : " (plaintext)")
            << std::endl;
  BusLoop::install_stop_signals();
  const auto deadline = run_for.count() > 0 ? std::chrono::steady_clock::now() + run_for
                                            : std::chrono::steady_clock::time_point::max();
  while (!BusLoop::interrupted() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  proxy.stop();
  return 0;
}

int run_simulate(Args& args) {
  const DeviceRegistry registry = device_registry(device_choice_option(args));
  if (args.flag("--list")) {
    args.finish();
    for (const DeviceDescriptor* d : registry.devices())
      if (d->simulator) std::cout << d->simulator->name << "  " << d->simulator->summary << '\n';
    return 0;
  }
  SimOptions sim;
  sim.weight_kg = args.number("--weight", 1, 300).value_or(sim.weight_kg);
  sim.impedance_ohm = args.number("--impedance", 0, 5000).value_or(sim.impedance_ohm);
  sim.heart_rate_bpm = static_cast<int>(args.integer("--heart-rate", 0, 250).value_or(0));
  if (auto key = args.value("--bindkey")) {
    sim.bindkey = parse_bindkey(*key);
    if (!sim.bindkey) throw UsageError("--bindkey: '" + *key + "' is not a 16-byte key (32 hex digits)");
  }
  if (sim.weight_kg <= 0 || sim.weight_kg > 300) throw UsageError("--weight: expected kilograms between 0 and 300");
  if (sim.impedance_ohm < 0 || sim.impedance_ohm > 6000) throw UsageError("--impedance: expected ohms between 0 and 6000");
  if (sim.heart_rate_bpm < 0 || sim.heart_rate_bpm > 250) throw UsageError("--heart-rate: expected 0-250 bpm");
  auto address = args.value("--address");
  if (address) {
    sim.address = MacAddress::parse(*address);
    if (!sim.address) throw UsageError("--address: '" + *address + "' is not a Bluetooth address (AA:BB:CC:DD:EE:FF)");
  }
  const std::string backend = args.value("--backend").value_or("fake");
  auto adapters = args.values("--adapter");
  const auto run_for = seconds_option(args, "--seconds");
  FakeBluezOptions fake;
  fake.busy_discovery_starts = static_cast<int>(args.integer("--busy-discovery", 0, 1000).value_or(0));
  fake.restart_after = seconds_option(args, "--restart-after");
  fake.restart_gap = seconds_option(args, "--restart-gap", 1);
  fake.silent_after = seconds_option(args, "--silent-after");
  sim.drop_after_writes = static_cast<int>(args.integer("--drop-after-writes", 0, 1000000).value_or(0));
  const auto capture_path = args.value("--capture");
  const auto capture_time = args.value("--time");
  const auto esphome_proxy = args.value("--esphome-proxy");
  const auto key = args.value("--key");
  const auto rssi = args.integer("--rssi", -127, 20);
  const auto node_name = args.value("--name");
  auto names = args.positionals();
  if (capture_path) {
    if (names.size() != 1) throw UsageError("--capture: name one device");
    const DeviceDescriptor* device = nullptr;
    for (const DeviceDescriptor* d : registry.devices())
      if (d->simulator && d->simulator->name == names[0]) device = d;
    if (!device) throw UsageError("unknown device '" + names[0] + "' (declouder simulate --list shows them)");
    definitions::SessionCaptureOptions options;
    options.unix_start = static_cast<std::int64_t>(std::time(nullptr));
    if (capture_time) {
      auto us = parse_iso8601_us(*capture_time);
      if (!us) throw UsageError("--time: '" + *capture_time + "' is not an ISO 8601 time (2024-03-17T19:59:33Z)");
      options.unix_start = *us / 1000000;
    }
    try {
      auto writer = capture::CaptureWriter::to_file(*capture_path, capture::CaptureFormat::btsnoop_h4);
      definitions::record_session(*device, sim, options, writer);
      writer.close();
    } catch (const capture::CaptureError& e) {
      throw CommandError(e.what());
    } catch (const SessionError& e) {
      throw CommandError(e.what());
    }
    return 0;
  }

  if (!esphome_proxy && (key || rssi || node_name))
    throw UsageError("--key, --rssi and --name belong to --esphome-proxy");
  if (backend != "fake" && backend != "bluez") throw UsageError("--backend: expected 'fake' or 'bluez', not '" + backend + "'");
  if (names.empty()) throw UsageError("name at least one device to simulate (declouder simulate --list shows them)");
  if (address && names.size() > 1) throw UsageError("--address: only with a single device");
  if (backend == "bluez" && names.size() > 1)
    throw UsageError("--backend bluez: one device per adapter (BlueZ gives each adapter one address and one GATT table)");

  for (const auto& n : names)
    if (!registry.find_simulator(n)) throw UsageError("unknown device '" + n + "' (declouder simulate --list shows them)");

  // Through bluetoothd the device has the adapter's address, whatever its default: the central
  // sees that one, and a device whose key or frames depend on its address must use it too.
  std::unique_ptr<sdbus::IConnection> connection;
  if (!esphome_proxy) {
    try {
      connection = sdbus::createSystemBusConnection();
    } catch (const sdbus::Error& e) {
      throw CommandError("cannot connect to the D-Bus system bus (DBUS_SYSTEM_BUS_ADDRESS): " + e.getMessage());
    }
  }
  if (backend == "bluez") {
    MacAddress real;
    try {
      real = find_peripheral_adapter(*connection, adapters.empty() ? std::string() : adapters.front()).address;
    } catch (const std::runtime_error& e) {
      throw CommandError(std::string("cannot advertise through bluetoothd: ") + e.what());
    }
    if (sim.address && *sim.address != real)
      throw UsageError("--address: through bluetoothd the device has its adapter's address, " + real.str());
    sim.address = real;
  }

  std::vector<std::unique_ptr<SimulatedDevice>> devices;
  std::map<std::string, int> seen;
  for (const auto& n : names) {
    const DeviceSimulator* info = registry.find_simulator(n);
    SimOptions o = sim;
    if (int k = seen[n]++; k > 0) {
      // The same device twice: give the second one its own address.
      MacAddress a = info->create(sim)->address();
      a.bytes[5] = static_cast<std::uint8_t>(a.bytes[5] + k);
      o.address = a;
    }
    devices.push_back(info->create(o));
  }

  if (esphome_proxy) return serve_esphome_proxy(*esphome_proxy, key, rssi, node_name, std::move(devices), run_for);

  BusLoop loop(*connection);
  BusLoop::install_stop_signals();
  std::unique_ptr<FakeBluez> fake_bluez;
  std::unique_ptr<BluezPeripheral> peripheral;
  std::vector<SimulatedDevice*> raw;
  for (auto& d : devices) raw.push_back(d.get());

  if (backend == "fake") {
    if (adapters == std::vector<std::string>{"none"})
      fake.adapters.clear();  // bluetoothd without an adapter
    else if (!adapters.empty())
      fake.adapters = adapters;
    fake_bluez = std::make_unique<FakeBluez>(*connection, loop, std::move(devices), fake);
    try {
      fake_bluez->start();
    } catch (const sdbus::Error& e) {
      throw CommandError("cannot serve org.bluez on this bus (" + e.getName() +
                         "): is a real bluetoothd running on it? Use --backend bluez to advertise through it, "
                         "or point DBUS_SYSTEM_BUS_ADDRESS at a private dbus-daemon");
    }
  } else {
    peripheral = std::make_unique<BluezPeripheral>(*connection, loop, std::move(devices.front()),
                                                   adapters.empty() ? std::string() : adapters.front());
    try {
      peripheral->start();
    } catch (const std::runtime_error& e) {
      throw CommandError(std::string("cannot advertise through bluetoothd: ") + e.what());
    }
  }
  for (auto* d : raw) {
    AdvertData a = d->advert();
    std::cout << "simulating " << d->kind() << " \"" << a.name << "\" " << d->address().str()
              << (backend == "fake" ? " on a simulated org.bluez" : " through bluetoothd") << std::endl;
    if (auto key = d->bindkey())  // what its owner writes into [[device]] bindkey
      std::cout << "  its adverts are encrypted: [[device]] address = \"" << d->address().str() << "\" bindkey = \""
                << to_hex(ByteView(key->data(), key->size())) << "\"" << std::endl;
  }
  const auto deadline = run_for.count() > 0 ? BusLoop::Clock::now() + run_for : BusLoop::Clock::time_point::max();
  loop.run_until([] { return false; }, deadline);
  if (peripheral) peripheral->stop();
  return 0;
}

}  // namespace

extern const Command kSimulateCommand = {
    .name = "simulate",
    .summary = "play Bluetooth devices (scales, bands) for trying and testing declouder",
    .usage = kUsage,
    .run = run_simulate,
    .usage_more = [] { return device_choice_help() + simulators_help(); },
};

}  // namespace declouder
