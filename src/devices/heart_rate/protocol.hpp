// The standard Bluetooth Heart Rate service (0x180D), as a device: protocol.cpp
// documents the Heart Rate Measurement (0x2A37) it decodes.
#pragma once

#include "core/frame.hpp"
#include "core/reading.hpp"
#include "devices/parts.hpp"

namespace declouder::heart_rate {

inline constexpr const char* kModel = "heart-rate-sensor";

bool claims(const Advertisement& adv);
DecodeOutcome decode_gatt(const GattValue& v);

// The rest of the device, which descriptor.cpp puts together.
Conversation conversation(const ConversationContext& context);          // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

}  // namespace declouder::heart_rate
