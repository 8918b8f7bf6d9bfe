// ICOMON / Lefu scales on service 0xFFB0 (Crenot Gofit S2, FG22xx, Runstar R6,
// Robi S9; vendor apps Fitdays and ICOMON) and the legacy MGB protocol on the
// same service (Swan, Icomon, YG).
//
// For the BLE conversation (ICOMON 20-byte frames): enable notifications on
// kLiveCharacteristic (0xFFB2) and indications on kResultCharacteristic (0xFFB3);
// the Crenot Gofit S2 needs no write at all. Hand every value to decode_frame().
// Offline-history entries (type A4) must be acknowledged with build_ack(), or the
// scale re-sends them on every connection. Byte layouts: icomon/protocol.cpp, mgb/descriptor.cpp.
#pragma once


#include <cstdint>

#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/reading.hpp"
#include "devices/parts.hpp"

namespace declouder::icomon {

constexpr std::uint16_t kService = 0xFFB0;
constexpr std::uint16_t kWriteCharacteristic = 0xFFB1;
constexpr std::uint16_t kLiveCharacteristic = 0xFFB2;    // notify: A2 live weight (and MGB streams)
constexpr std::uint16_t kResultCharacteristic = 0xFFB3;  // indicate: A3 final result
constexpr std::size_t kFrameSize = 20;

// Frame types.
constexpr std::uint8_t kTypeAck = 0xA0, kTypeInfo = 0xA1, kTypeLive = 0xA2, kTypeResult = 0xA3, kTypeHistory = 0xA4;
constexpr std::uint8_t kTypeAppAck = 0xB0;

// sum(bytes 3..18) & 0x1F: the checksum in byte 19.
std::uint8_t checksum(ByteView frame20);
// [seq][1 + payload size][00][type][payload][zero padding][checksum], 20 bytes.
// Payload beyond 15 bytes is cut.
Bytes build_frame(std::uint8_t seq, std::uint8_t type, ByteView payload);
// The app's acknowledgement of frame `acked_seq`: type B0, payload <acked_seq> 00.
Bytes build_ack(std::uint8_t seq, std::uint8_t acked_seq);
// A2 live, A3 final, A4 history -> reading; other types are named rejections.
DecodeOutcome decode_frame(ByteView frame);

// Legacy MGB 8-byte stream: AC 02 b2 b3 b4 b5 <flag> <checksum>; weights are tenths of
// `unit`, the display unit the app set (mgb/descriptor.cpp).
DecodeOutcome decode_mgb_stream(ByteView frame, WeightUnit unit = WeightUnit::kg);
// An app command to 0xFFB1: AC 02 b2 b3 b4 b5 CC <checksum>.
Bytes build_mgb_command(std::uint8_t b2, std::uint8_t b3, std::uint8_t b4, std::uint8_t b5);
// The unit byte of FE 06 <unit> 00: 0 kg, 1 lb, 2 st.
std::uint8_t mgb_unit_code(WeightUnit unit);
// The legacy MGB handshake, as its steps, for a conversation that has subscribed to FFB2: init
// (F7, FA), the person (FB), the date (FD), the time (FC) and the unit (FE 06), each written to
// FFB1 as `mode` (the MGB scales take them without response, the Taylor BIA with).
// icomon/conversation.cpp.
void append_mgb_handshake(Conversation& conv, const ConversationContext& c, bool with_response);

// The ICOMON descriptor (descriptor.cpp).
bool claims(const Advertisement& adv);
DecodeOutcome decode_gatt(const GattValue& v);

// The rest of the device, which descriptor.cpp puts together.
Conversation conversation(const ConversationContext& context);          // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

}  // namespace declouder::icomon
