// ATT protocol data units (L2CAP channel 0x0004): every opcode named, the
// attribute handle and value pulled out where the PDU carries them.
//
// Layouts from the Bluetooth Core specification (Vol 3 Part F); names as
// Wireshark's btatt dissector (epan/dissectors/packet-btatt.c)
// prints them, so `capture att` and tshark read alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/bytes.hpp"

namespace declouder::capture {

std::string_view att_opcode_name(std::uint8_t opcode);  // 0x1b -> "Handle Value Notification"
std::string_view att_error_name(std::uint8_t code);     // 0x0a -> "Attribute Not Found"

bool att_is_request(std::uint8_t opcode);   // expects a response (or, 0x1D, a confirmation)
bool att_is_response(std::uint8_t opcode);  // answers the other side's request

struct AttPdu {
  std::uint8_t opcode = 0;
  std::optional<std::uint16_t> handle;  // when the PDU itself names one attribute
  ByteView value;                       // the attribute value (or part) it carries; empty when none
  std::optional<std::uint8_t> error_code;       // Error Response
  std::optional<std::uint8_t> request_opcode;   // Error Response: the request it refuses
  ByteView params;                      // everything after the opcode
};

// nullopt when the PDU is empty or too short for its opcode's fixed fields.
std::optional<AttPdu> parse_att(ByteView pdu);

}  // namespace declouder::capture
