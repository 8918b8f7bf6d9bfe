// Xiaomi Mi Smart Scale v1: the 10-byte frame of its 0x181D service data, which is also
// the layout of one record of its GATT history (protocol.cpp documents the bytes).
#pragma once

#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/reading.hpp"
#include "devices/parts.hpp"

namespace declouder::mi_scale {

inline constexpr const char* kModel = "xiaomi-mi-scale";

bool claims(const Advertisement& adv);
// What the status byte's bit 6 means: the small-object mode in an XMTZC04HM's advert; nothing
// in a history record or in the original XMTZC01HM's advert (a person's weighing either way).
enum class ObjectBit { small_object_mode, ignored };
// One 10-byte frame: an advertisement's service data or a history record.
DecodeOutcome decode_frame(ByteView frame10, ObjectBit bit6);
DecodeOutcome decode_advert(const Advertisement& adv);

// The rest of the device, which descriptor.cpp puts together.
Conversation conversation(const ConversationContext& context);          // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

}  // namespace declouder::mi_scale
