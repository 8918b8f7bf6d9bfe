#include "capture/att.hpp"

namespace declouder::capture {

std::string_view att_opcode_name(std::uint8_t op) {
  switch (op) {
    case 0x01: return "Error Response";
    case 0x02: return "Exchange MTU Request";
    case 0x03: return "Exchange MTU Response";
    case 0x04: return "Find Information Request";
    case 0x05: return "Find Information Response";
    case 0x06: return "Find By Type Value Request";
    case 0x07: return "Find By Type Value Response";
    case 0x08: return "Read By Type Request";
    case 0x09: return "Read By Type Response";
    case 0x0A: return "Read Request";
    case 0x0B: return "Read Response";
    case 0x0C: return "Read Blob Request";
    case 0x0D: return "Read Blob Response";
    case 0x0E: return "Read Multiple Request";
    case 0x0F: return "Read Multiple Response";
    case 0x10: return "Read By Group Type Request";
    case 0x11: return "Read By Group Type Response";
    case 0x12: return "Write Request";
    case 0x13: return "Write Response";
    case 0x16: return "Prepare Write Request";
    case 0x17: return "Prepare Write Response";
    case 0x18: return "Execute Write Request";
    case 0x19: return "Execute Write Response";
    case 0x1B: return "Handle Value Notification";
    case 0x1D: return "Handle Value Indication";
    case 0x1E: return "Handle Value Confirmation";
    case 0x20: return "Read Multiple Variable Request";
    case 0x21: return "Read Multiple Variable Response";
    case 0x23: return "Multiple Handle Value Notification";
    case 0x52: return "Write Command";
    case 0xD2: return "Signed Write Command";
  }
  return "Unknown";
}

std::string_view att_error_name(std::uint8_t code) {
  switch (code) {
    case 0x01: return "Invalid Handle";
    case 0x02: return "Read Not Permitted";
    case 0x03: return "Write Not Permitted";
    case 0x04: return "Invalid PDU";
    case 0x05: return "Insufficient Authentication";
    case 0x06: return "Request Not Supported";
    case 0x07: return "Invalid Offset";
    case 0x08: return "Insufficient Authorization";
    case 0x09: return "Prepare Queue Full";
    case 0x0A: return "Attribute Not Found";
    case 0x0B: return "Attribute Not Long";
    case 0x0C: return "Insufficient Encryption Key Size";
    case 0x0D: return "Invalid Attribute Value Length";
    case 0x0E: return "Unlikely Error";
    case 0x0F: return "Insufficient Encryption";
    case 0x10: return "Unsupported Group Type";
    case 0x11: return "Insufficient Resources";
  }
  return "Application Error";
}

bool att_is_request(std::uint8_t op) {
  switch (op) {
    case 0x02: case 0x04: case 0x06: case 0x08: case 0x0A: case 0x0C: case 0x0E: case 0x10:
    case 0x12: case 0x16: case 0x18: case 0x20:
      return true;
  }
  return false;
}

bool att_is_response(std::uint8_t op) {
  switch (op) {
    case 0x01: case 0x03: case 0x05: case 0x07: case 0x09: case 0x0B: case 0x0D: case 0x0F: case 0x11:
    case 0x13: case 0x17: case 0x19: case 0x21:
      return true;
  }
  return false;
}

std::optional<AttPdu> parse_att(ByteView pdu) {
  if (pdu.empty()) return std::nullopt;
  AttPdu a;
  a.opcode = pdu[0];
  a.params = pdu.subspan(1);
  const ByteView p = a.params;
  switch (a.opcode) {
    case 0x01:
      if (p.size() < 4) return std::nullopt;
      a.request_opcode = p[0];
      a.handle = le16(&p[1]);
      a.error_code = p[3];
      break;
    case 0x0A:  // Read Request: handle
      if (p.size() < 2) return std::nullopt;
      a.handle = le16(p.data());
      break;
    case 0x0C:  // Read Blob Request: handle, offset
      if (p.size() < 4) return std::nullopt;
      a.handle = le16(p.data());
      break;
    case 0x0B: case 0x0D: case 0x0F: case 0x21:  // responses carrying a value
      a.value = p;
      break;
    case 0x12: case 0x1B: case 0x1D: case 0x52:  // handle, value
      if (p.size() < 2) return std::nullopt;
      a.handle = le16(p.data());
      a.value = p.subspan(2);
      break;
    case 0xD2:  // handle, value, 12-byte signature
      if (p.size() < 14) return std::nullopt;
      a.handle = le16(p.data());
      a.value = p.subspan(2, p.size() - 14);
      break;
    case 0x16: case 0x17:  // handle, offset, part value
      if (p.size() < 4) return std::nullopt;
      a.handle = le16(p.data());
      a.value = p.subspan(4);
      break;
    default: break;
  }
  return a;
}

}  // namespace declouder::capture
