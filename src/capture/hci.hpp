// The HCI layer inside capture records: commands, events, ACL headers, LE
// advertising reports (legacy 0x02 and extended 0x0D) and their AD structures,
// LE (enhanced) connection complete, disconnection complete.
//
// Pure functions over bytes (bounds-checked, never throwing). Layouts follow
// the Bluetooth Core specification (Vol 4 Part E, HCI; Vol 6 Part B, LL advertising
// PDUs); checked against tshark's dissection of generated captures.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/frame.hpp"

namespace declouder::capture {

struct HciCommand {
  std::uint16_t opcode = 0;  // OGF << 10 | OCF
  ByteView params;
};
struct HciEvent {
  std::uint8_t code = 0;
  ByteView params;
};
struct AclPacket {
  std::uint16_t handle = 0;  // connection handle, 12 bits
  std::uint8_t pb = 0;       // packet boundary flag: 0 first non-flushable, 1 continuation, 2 first flushable, 3 complete
  std::uint8_t bc = 0;       // broadcast flag
  ByteView data;
};

// Header checks: the length field must match the bytes present (a shorter
// packet is rejected; extra trailing bytes are ignored, as Wireshark does).
std::optional<HciCommand> parse_command(ByteView packet);
std::optional<HciEvent> parse_event(ByteView packet);
std::optional<AclPacket> parse_acl(ByteView packet);

std::string command_name(std::uint16_t opcode);  // "LE Set Scan Enable" or "OGF 0x3f OCF 0x0001"
std::string event_name(std::uint8_t code);       // "Disconnection Complete" or "event 0x99"

// HCI event codes and LE meta subevents this layer understands.
namespace ev {
constexpr std::uint8_t disconnection_complete = 0x05;
constexpr std::uint8_t command_complete = 0x0E;
constexpr std::uint8_t command_status = 0x0F;
constexpr std::uint8_t number_of_completed_packets = 0x13;
constexpr std::uint8_t le_meta = 0x3E;
constexpr std::uint8_t le_connection_complete = 0x01;
constexpr std::uint8_t le_advertising_report = 0x02;
constexpr std::uint8_t le_enhanced_connection_complete = 0x0A;
constexpr std::uint8_t le_extended_advertising_report = 0x0D;
}  // namespace ev

struct AdvertReport {
  bool extended = false;
  std::uint16_t event_type = 0;  // legacy: 0 ADV_IND .. 4 SCAN_RSP; extended: bit field
  std::uint8_t address_type = 0;
  MacAddress address;
  std::optional<int> rssi;  // dBm; none when the controller says 127 (unavailable)
  ByteView ad;              // the AD structures
};
std::string_view advert_event_type_name(const AdvertReport& r);  // "ADV_IND", "SCAN_RSP", "EXT_ADV", ...

// Calls `each` for every report of an LE Meta event (subevent 0x02 or 0x0D;
// params start at the subevent byte). Returns nullptr, or why the event is
// malformed (reports before the fault were delivered).
const char* for_each_advert_report(ByteView le_meta_params, const std::function<void(const AdvertReport&)>& each);

// Fills name, service UUIDs, service data (16/32/128-bit UUIDs) and
// manufacturer data from AD structures. Returns nullptr or why they are
// malformed (structures before the fault are kept).
const char* parse_ad_structures(ByteView ad, Advertisement& out);

struct LeConnection {
  std::uint8_t status = 0;
  std::uint16_t handle = 0;
  std::uint8_t role = 0;  // 0 central, 1 peripheral
  std::uint8_t peer_address_type = 0;
  MacAddress peer;
};
// From LE Meta params (subevent 0x01 or 0x0A).
std::optional<LeConnection> parse_le_connection_complete(ByteView le_meta_params);

struct Disconnection {
  std::uint8_t status = 0;
  std::uint16_t handle = 0;
  std::uint8_t reason = 0;
};
std::optional<Disconnection> parse_disconnection_complete(ByteView event_params);
std::string_view hci_error_name(std::uint8_t code);  // 0x08 -> "Connection Timeout"

}  // namespace declouder::capture
