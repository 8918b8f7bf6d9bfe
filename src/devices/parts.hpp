// What a device's protocol.hpp declares its conversation and simulator with, without
// pulling in the session runner or the simulator interface: forward declarations only
// (devices/descriptor.hpp has the whole types).
#pragma once

#include <memory>

namespace declouder {
struct Conversation;
struct ConversationContext;
class SimulatedDevice;
struct SimOptions;
}  // namespace declouder
