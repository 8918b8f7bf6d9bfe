// A simulated ESPHome Bluetooth proxy node: it serves ESPHome's native API on TCP
// (radio/esphome_api.hpp: plaintext, or Noise-encrypted with a key) with declouder's
// simulated devices (link/simulated_device.hpp) "in its room": it relays their
// advertisements, raw (batched, BluetoothLERawAdvertisementsResponse) or parsed
// (BluetoothLEAdvertisementResponse) as the subscription's flags ask, and holds GATT
// connections to them for its client (connect, services, read, write, notify, descriptor
// writes, free connection slots), so declouder's proxy client, and any other client such as
// @2colors/esphome-native-api, can be tested end to end without an ESP32.
//
// What it copies from a real node (ESPHome's esphome/components/api and
// esphome/components/bluetooth_proxy): the hello and device info (feature flags: passive
// scan, active connections, remote caching, raw advertisements), the batching of raw
// advertisements every 100 ms (up to 16 per message), 3 connection slots, and ONE
// Bluetooth subscriber at a time: a second client's subscription is refused with the
// node's own log line, "Only one API subscription is allowed at a time".
//
// Each device runs on its own thread on a wall-clock SimulatorLink (link/simulator_link.hpp),
// advertising every 100 ms while nobody is connected to it, as in `run --simulate`.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "link/simulated_device.hpp"
#include "radio/noise.hpp"

namespace declouder {

struct EsphomeProxyOptions {
  std::string name = "declouder-proxy";        // the node's name (its hello and device info)
  std::string bind = "127.0.0.1";
  int port = 6053;                             // 0: any free port (port() says which)
  std::optional<NoiseHandshake::Key> key;      // encrypted when set (api: encryption: key:)
  int rssi = -60;                              // what the node hears its devices at
  MacAddress mac{{0x24, 0x6F, 0x28, 0x00, 0x12, 0x34}};
  unsigned connection_slots = 3;
  std::function<void(const std::string&)> log;  // what the node would log
};

class SimulatedEsphomeProxy {
 public:
  SimulatedEsphomeProxy(std::vector<std::unique_ptr<SimulatedDevice>> devices, EsphomeProxyOptions options);
  ~SimulatedEsphomeProxy();
  SimulatedEsphomeProxy(const SimulatedEsphomeProxy&) = delete;
  SimulatedEsphomeProxy& operator=(const SimulatedEsphomeProxy&) = delete;

  // Binds, listens and starts the devices. Throws std::runtime_error (port in use...).
  void start();
  int port() const;
  // Closes every connection and stops the devices.
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace declouder
