// Yunmai scales (SE, Mini, Signal): weight, resistance and (newer firmware) the
// scale's own body fat % over GATT. Byte layouts: descriptor.cpp.
//
// For the BLE conversation: enable notifications on kNotifyCharacteristic
// (0xFFE4 on service 0xFFE0); write build_set_user(), build_set_time(now) and
// build_start() to kWriteCharacteristic (0xFFE9 on service 0xFFE5); decode the
// notifications with decode_frame().
#pragma once

#include <cstdint>

#include "core/bytes.hpp"
#include "core/reading.hpp"
#include "devices/parts.hpp"

namespace declouder::yunmai {

constexpr std::uint16_t kNotifyService = 0xFFE0;
constexpr std::uint16_t kNotifyCharacteristic = 0xFFE4;
constexpr std::uint16_t kWriteService = 0xFFE5;
constexpr std::uint16_t kWriteCharacteristic = 0xFFE9;

struct UserProfile {
  std::uint16_t user_id = 1;  // echoed by the scale in its final frame (Reading.user_slot)
  int height_cm = 170;
  bool male = true;
  int age = 30;
  WeightUnit unit = WeightUnit::kg;  // kg or lb
  bool athlete = false;
};

// 0D 12 10 01 00 00 <uid u16 BE> <height> <sex 1 m / 2 f> <age> 55 5A 00 00 <unit 1 kg / 2 lb> <activity> <xor>
Bytes build_set_user(const UserProfile& user);
// 0D 0D 11 <unix u32 BE> 00 00 00 00 00 <xor>
Bytes build_set_time(std::uint32_t unix_seconds);
// 0D 05 13 00 16: start / ask the protocol version
Bytes build_start();
// The XOR of bytes 1..n-2 that ends every app frame.
std::uint8_t checksum(ByteView frame);

// A frame from the scale: type 02 (final) -> reading; type 01 (measuring) -> not stabilized.
DecodeOutcome decode_frame(ByteView frame);

// The rest of the device, which descriptor.cpp puts together.
Conversation conversation(const ConversationContext& context);          // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

}  // namespace declouder::yunmai
