// Weight Gurus Smart Scale 0376 (Greater Goods / DMD Brands; Transtek A3): the bytes, shared by
// the decoder, the conversation, the simulator and the tests. descriptor.cpp has the protocol in
// its opening comment; the part every A3 scale shares is in devices/transtek_a3.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/reading.hpp"
#include "core/uuid.hpp"
#include "devices/transtek_a3.hpp"

namespace declouder::weight_gurus {

constexpr const char* kModel = "weight-gurus-a3";
constexpr const char* kServiceText = "0d005750-c36b-11e3-9c1a-0800200c9a66";
inline const Uuid& service_uuid() {
  static const Uuid uuid = *Uuid::parse(kServiceText);
  return uuid;
}

constexpr std::uint16_t kFeatureCharacteristic = 0x8A20;      // read
constexpr std::uint16_t kCompositionCharacteristic = 0x8A22;  // indicate: body composition
constexpr std::uint16_t kWeightCharacteristic = 0x8A24;       // indicate: weighings

// Scale -> app, on 0x8A82, beside A0 and A1 (transtek_a3.hpp).
constexpr std::uint8_t kEventSlot = 0x83;         // 83 <slot> <18-byte name>, slots 1..8
constexpr std::uint8_t kEventProfileEcho = 0xC0;  // C0 and the body of a 51 command
// App -> scale, on 0x8A81, beside 02, 20, 21 and 22.
constexpr std::uint8_t kCommandAddUser = 0x03;  // 03 <slot> <18-byte name>
constexpr std::uint8_t kCommandProfile = 0x51;  // 51 17 <slot> <sex> <age> <height SFLOAT m> <unit>
constexpr std::uint8_t kProfileMask = 0x17;     // the field mask the vendor app sends

constexpr int kSlots = 8;
constexpr std::size_t kSlotNameLength = 18;
constexpr int kMaxHeightCm = 204;  // 205 cm would set the sign bit of the SFLOAT's mantissa

// "10376B" waiting to be paired, "00376B<serial>" once paired.
constexpr const char* kUnpairedName = "10376B";
constexpr const char* kPairedNamePrefix = "00376B";
bool is_weight_gurus_name(std::string_view name);

// What the conversation keeps in the device's memory (ConversationContext::memory).
constexpr const char* kPasswordKey = "weight_gurus_password";      // the scale's, from A0
constexpr const char* kAccountIdKey = "weight_gurus_account_id";  // ours, sent with 21
constexpr const char* kSlotKey = "weight_gurus_slot";             // the slot registered at pairing

// The weight frame on 0x8A24 (device_time: the scale's local wall clock).
DecodeOutcome decode_weight(ByteView b);

// The body-composition frame on 0x8A22.
struct Composition {
  std::uint32_t time = 0;  // seconds since 2010, the weight frame's
  std::optional<int> user;
  std::optional<double> bmr_kcal, fat_percent, water_percent, visceral_fat, muscle_percent, bone_percent;
  std::optional<int> battery_percent;
};
// Nothing when the frame is shorter than its flags announce (*why says so).
std::optional<Composition> parse_composition(ByteView b, const char** why = nullptr);
// A composition frame on its own (no weight: its bone percentage cannot become kg).
DecodeOutcome decode_composition(ByteView b);
// The scale's own body composition as device metrics of the weighing it belongs to.
void add_composition(Reading& weighing, const Composition& c);

// 03 <slot> <name>: ASCII, cut to 18 characters and padded with spaces.
Bytes add_user_command(int slot, std::string_view name);

struct Profile {
  int slot = 1;
  bool male = true;
  bool athlete = false;
  int age = 30;
  double height_cm = 170;
  WeightUnit unit = WeightUnit::kg;
};
// The height as the profile carries it: an SFLOAT in metres, (cm x 10) at exponent -3, the
// centimetres clamped to 1..204 (170 cm: 0xD6A4).
std::uint16_t height_sfloat(int height_cm);
// 51 17 <slot> <sex 1 male, 2 female; 3, 4 athletes> <age> <height> <unit 0 kg, 1 lb, 2 st>.
Bytes profile_command(const Profile& p);
// A 51 command or a C0 echo (the same body); nothing when a field is out of range or the
// height is 0 (the scale keeps the profile it had).
std::optional<Profile> parse_profile(ByteView b);

// The name in an 83 frame, trimmed ("" for a free slot: all spaces or zeros).
std::string slot_name(ByteView frame);
// The slot this person registers into: the configured one; else one already carrying their name
// (case-insensitive); else the lowest free one; else slot 1. names[s] / free[s] for slot s.
int choose_slot(std::optional<int> configured, std::string_view person_name,
                const std::array<std::string, kSlots + 1>& names, const std::array<bool, kSlots + 1>& free);

}  // namespace declouder::weight_gurus
