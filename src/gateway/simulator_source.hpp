// Any device's simulator (the device side of its protocol: mi-scale, sig-scale,
// picooc-mini, crenot-gofit-s2, ...; `declouder simulate --list`) hosted in-process as a source,
// on a wall-clock SimulatorLink: what the device advertises reaches the
// pipeline as BlueZ would report it (the current advertisement repeated every
// 100 ms, and at once when it changes), on the device's own timeline; and the
// conversations the gateway asks for are held with the device over that link
// (no D-Bus: for the whole BlueZ path, run `declouder simulate` on a bus).
//
// Spec text (for --simulate): NAME[:weight=KG,impedance=OHM,address=MAC,rssi=DBM]
#pragma once

#include <string>

#include "devices/registry.hpp"
#include "gateway/source.hpp"
#include "link/simulated_device.hpp"

namespace declouder {

struct SimulatorSpec {
  std::string name;
  const DeviceSimulator* simulator = nullptr;  // in a descriptor of the registry it was found in
  SimOptions options;
  int rssi = -65;
};

// Throws std::invalid_argument naming what is wrong (unknown device or key).
SimulatorSpec parse_simulator_spec(const std::string& text, const DeviceRegistry& devices);

class SimulatorSource : public Source {
 public:
  explicit SimulatorSource(SimulatorSpec spec) : spec_(std::move(spec)) {}
  std::string describe() const override;
  std::string label() const override { return "simulated:" + spec_.name; }
  bool simulated() const override { return true; }
  bool can_converse() const override;  // the device serves GATT
  // The simulated device's address and the key its adverts are encrypted with (the key its
  // owner would have written into [[device]] bindkey), when it encrypts them.
  std::optional<std::pair<MacAddress, Bindkey>> device_key() const;
  void run(const FrameHandlers& to, const StopFlag& stop) override;

 private:
  SimulatorSpec spec_;
};

}  // namespace declouder
