// A device described by a definition file (docs/definitions.md), compiled: what the loader
// (loader.hpp) makes of a TOML file and what `capture learn` (learn.hpp) writes one from.
//
// A definition describes one kind of frame that carries the reading (an advertisement's
// service data or manufacturer data, or the values of one characteristic), how that frame
// is recognised (length, constant bytes, a checksum), where each value hides in it (offset,
// width, byte order, sign, bit field, scale, placeholders) and which bits are flags
// (stabilized, load removed, impedance present, the displayed unit); and, for a device
// that must be asked, the conversation that asks it (subscribe, write a request built from
// a template, wait for a frame, acknowledge).
//
// The same compiled value decodes frames (decode_frame) and, for the simulator derived
// from it, builds them (encode_frame), so a definition can be tried without hardware.
// The idea of describing a device as data follows rtl_433's flex decoder
// (merbanan/rtl_433, src/devices/flex.c) and Theengs Decoder's JSON specs
// (theengs/decoder, src/devices/*_json.h); the format and the code are this project's.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/reading.hpp"
#include "core/uuid.hpp"
#include "link/gatt_link.hpp"

namespace declouder::definitions {

// An unsigned or signed integer at a fixed offset, optionally a bit field of it, scaled.
struct IntField {
  int offset = 0;        // from the frame's start; negative: from its end (-1 = last byte)
  int width = 2;         // bytes: 1..4
  bool big_endian = false;
  bool is_signed = false;
  int shift = 0;         // bit field: (raw >> shift) & ((1 << bits) - 1)
  int bits = 0;          // 0: the whole integer
  double scale = 1;      // value = raw * scale (kg x 200 on the wire: scale = 0.005)
  std::vector<long long> invalid;  // raw values that are placeholders (0xFFFF): no value
  int line = 0;          // where it was defined (for messages)
};

// One byte condition: (frame[offset] & mask) == value.
struct BitFlag {
  int offset = 0;
  std::uint8_t mask = 0;
  std::uint8_t value = 0;  // by default = mask (the bits set)
};

enum class TimeEncoding : std::uint8_t {
  unix32_be,  // Unix seconds, u32 big-endian
  unix32_le,  // Unix seconds, u32 little-endian
  civil_le,   // year u16 LE, month, day, hour, minute, second (the scale's wall clock)
  civil_be,   // year u16 BE, month, day, hour, minute, second
};
std::string_view time_encoding_name(TimeEncoding e);  // "unix32be", "unix32le", "civil-le", "civil-be"
std::optional<TimeEncoding> parse_time_encoding(std::string_view s);

struct TimeField {
  int offset = 0;
  TimeEncoding encoding = TimeEncoding::unix32_be;
};

enum class ChecksumAlgorithm : std::uint8_t {
  sum8,             // sum of the bytes mod 256
  xor8,             // XOR of the bytes
  crc8,             // CRC-8 (poly 0x07, init 0)
  crc8_maxim,       // CRC-8/MAXIM, Dallas 1-Wire (poly 0x31 reflected, init 0)
  crc16_modbus,     // CRC-16/MODBUS (poly 0x8005 reflected, init 0xFFFF)
  crc16_ccitt_false,  // CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF)
  crc16_xmodem,     // CRC-16/XMODEM (poly 0x1021, init 0)
  crc16_kermit,     // CRC-16/KERMIT (poly 0x1021 reflected, init 0)
};
std::string_view checksum_name(ChecksumAlgorithm a);  // "sum8", "crc16-modbus", ...
std::optional<ChecksumAlgorithm> parse_checksum(std::string_view s);
int checksum_width(ChecksumAlgorithm a);                // bytes: 1 or 2
std::uint32_t compute_checksum(ChecksumAlgorithm a, ByteView bytes);

struct Checksum {
  ChecksumAlgorithm algorithm = ChecksumAlgorithm::sum8;
  int from = 0;   // first byte covered (negative: from the end)
  int to = -2;    // last byte covered, inclusive
  int at = -1;    // where the checksum is
  bool big_endian = false;  // for 16-bit checksums
};

enum class FrameSource : std::uint8_t { service_data, manufacturer_data, characteristic };

struct Constant {
  int offset = 0;
  Bytes bytes;
};

struct Frame {
  FrameSource source = FrameSource::characteristic;
  Uuid uuid;                  // service data UUID or characteristic (16-bit)
  std::uint16_t company = 0;  // manufacturer data company id
  std::size_t min_length = 1, max_length = 255;
  std::vector<Constant> constants;
  std::optional<Checksum> checksum;

