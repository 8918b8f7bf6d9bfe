// One record type for every capture container.
//
// btsnoop (datalinks 1001, 1002 and 2001), Apple PacketLogger (both byte
// orders), hcidump text and btmon text all become a stream of HciRecord: when
// it happened (Unix microseconds), which way it went, what kind of HCI packet
// it is, which controller saw it, and the raw HCI bytes WITHOUT any H4
// indicator byte. Where it was in the file (byte offset, 1-based record
// number) travels along so every later error can point back into the file.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.hpp"

namespace declouder::capture {

enum class Direction : std::uint8_t {
  host_to_controller,  // "sent": commands, outgoing ACL ("<" in hcidump/btmon text)
  controller_to_host,  // "received": events, incoming ACL (">")
  unknown,             // notes, index records, unknown PacketLogger types
};

enum class PacketKind : std::uint8_t {
  command,   // HCI command: opcode u16 LE, parameter length u8, parameters
  event,     // HCI event: event code u8, parameter length u8, parameters
  acl,       // ACL data: handle+flags u16 LE, data length u16 LE, data
  sco,       // SCO data
  iso,       // ISO data
  note,      // a text note (PacketLogger 0xFC, btmon system note / user logging)
  index,     // controller bookkeeping (monitor new/delete/open/close index, PacketLogger new controller)
  other,     // anything else the container carries (vendor diagnostics, LMP, power...)
};

std::string_view direction_name(Direction d);  // "host->controller", "controller->host", "unknown"
std::string_view kind_name(PacketKind k);      // "command", "event", "acl", ...

struct HciRecord {
  std::int64_t time_us = 0;  // Unix microseconds (text logs without a date: seconds since start)
  Direction direction = Direction::unknown;
  PacketKind kind = PacketKind::other;
  std::uint16_t controller = 0;  // controller index (btsnoop 2001 and btmon; 0 otherwise)
  // The packet bytes, without H4 indicator. Valid until the reader's next call.
  ByteView data;
  std::uint64_t file_offset = 0;    // where the record starts in the file
  std::uint64_t record_number = 0;  // 1-based, in file order
  // Text logs in decoded form: the packet was rebuilt from decoded lines.
  // `complete` is false when some bytes were not printed and are missing.
  bool rebuilt = false;
  bool complete = true;
};

}  // namespace declouder::capture
