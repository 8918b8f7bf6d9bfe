// Yunmai X (YMBS-M268): the one advertisement frame both sides speak. The facts and sources
// are in descriptor.cpp's opening comment.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/reading.hpp"

namespace declouder::yunmai_x {

// The 16-bit service UUID the scale lists in its advertisements (it advertises no name).
constexpr std::uint16_t kAdvertService = 0x1320;

// Byte 8 of the payload: where the weighing is.
enum class State : std::uint8_t {
  measuring = 0x01,  // live weight
  stable = 0x02,     // the weight settled, the impedance still being measured
  final = 0x03,      // the result, with the impedance (0 when none was measured)
};

struct Frame {
  std::uint8_t session = 0;      // constant within one weighing, otherwise unexplained
  State state = State::measuring;
  std::uint16_t weight_centi_kg = 0;  // kg x 100
  std::uint16_t impedance_ohm = 0;
};

// The manufacturer-data entry as it is heard: the "company id" and the 14 bytes after it. Both
// carry the scale's MAC (reversed), then the 0B 74 17 signature, the frame and its XOR.
std::pair<std::uint16_t, Bytes> build_advert(const MacAddress& mac, const Frame& frame);

// Is this entry a Yunmai X frame at all (length, signature, checksum and, when the address is
// known, the MAC the frame echoes)? Cheap: dispatch asks it of every advertisement.
bool is_frame(std::uint16_t company, ByteView payload, const std::optional<MacAddress>& address);
// Only the length and the 0B 74 17 signature: which manufacturer entry is the frame.
bool has_signature(ByteView payload);

// One entry to a reading: weight (not stabilized before the final frame), impedance.
DecodeOutcome decode(std::uint16_t company, ByteView payload, const std::optional<MacAddress>& address);

}  // namespace declouder::yunmai_x
