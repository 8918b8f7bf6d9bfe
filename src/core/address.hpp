// Bluetooth device addresses (48 bits), printed and parsed as "AA:BB:CC:DD:EE:FF".
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace declouder {

struct MacAddress {
  // Most significant octet first, as people write it: bytes[0] is "AA" in AA:BB:...
  std::array<std::uint8_t, 6> bytes{};

  // Accepts "aa:bb:cc:dd:ee:ff", "AA-BB-...", "aabbccddeeff".
  static std::optional<MacAddress> parse(std::string_view text);
  // From the 6 bytes as they travel in HCI packets (least significant octet first).
  static MacAddress from_le(const std::uint8_t* p);
  // From 6 bytes in printed order (most significant first), as some scales embed it.
  static MacAddress from_be(const std::uint8_t* p);

  std::string str() const;          // "AA:BB:CC:DD:EE:FF"
  std::string dbus_path_part() const;  // "AA_BB_CC_DD_EE_FF" (BlueZ object paths)
  std::uint8_t last_octet() const { return bytes[5]; }

  auto operator<=>(const MacAddress&) const = default;
};

}  // namespace declouder
