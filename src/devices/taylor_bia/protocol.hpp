// The Taylor 5331891 BIA scale's frames (descriptor.cpp has the protocol and its sources).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/reading.hpp"

namespace declouder::taylor_bia {

inline constexpr const char* kModel = "taylor-bia";
inline constexpr std::uint16_t kService = 0xFFB0;
inline constexpr std::uint16_t kCommandCharacteristic = 0xFFB1;  // write: the MGB-style AC 02 … CC commands
inline constexpr std::uint16_t kFrameCharacteristic = 0xFFB2;    // notify: the 20-byte AC 27 frames
inline constexpr std::size_t kFrameSize = 20;
inline constexpr std::uint8_t kFlagLive = 0x00;
inline constexpr std::uint8_t kFlagLocked = 0x80;
inline constexpr std::uint8_t kFlagSummary = 0x01;
// Bytes 3..5 of a weight frame are ICOMON's packed weight word: grams in the low 18 bits, the
// display precision above them. The Taylor's top byte is 8C (8D from 65.536 kg), the ALPHA Smart
// Scale PRO 3's and the Runstar R5's 68 (69).
inline constexpr std::uint32_t kGramsMask = 0x3FFFF;
inline constexpr std::uint8_t kTaylorPrecision = 0x8C;

// The names of the scales that speak it: "5331891…" or "…BIA SCALE…" (Taylor), "MY_SCALE" (ALPHA
// Smart Scale PRO 3), "RUNSTAR-R5" and "RUNSTAR-RX", any case.
bool has_name(std::string_view name);

// One AC 27 frame on 0xFFB2: a live weight (not stabilized), a locked one or the summary that
// echoes it (stabilized), in kg (the scale counts grams whatever it displays).
DecodeOutcome decode_frame(ByteView frame);

// The frame's weight in grams, for the conversation's "the same value four times" rule; 0 when
// the frame carries none.
std::uint32_t frame_grams(ByteView frame);

}  // namespace declouder::taylor_bia
