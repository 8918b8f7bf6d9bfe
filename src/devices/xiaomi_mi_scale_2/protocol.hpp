// Xiaomi Mi Body Composition Scale 2: the 13-byte frame of its 0x181B service data
// (protocol.cpp documents the bytes).
#pragma once

#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/reading.hpp"
#include "devices/parts.hpp"

namespace declouder::mi_scale_2 {

inline constexpr const char* kModel = "xiaomi-mi-scale-2";

bool claims(const Advertisement& adv);
DecodeOutcome decode_frame(ByteView frame13);
DecodeOutcome decode_advert(const Advertisement& adv);

// The rest of the device, which descriptor.cpp puts together.
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

}  // namespace declouder::mi_scale_2
