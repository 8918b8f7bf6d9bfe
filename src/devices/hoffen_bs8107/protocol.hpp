// Hoffen BS-8107 / ProfiCare PC-PW 3008 BT (Chipsea "WeChat scale" firmware): the frames, shared
// by the decoder, the conversation, the simulator and the tests. protocol.cpp has the protocol
// and its sources in its opening comment.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/reading.hpp"
#include "devices/parts.hpp"

namespace declouder::hoffen {

inline constexpr const char* kModel = "hoffen-bs8107";
inline constexpr std::uint16_t kService = 0xFFB0;
inline constexpr std::uint16_t kCharacteristic = 0xFFB2;  // notify + write with response: both ways
inline constexpr std::uint16_t kWeChatService = 0xFEE7;   // advertised too, but many devices do

inline constexpr std::uint8_t kMagic = 0xFA;
// Byte 1 of the scale's frames.
inline constexpr std::uint8_t kLiveWeight = 0x01, kFinal = 0x02, kAck = 0x03;
// Byte 1 of the app's frames.
inline constexpr std::uint8_t kMeasurementDone = 0x82, kSetUnit = 0x83, kSendUser = 0x85;
// Byte 5 of a final frame: the person stood barefoot (the composition follows), or not.
inline constexpr std::uint8_t kContact = 0x00, kNoContact = 0x04;
// A final frame with the composition: FA 02 11, 17 payload bytes (3..19), the checksum at 20.
inline constexpr std::size_t kCompositionFrameSize = 21;

// The XOR of bytes 1..n-2 (command, length, payload): the last byte of a frame.
std::uint8_t checksum(ByteView frame_without_checksum);
// FA <command> <payload size> <payload> <checksum>.
Bytes frame(std::uint8_t command, ByteView payload);

// The app's frames. The profile: FA 85 04 00 <sex: 1 male, 0 female> <age> <height cm> <xor>;
// the unit: FA 83 02 <1 kg, 2 lb, 3 st> 00 <xor>; the end: FA 82 01 00 <xor>.
Bytes user_frame(bool male, int age, int height_cm);
Bytes unit_frame(WeightUnit unit);
Bytes done_frame();
std::uint8_t unit_code(WeightUnit unit);  // 1 kg, 2 lb, 3 st (jin: kg)

// "Hoffen BS-8107" or "PC-PW 3008 BT", any case, surrounding spaces ignored: the whole name.
bool has_name(std::string_view name);

// What one value of the scale is, before any decoding: a whole frame whose checksum holds, a
// final frame still without its checksum (it comes in the next notification), or neither.
enum class FrameState { whole, checksum_follows, bad };
FrameState frame_state(ByteView b);

// One frame of the scale on 0xFFB2 -> a reading: a live weight (0x01, not stabilized) or the
// final measurement (0x02, stabilized, the scale's own composition as device metrics when the
// person stood barefoot). `shown` is the unit the scale was told: it counts kg in tenths, and
// pounds in tenths for lb and st alike. A frame without its checksum, or whose checksum does not
// hold, is refused (a named reason); acks and unknown commands too.
DecodeOutcome decode_frame(ByteView frame, WeightUnit shown = WeightUnit::kg);

// The descriptor (descriptor.cpp).
bool claims(const Advertisement& adv);
DecodeOutcome decode_gatt(const GattValue& v);

// The rest of the device, which descriptor.cpp puts together.
Conversation conversation(const ConversationContext& context);          // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

}  // namespace declouder::hoffen
