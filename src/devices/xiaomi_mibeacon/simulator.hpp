// The Xiaomi MiBeacon scales' side (S400, S200, S800): one timeline, each model its objects.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "link/simulated_device.hpp"

namespace declouder::mibeacon {

// The key the simulators encrypt with unless told otherwise (`simulate --bindkey`).
extern const Bindkey kSimulatorKey;

struct ScaleModel {
  std::string kind;             // the simulator's name
  std::uint16_t product_id = 0;
  std::string default_address;  // "8C:D0:B2:F6:00:04"
  std::string name;             // advertised name, if the model has one
  // The object lists of one weighing, in order: each becomes one encrypted frame.
  std::function<std::vector<Bytes>(const SimOptions&)> frames;
};

// Idle frames (no objects), then each frame of a weighing advertised for 1.5 s with a new
// counter, then idle again and the next weighing.
std::unique_ptr<SimulatedDevice> scale_simulator(ScaleModel model, const SimOptions& options);

}  // namespace declouder::mibeacon
