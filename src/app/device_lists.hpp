// The device lists the help texts show (`read`, `run`, `simulate`), written from the device
// registry when the help is asked for, so no help text names a device by hand.
#pragma once

#include <string>

namespace declouder {

// "Devices with a conversation": what `read` can talk to and `run` asks by itself.
std::string conversations_help();
// "Simulated devices": what `simulate` and `run --simulate` can play.
std::string simulators_help();

}  // namespace declouder
