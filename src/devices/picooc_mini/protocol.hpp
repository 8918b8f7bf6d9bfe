// Picooc scales: the Picooc Mini (and the other "PICOOC-…" connect-and-ask
// models) over GATT, and the Picooc Mini Lite ("PICOOC-L") that only broadcasts.
//
// For the BLE conversation (Picooc Mini): connect, enable indications on
// kNotifyCharacteristic (0xFFF1), write build_request(now) to kWriteCharacteristic
// (0xFFF2, write without response), then hand each indication to
// parse_response(). Acknowledge live, body-composition and heart-rate frames with
// build_ack(opcode).
// Byte layouts: see the headers of picooc_mini.cpp and picooc_mini_lite.cpp.
#pragma once


#include <cstdint>
#include <optional>
#include <string_view>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/reading.hpp"
#include "devices/parts.hpp"

namespace declouder::picooc {

constexpr std::uint16_t kService = 0xFFF0;
constexpr std::uint16_t kNotifyCharacteristic = 0xFFF1;  // indications from the scale
constexpr std::uint16_t kWriteCharacteristic = 0xFFF2;   // requests, write without response
constexpr std::uint16_t kMacCompanyId = 10;              // the Mini's manufacturer data: its MAC

// F1 09 3A <unix seconds u32 big-endian> A5 00: "send me the measurement".
Bytes build_request(std::uint32_t unix_seconds);
// F1 03 <opcode>: the generic acknowledgement (live 0x39 and heart-rate 0x3C frames want one).
Bytes build_ack(std::uint8_t opcode);
// A measurement response (39 0D <time u32be> <weight u16be x20> ...), the scale's own body
// composition (0x32), or a heart-rate frame (0x3C).
DecodeOutcome parse_response(ByteView frame);

// The Mini puts its MAC in manufacturer data (company 10: D0 49 00 3F A1 5C),
// because some platforms (macOS) hide the address from applications.
std::optional<MacAddress> mac_from_advert(const Advertisement& adv);

// "PICOOC-CQ", "PICOOC-C1", "Latin-…" (connect-and-ask models); not the Mini Lite.
bool is_mini_name(std::string_view name);
// "PICOOC-L": the broadcast-only Mini Lite.
bool is_mini_lite_name(std::string_view name);

// The Mini Lite's 16-byte manufacturer value (the two "company id" bytes first).
DecodeOutcome decode_mini_lite_frame(ByteView frame16);

// The Picooc Mini's descriptor (descriptor.cpp).
bool claims(const Advertisement& adv);
DecodeOutcome decode_gatt(const GattValue& v);

// The rest of the device, which descriptor.cpp puts together.
Conversation conversation(const ConversationContext& context);          // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

}  // namespace declouder::picooc