  std::optional<IntField> weight, impedance, heart_rate, user_slot, battery;
  WeightUnit unit = WeightUnit::kg;  // the weight's unit when no unit flag says otherwise
  std::optional<TimeField> time;
  std::optional<BitFlag> stabilized, load_removed, impedance_present, unit_lb, unit_jin, unit_st;
};

// A request template: literal bytes and placeholders filled in when the conversation starts.
struct TemplatePart {
  enum class Kind : std::uint8_t { literal, time_be32, time_le32, height_cm, age, sex, user_slot, sum8, xor8 };
  Kind kind = Kind::literal;
  std::uint8_t byte = 0;  // literal
};
using Template = std::vector<TemplatePart>;
std::string template_text(const Template& t);  // "f1 09 3a {time_be32} a5 00"

struct TemplateContext {
  std::int64_t unix_now = 0;
  int height_cm = 170, age = 30, user_slot = 1;
  bool male = true;
};
Bytes fill_template(const Template& t, const TemplateContext& c);

// A pattern a frame must match: hex bytes, "??" for any byte; shorter than the frame matches its start.
struct Pattern {
  Bytes bytes;
  Bytes mask;  // 0xFF: must equal; 0x00: any
  bool matches(ByteView v) const;
};

struct ConversationStep {
  enum class Kind : std::uint8_t { subscribe, write, wait_reading, wait_pattern, pause };
  Kind kind = Kind::subscribe;
  Uuid characteristic;                        // subscribe; write: `to`
  Template bytes;                             // write
  WriteMode mode = WriteMode::with_response;  // write
  Pattern pattern;                            // wait_pattern
  std::optional<Template> ack;                // wait: written after each frame it accepts
  std::optional<Uuid> ack_to;
  WriteMode ack_mode = WriteMode::with_response;
  bool until_stable = true;                   // wait_reading: unstabilized readings keep waiting
  std::string prompt;                         // wait: tell the person ("step on the scale")
  bool optional = false;
  std::chrono::milliseconds timeout{10000};   // wait; pause length
};

struct DefinedConversation {
  Uuid service;  // the GATT service holding the characteristics (for the simulator)
  std::vector<ConversationStep> steps;
  bool needs_person = false;
  bool unattended = true;
  std::string summary;
};

struct Definition {
  std::string file;  // where it was loaded from ("" when built in memory)
  std::string id;    // the model of its readings
  std::string name;
  std::string manufacturer;  // "" = the first word of the name (DeviceDescriptor::manufacturer)
  std::vector<std::string> names;       // name patterns: * and ? globs, case-insensitive
  std::vector<Uuid> service_uuids;      // advertised services (any one claims)
  Frame frame;
  std::optional<DefinedConversation> conversation;
};

// Case-insensitive glob: '*' any run, '?' one character.
bool glob_match(std::string_view pattern, std::string_view text);

// The frame's checks and fields. Never throws, never allocates; `model` goes into the reading.
DecodeOutcome decode_frame(const Frame& f, ByteView bytes, const char* model);

// What the simulator derived from a definition sends.
struct EncodeValues {
  double weight_kg = 72.35;
  double impedance_ohm = 480;
  std::int64_t unix_now = 0;
  bool stabilized = true;
  bool load_removed = false;
};
Bytes encode_frame(const Frame& f, const EncodeValues& v);

// The reading keys a definition's readings can fill (DeviceDescriptor::reports).
std::vector<std::string> reported_keys(const Definition& d);

}  // namespace declouder::definitions
