// Bluetooth UUIDs: 16-, 32- and 128-bit forms, compared as 128-bit values.
//
// "181b", "0x181B", "0000181b", "0000181b-0000-1000-8000-00805f9b34fb" are all the
// same UUID. Short forms expand on the Bluetooth base UUID.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace declouder {

struct Uuid {
  // Big-endian, as printed: bytes[0..3] hold the 32-bit short value for base UUIDs.
  std::array<std::uint8_t, 16> bytes{};

  static Uuid from16(std::uint16_t v);
  static Uuid from32(std::uint32_t v);
  // From 16 bytes as ATT carries them (little-endian).
  static Uuid from_le128(const std::uint8_t* p);
  static std::optional<Uuid> parse(std::string_view text);

  // True when this is the Bluetooth base UUID with a 16-bit value. Inline and branch-light:
  // every advertisement's dispatch asks it of each of its service UUIDs.
  bool is16() const { return bytes[0] == 0 && bytes[1] == 0 && is_base(); }
  bool is_base() const {  // base UUID with a 16- or 32-bit value
    return std::memcmp(bytes.data() + 4, kBaseTail.data(), kBaseTail.size()) == 0;
  }
  std::uint16_t short16() const { return static_cast<std::uint16_t>((bytes[2] << 8) | bytes[3]); }

  std::string str() const;        // always the full lowercase 36-character form
  std::string short_str() const;  // "181b" for base 16-bit UUIDs, else the full form

  auto operator<=>(const Uuid&) const = default;

  // The Bluetooth base UUID after its 32-bit value: xxxxxxxx-0000-1000-8000-00805f9b34fb.
  static constexpr std::array<std::uint8_t, 12> kBaseTail = {0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
                                                             0x00, 0x80, 0x5f, 0x9b, 0x34, 0xfb};
};

}  // namespace declouder
