// 1byone "Health Scale" and Eufy C1/P1/A1 (T9146, T9147, T9120): weight and
// impedance over GATT. Byte layouts: descriptor.cpp.
//
// For the BLE conversation: enable notifications on kNotifyCharacteristic
// (0xFFF4, service 0xFFF0); write build_mode(unit), build_clock(now) and, for
// stored measurements, build_history_request() to kWriteCharacteristic (0xFFF1);
// after the scale's closing F2 00, build_history_clear(). Decode notifications
// with decode_frame().
#pragma once

#include <cstdint>

#include "core/bytes.hpp"
#include "core/reading.hpp"
#include "devices/parts.hpp"
#include "core/time.hpp"

namespace declouder::one_byone {

constexpr std::uint16_t kService = 0xFFF0;
constexpr std::uint16_t kWriteCharacteristic = 0xFFF1;
constexpr std::uint16_t kNotifyCharacteristic = 0xFFF4;

// FD 37 <unit 0 kg, 1 lb, 2 st> <group> 00 00 00 00 00 00 <xor of the 10 bytes before>
Bytes build_mode(WeightUnit unit, std::uint8_t group = 1);
// F1 <year u16 BE> <month> <day> <hour> <minute> <second> (the scale's wall clock)
Bytes build_clock(const CivilTime& t);
Bytes build_history_request();  // F2 00
Bytes build_history_clear();    // F2 01

// CF frames: live (11 bytes, XOR checksum; or two coalesced in 20) and history (18+).
DecodeOutcome decode_frame(ByteView frame);

// The rest of the device, which descriptor.cpp puts together.
Conversation conversation(const ConversationContext& context);          // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

}  // namespace declouder::one_byone
