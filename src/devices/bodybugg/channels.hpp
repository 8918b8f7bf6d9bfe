// The BodyMedia armband's channel table (what `channel show` prints and what the
// GoWearFit flash image stores as its type-0x06 record) and the 12-bit sample
// packing every BodyMedia container shares.
//
// Channel ids 0-41 are the device's own table (`channel show` in bemasher's BodyBuggBypass
// write-up; the same
// ids and names in the RawBodyBugg flash image). The `retrieve PDP` dump also
// uses 0xF9 for TIMESTMP (button presses) and 0x68 for DIAGNSTC, outside the table.
//
// Samples are unsigned 12-bit counts packed most-significant nibble first: in the
// PDP text dump as 3 hex digits per sample (so a line can have an odd number of
// digits and must never be hex-decoded to bytes first), in the binary flash image
// as a nibble stream padded with 0xF when the count is odd. 0xFFF means "no data"
// (consistent in both public dumps: BodyBuggBypass's and RawBodyBugg's).
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"

namespace declouder::bodybugg {

constexpr std::uint16_t kNoData = 0xFFF;
constexpr std::uint8_t kTimestampChannel = 0xF9;
constexpr std::uint8_t kDiagnosticChannel = 0x68;
constexpr std::uint8_t kUnusedChannel = 0xFE;  // empty slot in a record definition
constexpr int kTicksPerSecond = 32;            // divisors are in 1/32 s ticks

// "MOVTSKIN" for 9, "TIMESTMP" for 0xF9, "DIAGNSTC" for 0x68; empty when unknown.
std::string_view channel_name(std::uint8_t id);
std::optional<std::uint8_t> channel_id(std::string_view name);

// 12-bit samples from hex digits, 3 per sample, most significant first.
// Returns nullopt at the first non-hex digit; a trailing partial sample (1-2
// digits) is an error too. 0xFFF becomes nullopt inside the vector.
struct NibbleDecode {
  std::vector<std::optional<std::uint16_t>> samples;
  std::size_t error_at = std::string_view::npos;  // digit index of the first bad digit
};
NibbleDecode samples_from_hex_digits(std::string_view digits);

// `count` 12-bit samples from bytes, nibble stream most significant first.
// The caller checks that bytes holds at least ceil(count*3/2) bytes.
std::vector<std::optional<std::uint16_t>> samples_from_bytes(ByteView bytes, std::size_t count);

// Inverse, for simulators: samples to hex digits / to bytes padded with 0xF.
std::string samples_to_hex_digits(const std::vector<std::optional<std::uint16_t>>& samples);
Bytes samples_to_bytes(const std::vector<std::optional<std::uint16_t>>& samples);

}  // namespace declouder::bodybugg
