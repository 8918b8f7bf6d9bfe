// Eufy Smart Scale P2 (T9148) and P2 Pro (T9149): the authentication both sides speak and the
// weight frame. The facts and sources are in descriptor.cpp's opening comment.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "core/reading.hpp"
#include "core/uuid.hpp"

namespace declouder::eufy_p2 {

const Uuid kService = Uuid::from16(0xFFF0);
const Uuid kCommands = Uuid::from16(0xFFF1);  // write: the app's C0/C2
const Uuid kWeights = Uuid::from16(0xFFF2);   // notify: CF weight frames, after authentication
const Uuid kAuth = Uuid::from16(0xFFF4);      // notify: the scale's C1/C3

// The key: MD5 of the MAC's 12 hex digits, upper case, without colons.
std::array<std::uint8_t, 16> key_for(const MacAddress& mac);
// AES-128-CBC with the fixed IV of 16 ASCII '0', PKCS#7 padding, then base64.
std::string seal(const std::string& text, const std::array<std::uint8_t, 16>& key);
// The reverse; nothing when the base64, the padding or the text is not right.
std::optional<std::string> open(const std::string& base64, const std::array<std::uint8_t, 16>& key);

// "Sub-contract" frames: <prefix> <segments> <index> <total length> <up to 15 bytes> <XOR of
// the frame's previous bytes>, carrying `payload` (the base64 text's bytes).
std::vector<Bytes> segments(std::uint8_t prefix, const std::string& payload);
// Joins the payloads of a segment sequence as frames arrive; `complete` after the last.
struct Reassembly {
  std::string text;
  bool complete = false;
  // False: not a well-formed segment of `prefix` (wrong prefix, length or checksum).
  bool add(std::uint8_t prefix, ByteView frame);
};

// The 16-byte CF frame on 0xFFF2.
DecodeOutcome decode_weight(ByteView frame);
// A CF frame (the simulator's): impedance in ohm (0: none), final or still settling.
Bytes weight_frame(double kg, double ohm, bool final);

}  // namespace declouder::eufy_p2
