// The GoWearFit / ArmBand Mini flash image: what a memory download returns.
//
// Source: RawBodyBugg (bmhack.py), verified against its public capture of one download
// and the decode it publishes (ftest: 856 minutes). A stream of records, each opening with a
// one-byte type:
//
//   0x01  1 + 5 x 22  record-definition table (`record define`): per entry type u8,
//                     name char[9] NUL padded, divisor u16 LE (1/32 s ticks),
//                     8 channel ids (0xFE unused), record size u8 (incl. type), u8 0
//   0x06  1 + 2 + n x 10  channel table (`channel show`): count u16 LE, (id u8, name char[9])
//   0x02  5           session start: Unix seconds u32 LE; the sample clocks restart here
//   0x03  5           session end: Unix seconds u32 LE
//   0x35  11          diagnostic: 6 bytes (code u16 LE, value u16 LE, 2 unknown) + Unix s u32 LE
//   0x30  5           u32, unknown
//   0x10.. per the definition table: one epoch of that definition's channels,
//                     12-bit samples, MSB-first nibbles, 0xF pad nibble when odd
//   0xFF or 0x04      end of data
//
// Sample k of a definition after a session start at T is at T + k * divisor/32 s
// (each definition keeps its own count, so definitions with other divisors work).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "devices/bodybugg/pdp.hpp"

namespace declouder::bodybugg {

struct RecordDefinition {
  std::uint8_t type = 0;  // the record type byte that carries it (0x10..)
  std::string name;       // "V6RES1"
  std::uint16_t divisor = 0;
  std::vector<std::uint8_t> channels;  // without the 0xFE empty slots
  std::uint8_t size = 0;               // bytes per record including the type byte
};

struct FlashSample {
  std::int64_t unix_seconds = 0;
  std::uint8_t channel_id = 0;
  std::optional<std::uint16_t> value;  // nullopt = 0xFFF, no data
  std::int64_t session_start = 0;      // the type-0x02 record it belongs to
  std::uint16_t divisor = 0;           // of its record definition
};

struct FlashEvent {
  std::uint8_t type = 0;  // 0x02 start, 0x03 end, 0x35 diagnostic, 0x30 unknown
  std::int64_t unix_seconds = 0;
  Bytes payload;
};

struct FlashImage {
  std::vector<RecordDefinition> definitions;
  std::vector<std::pair<std::uint8_t, std::string>> channel_table;
  std::vector<FlashSample> samples;  // in image order
  std::vector<FlashEvent> events;
  std::size_t end_offset = 0;  // offset of the end marker (or of the break)
  bool ended = false;          // an end marker was found
  std::optional<std::string> error;  // why parsing stopped early, with the offset
};

FlashImage parse_flash_image(ByteView image);

// The image as per-channel sessions (one per session start and channel), the
// shape the store keeps for every armband: model "GoWearFit", format "flash".
PdpDump flash_sessions(const FlashImage& image, std::uint32_t device_address);

}  // namespace declouder::bodybugg
