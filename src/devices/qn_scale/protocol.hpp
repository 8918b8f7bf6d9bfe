// QN / Yolanda scales (Renpho "QN-Scale", FITINDEX ES-26M, Sencor, SEB, GE Fit
// Plus): weight and two resistances over GATT. Byte layouts: descriptor.cpp.
//
// The conversation (conversation.cpp) subscribes to the notify characteristic (0xFFE1 on
// service 0xFFE0, or 0xFFF1 on 0xFFF0) and WAITS for the 0x12 scale-info frame;
// parses it with parse_scale_info(), then writes build_config(info.protocol_type,
// unit) and build_time(now) (type 1: config to 0xFFE3, time to 0xFFE4; type 2:
// both to 0xFFF2), and decodes each 0x10 frame with decode_live(frame, info).
#pragma once

#include <cstdint>
#include <optional>

#include "core/bytes.hpp"
#include "core/reading.hpp"
#include "devices/parts.hpp"

namespace declouder::qn {

constexpr std::uint16_t kServiceType1 = 0xFFE0;
constexpr std::uint16_t kNotifyType1 = 0xFFE1;
constexpr std::uint16_t kConfigWriteType1 = 0xFFE3;
constexpr std::uint16_t kTimeWriteType1 = 0xFFE4;
constexpr std::uint16_t kServiceType2 = 0xFFF0;
constexpr std::uint16_t kNotifyType2 = 0xFFF1;
constexpr std::uint16_t kWriteType2 = 0xFFF2;
constexpr std::uint16_t kNewFirmwareService = 0xAE00;  // advertised by newer QN firmware

// QN clocks count seconds from 2000-01-01T00:00:00Z. (openScale uses 946702800,
// i.e. 05:00 UTC that day; unverified against a capture.)
constexpr std::int64_t kEpochUnix = 946684800;

struct ScaleInfo {
  std::uint8_t protocol_type = 0;  // echoed in every request
  // 100 when byte 10 of the short 0x12 frame is 1, else 10; 100 for the long (18-
  // and 20-byte) 0x12 frames of newer firmware (Renpho ES-26M, GE CS 10 G).
  std::optional<int> weight_divisor;
};
// The 0x12 scale-info frame (checksum verified).
std::optional<ScaleInfo> parse_scale_info(ByteView frame);

// A 0x10 live-weight frame. Without a known divisor it is guessed: raw values
// from 2500 up are taken as /100 (25.00 kg and more), smaller ones as /10.
DecodeOutcome decode_live(ByteView frame, std::optional<ScaleInfo> info = std::nullopt);

// A 0x23 stored (offline) record, sent after the 0x22 query of the ES-30M session.
DecodeOutcome decode_stored(ByteView frame);

// The 44-byte result frames of the extended firmware (GE CS 10 G): 0xB1 03 01, the weigh-in
// just completed; 0xB4 04 01, a stored record with its own time. Other B1/B4 records are
// unsupported_frame.
DecodeOutcome decode_extended_result(ByteView frame);

// 13 09 <protocol> <unit 01 kg, 02 lb> 10 00 00 00 <sum>
Bytes build_config(std::uint8_t protocol_type, WeightUnit unit);
// 02 <seconds since kEpochUnix, u32 little-endian>
Bytes build_time(std::int64_t unix_seconds);
// Acknowledges a stable 0x10 frame (GE Fit Plus, protocol 0xFF): 1F 05 <protocol> 10 <sum>
Bytes build_weight_ack(std::uint8_t protocol_type);

// The rest of the device, which descriptor.cpp puts together.
Conversation conversation(const ConversationContext& context);          // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

}  // namespace declouder::qn
