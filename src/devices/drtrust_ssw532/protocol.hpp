// Dr. Trust SSW532 / ICOMON FG2211WB (8-electrode) on service 0xFFB0: the bytes, shared by the
// decoder, the conversation and the tests. protocol.cpp has the protocol in its opening comment.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/reading.hpp"
#include "devices/parts.hpp"

namespace declouder::drtrust {

constexpr const char* kModel = "drtrust-ssw532";
constexpr std::uint16_t kService = 0xFFB0;
constexpr std::uint16_t kCommandCharacteristic = 0xFFB1;  // write (with response): the app's frames
constexpr std::uint16_t kLiveCharacteristic = 0xFFB2;     // notify: A2 live weight
constexpr std::uint16_t kResultCharacteristic = 0xFFB3;   // indicate: setup frames and results
constexpr std::size_t kFrameSize = 20;

// Byte 1 of the scale's frames on 0xFFB3: a setup frame, or a part of a result (byte 2 the part).
constexpr std::uint8_t kSetupFrame = 0x18;
constexpr std::uint8_t kResultFrame = 0x23;
constexpr std::uint8_t kPartWeight = 0x00, kPartSegments = 0x01, kPartEnd = 0x02;
// Byte 3 of a weight part: the commands of a weighing made now; any other is a stored one replayed.
constexpr std::uint8_t kCommandLive = 0xA3, kCommandLiveBia = 0xA7;
constexpr std::uint8_t kTypeLive = 0xA2;     // byte 3 of a live frame on 0xFFB2
constexpr std::uint8_t kLiveLocked = 0x03;   // byte 4 of a live frame: the weight is locked (it blinks)
constexpr double kSteppedOffKg = 2.0;        // a live weight below this after a weighing: the person left

// sum(bytes 3..18) mod 32: the low five bits of byte 19 (the top three are not part of it).
std::uint8_t checksum(ByteView frame20);
bool checksum_ok(ByteView frame20);
// A 20-byte frame whose checksum holds.
bool is_frame(ByteView b);

// "SSW532", "SSW…", anything with "FG2211" in it (any case).
bool has_name(std::string_view name);

// The app's frames to 0xFFB1, each 20 bytes with its checksum. Byte 0 numbers the app's
// messages (openScale calls the 01 of the profile a user slot; protocol.cpp says why it is not).
// 00 03 00 B0 <session>: the first of the three after the second setup frame.
Bytes session_frame(std::uint8_t session);
// <sequence> 1A 00 B8 <unix u32 BE> 01 4A 01 <height cm> 17 70 <0x80 | age> 13 88 0F 00: part 0
// of the profile message (26 bytes in all).
Bytes profile_frame(std::uint8_t sequence, std::uint32_t unix_seconds, int height_cm, int age_years);
// <sequence> 1A 01 00 00 00 06 "icomon": part 1 of the profile message, the app's id.
Bytes app_id_frame(std::uint8_t sequence);
// 04 03 00 B0 <id>: a result acknowledged (the scale stops blinking); <id> is byte 0 of the
// result's frames, which is the session id on scales that keep it (protocol.cpp).
Bytes teardown_frame(std::uint8_t id);

// The eight segmental impedances of a result's part 01, in ohms (Z1..Z8 at 3-18, u16 LE / 10).
using Segments = std::array<double, 8>;
std::optional<Segments> segments(ByteView frame);
// The foot-to-foot impedance of the segments: Z3 (trunk) + Z4 (right leg) + Z5 (left leg);
// nothing when a segment is missing (0) or the sum is no body's (1..3999 ohms).
std::optional<double> foot_to_foot(const Segments& z);

// Frames from the scale: a live frame (A2 on 0xFFB2) or a result's weight part (0x23 00 on
// 0xFFB3, A3/A7 only) -> a reading; every other frame of the family is a named rejection.
DecodeOutcome decode_frame(ByteView frame);
// A result's weight part of a weighing made now (A3/A7), whatever its weight.
bool is_live_result(ByteView frame);

// The descriptor (descriptor.cpp).
bool claims(const Advertisement& adv);
DecodeOutcome decode_gatt(const GattValue& v);

// The rest of the device, which descriptor.cpp puts together.
Conversation conversation(const ConversationContext& context);          // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

}  // namespace declouder::drtrust
