// Medisana BS430/BS440/BS444 (Transtek): weight frame + body frame over GATT.
// Byte layouts: descriptor.cpp.
//
// For the BLE conversation: enable indications on kWeightCharacteristic (0x8A21),
// kBodyCharacteristic (0x8A22) and 0x8A82 (service 0x78B2); write
// build_time_command(now, epoch_for_name(name)) to kCommandCharacteristic
// (0x8A81); the scale then sends its stored measurements. Decode with
// decode_weight() / decode_body() and merge the two by time and user.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.hpp"
#include "core/reading.hpp"
#include "devices/parts.hpp"

namespace declouder::medisana {

constexpr std::uint16_t kService = 0x78B2;
constexpr std::uint16_t kWeightCharacteristic = 0x8A21;  // indicate
constexpr std::uint16_t kBodyCharacteristic = 0x8A22;    // indicate
constexpr std::uint16_t kCommandCharacteristic = 0x8A81; // write
constexpr std::uint16_t kCustomCharacteristic = 0x8A82;  // indicate
constexpr std::uint8_t kWeightFrameMarker = 0x1D;  // byte 0 of a weight frame (bits 5-6: the unit)
constexpr std::uint8_t kBodyFrameMarker = 0x6F;    // byte 0 of a body frame

// BS440/BS444 count seconds from 2010-01-01 UTC; the BS430 counts Unix seconds.
constexpr std::int64_t kEpoch2010Unix = 1262304000;
enum class Epoch { unix1970, y2010 };
Epoch epoch_for_name(std::string_view name);  // "0203B…" (BS430) -> unix1970, else y2010

// 02 <timestamp u32 little-endian in the scale's epoch>
Bytes build_time_command(std::int64_t unix_seconds, Epoch epoch);

DecodeOutcome decode_weight(ByteView frame);
DecodeOutcome decode_body(ByteView frame);

// The rest of the device, which descriptor.cpp puts together.
Conversation conversation(const ConversationContext& context);          // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

}  // namespace declouder::medisana
