// A definition becomes a device: the same DeviceDescriptor a built-in device has (dispatch
// keys, claims, decoders, the conversation when it must be asked), and a simulator derived
// from the definition itself, so a definition can be tried without hardware
// (`declouder simulate ID`, `run --simulate ID`).
#pragma once

#include <memory>

#include "definitions/definition.hpp"
#include "devices/descriptor.hpp"

namespace declouder::definitions {

// The descriptor keeps the definition alive (its readings' model points into it).
std::shared_ptr<const DeviceDescriptor> make_descriptor(std::shared_ptr<const Definition> definition);

// The simulator alone (tests, `capture learn`'s own checks).
std::unique_ptr<SimulatedDevice> make_simulator(std::shared_ptr<const Definition> definition, const SimOptions& options);

}  // namespace declouder::definitions
