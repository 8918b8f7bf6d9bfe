// Excelvan CF366/CF369BLE ("Electronic Scale"): the scale computes everything
// from the user profile the app sends. Byte layouts: descriptor.cpp.
//
// For the BLE conversation: enable notifications on kNotifyCharacteristic
// (0xFFF4, service 0xFFF0), write build_user_config() to kWriteCharacteristic
// (0xFFF1), decode the single CF result frame with decode_result().
#pragma once

#include <cstdint>

#include "core/bytes.hpp"
#include "core/reading.hpp"
#include "devices/parts.hpp"

namespace declouder::excelvan {

constexpr std::uint16_t kService = 0xFFF0;
constexpr std::uint16_t kWriteCharacteristic = 0xFFF1;
constexpr std::uint16_t kNotifyCharacteristic = 0xFFF4;

struct UserConfig {
  std::uint8_t user_id = 1;
  bool male = true;
  int activity = 0;  // 0, 1, 2
  int height_cm = 170;
  int age = 30;
  WeightUnit unit = WeightUnit::kg;  // kg, lb or st
};
// FE <user> <sex 1 m / 0 f> <activity> <height cm> <age> <unit 1 kg, 2 lb, 4 st> <xor of bytes 1..6>
Bytes build_user_config(const UserConfig& user);

// The 16/17-byte CF result frame. The weight is in the configured unit;
// `configured` says which (kg unless the conversation chose another).
DecodeOutcome decode_result(ByteView frame, WeightUnit configured = WeightUnit::kg);

// The rest of the device, which descriptor.cpp puts together.
Conversation conversation(const ConversationContext& context);          // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

}  // namespace declouder::excelvan
