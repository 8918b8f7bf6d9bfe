// Omron WLC body-composition monitors (HBF-702T, HBF-222T/227T/228T/230T, BCM-500, VIVA): the
// bytes, shared by the decoder, the conversation, the simulator and the tests.
// descriptor.cpp has the protocol and its sources in its opening comment.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/reading.hpp"
#include "core/uuid.hpp"

namespace declouder::omron {

constexpr const char* kModel = "omron-wlc";

// The vendor service: one unlock channel, four command channels, four response channels.
extern const Uuid kService;
extern const Uuid kUnlock;
extern const std::array<Uuid, 4> kCommand;   // app -> scale, 16 bytes of a command each
extern const std::array<Uuid, 4> kResponse;  // scale -> app, 16 bytes of a response each
constexpr std::size_t kChannelWidth = 16;

// The unlock channel. App: <op> <16 bytes>; scale: <ack u16 BE>.
constexpr std::size_t kKeySize = 16;
constexpr std::uint8_t kOpWriteKey = 0x00;
constexpr std::uint8_t kOpUnlock = 0x01;
constexpr std::uint8_t kOpKeyProgramming = 0x02;
constexpr std::uint16_t kAckKeyWritten = 0x8000;
constexpr std::uint16_t kAckUnlocked = 0x8100;
constexpr std::uint16_t kAckKeyProgramming = 0x8200;

// Response types: the two bytes after a response frame's length.
constexpr std::uint16_t kTypeStart = 0x8000;
constexpr std::uint16_t kTypeRead = 0x8100;
constexpr std::uint16_t kTypeEnd = 0x8F00;

constexpr std::size_t kMaxReadBlock = 0x20;    // bytes one EEPROM read may ask for
constexpr std::uint16_t kIndexBlock = 0x01A0;  // per slot: write pointer (0-3), unread count (4-7)
constexpr std::uint8_t kPointerMask = 0x3F;    // the pointer's bits; the top two are flags

// A model's record layout.
struct Profile {
  std::size_t record_size;                    // bytes per record
  std::array<std::uint16_t, 4> slot_base;     // EEPROM address of each user slot's record 0
  int records_per_slot;                       // the ring buffer's depth
  double visceral_step;                       // level per raw unit: 0.5 on 48-byte records
  bool has_body_age;                          // some HBF-222T trims do not measure it
  std::uint16_t record_address(int slot, int index) const {
    return static_cast<std::uint16_t>(slot_base[static_cast<std::size_t>(slot)] + index * record_size);
  }
};
extern const Profile kProfile702T;          // HBF-702T, KRD-703T: 48-byte records
extern const Profile kProfile32;            // HBF-222T-AP, HBF-227T, HBF-228T, HBF-230T
extern const Profile kProfile32NoBodyAge;   // HBF-222T (EU/LatAm), BCM-500, VIVA

struct Model {
  std::string_view display_name;  // "Omron HBF-702T"
  const Profile* profile;
};
// The model behind an advertised "BLEsmart_<group><model>…" or a GAP name ("HBF-702T"), or
// nothing: another Omron (a blood-pressure monitor) or not an Omron.
std::optional<Model> model_for(std::string_view name);

// XOR of every byte: what a frame's last byte makes zero.
std::uint8_t bcc(ByteView b);
// Session commands, each one 8-byte frame: [len][cmd][flags][addr BE][size][00][bcc].
Bytes start_transmission();
Bytes end_transmission();
Bytes read_eeprom(std::uint16_t address, std::size_t length);  // length 1..kMaxReadBlock
// The unlock channel's commands: <op> <key>, and 02 <16 zero bytes>.
Bytes unlock_command(ByteView key);
Bytes write_key_command(ByteView key);
Bytes key_programming_command();

// A response frame [len][type u16 BE][addr u16 BE][size][payload…][result][bcc].
struct Response {
  std::uint16_t type = 0;
  std::uint16_t address = 0;
  Bytes data;  // what a read returned; a frame that declares more than it carries reads as 0xFF
  std::uint8_t result = 0;
};
// Nothing when truncated or its checksum is wrong.
std::optional<Response> parse_response(ByteView frame);
// The read response the scale sends (for the simulator and the tests).
Bytes read_response(std::uint16_t address, ByteView payload);

// One record of a slot's ring buffer. not_this_device for an erased or zeroed slot;
// invalid_value for an impossible date or weight.
DecodeOutcome decode_record(ByteView record, const Profile& profile);
// The reverse, for the simulator and the tests: a record with these values (0: not measured).
struct RecordFields {
  CivilTime time;
  double weight_kg = 0, fat_percent = 0, muscle_percent = 0, bmi = 0, visceral_level = 0;
  int bmr_kcal = 0, body_age = 0;
};
Bytes encode_record(const RecordFields& f, const Profile& profile);

}  // namespace declouder::omron
