// The Renpho/Lefu "55 AA" protocol (ES-26BB-B, ES-CS20M, ES-32MD): frames on 0x2A10/0x2A11 of
// service 0x1A10.
//
// Every frame: 55 AA <command> 00 <payload length> <payload> <sum of all previous bytes mod 256>.
// Scale to app (payload offsets):
//   0x10  command result: [0] 1 ok
//   0x11  start/stop (ES-CS20M) or scale info (ES-26BB): [0] 1 start / power on, 0 stop
//   0x14  live weight: [0] type (0x01 or 0x11: final), [1-4] weight u32 BE, kg x 100,
//         [5-6] resistance u16 BE, ohm
//   0x15  stored weighing: [0-3] weight u32 BE kg x 100, [4-5] resistance u16 BE, [6-9] seconds
//         since it was measured u32 BE (the scale has no clock)
//   0x16  history saved (ack of 0x96): [0] 1 accepted; 0x17 profile written (ack of 0x97)
//   0x18  body-composition result (ES-CS20M): [5-6] weight u16 BE kg x 100, [7-8] resistance 1,
//         [9-10] resistance 2, u16 BE ohm
//   0x19  an interim body-composition frame (may come split: AD/AF-prefixed parts)
// App to scale: 0x90 start, 0x95 stored weighing received, 0x96 the person, 0x97 the time,
// 0x99 interim frame received.
//
// Sources: openScale scales/RenphoES26BBHandler.kt and scales/ESCS20MHandler.kt.
// Re-implemented from those facts; no public capture was found, the tests build frames from
// this layout.
#pragma once

#include "core/reading.hpp"
#include "core/uuid.hpp"

namespace declouder::renpho_55aa {

const Uuid kService = Uuid::from16(0x1A10), kFrames = Uuid::from16(0x2A10), kCommands = Uuid::from16(0x2A11);

// A whole frame around `payload`.
Bytes frame(std::uint8_t command, ByteView payload);
// The payload of a well-formed frame of `command`, or the reason it is not one.
struct Parsed {
  DecodeOutcome error = DecodeOutcome::reject(DecodeStatus::not_this_device, "");
  std::uint8_t command = 0;
  ByteView payload;
  bool ok() const { return error.ok(); }
};
Parsed parse(ByteView b);

// The weighing frames (0x14, 0x15, 0x18) of `model`; other frames are unsupported_frame.
DecodeOutcome decode(ByteView b, const char* model);

}  // namespace declouder::renpho_55aa
