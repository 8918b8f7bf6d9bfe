// The BodyMedia armband's binary frames, as the GoWearFit/ArmBand Mini speaks
// them over its FTDI serial link (921600 8N1).
//
// Source: RawBodyBugg's bmhack.py (public domain), verified against the 10 frames of its
// public capture of one download (ftest).
//
//   offset size  field
//   0      1     sync 0xAB (outside the checksum)
//   1      1     kind: 0x03 request, 0x04 answer
//   2      2     length, LE: always 60 (0x3C) in practice
//   4      4     from-address, big-endian (host 0x0000000E; the armband 0x0E00802A)
//   8      4     to-address (host requests use 0xFFFFFFFF, "any device")
//   12     1     command: bank in the low bits, bit 7 set in requests (0x82 = memory read)
//   13     1     sequence / sub-command
//   14     50    body, zero padded
//   64     1     checksum = sum of bytes 1..63 mod 256
//   65     1|4   trailer 0xBA (answers: one; requests: BA BA BA BA)
//
// Memory read (command 0x82): body = offset u32 LE + length u16 LE (at most 8800).
// Answer: ceil(length/44) consecutive 66-byte frames (command 0x02), each body =
// offset u32 LE, chunk length u16 **BE**, 44 data bytes.
//
// This is the framing layer only: it knows nothing of what the body means, so a
// different framing (or none) can replace it under the command layers.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"

namespace declouder::armband {

constexpr std::uint8_t kSync = 0xAB;
constexpr std::uint8_t kTrailer = 0xBA;
constexpr std::uint8_t kKindRequest = 0x03;
constexpr std::uint8_t kKindAnswer = 0x04;
constexpr std::uint16_t kLength = 60;
constexpr std::size_t kBodySize = 50;
constexpr std::size_t kFrameSize = 66;    // up to and including the first trailer byte
constexpr std::size_t kRequestSize = 69;  // requests carry three more 0xBA
constexpr std::uint32_t kHostAddress = 0x0000000E;
constexpr std::uint32_t kAnyDevice = 0xFFFFFFFF;
constexpr std::uint8_t kCommandMemoryRead = 0x82;
constexpr std::size_t kMemoryChunk = 44;
constexpr std::size_t kMaxMemoryRead = 8800;

struct Frame {
  std::uint8_t kind = kKindRequest;
  std::uint32_t from = kHostAddress;
  std::uint32_t to = kAnyDevice;
  std::uint8_t command = 0;
  std::uint8_t sequence = 0;
  std::array<std::uint8_t, kBodySize> body{};
};

std::uint8_t frame_checksum(ByteView frame66);  // sum of bytes 1..63
// 69 bytes for requests (4 trailer bytes), 66 for answers.
Bytes encode_frame(const Frame& f);

// Splits a byte stream into frames. Bytes that do not start a valid frame are
// skipped (and counted), so a glitch costs one frame, not the download.
class FrameDecoder {
 public:
  void feed(ByteView bytes);
  std::optional<Frame> next();
  std::size_t skipped_bytes() const { return skipped_; }
  std::size_t bad_checksums() const { return bad_checksums_; }
  std::size_t buffered() const { return buf_.size() - pos_; }

 private:
  Bytes buf_;
  std::size_t pos_ = 0;
  std::size_t skipped_ = 0;
  std::size_t bad_checksums_ = 0;
};

// Memory read requests and the chunks their answers carry.
Frame memory_read_request(std::uint32_t offset, std::uint16_t length, std::uint8_t sequence = 0);
struct MemoryChunk {
  std::uint32_t offset = 0;
  std::uint16_t length = 0;  // valid bytes in data (<= 44)
  std::array<std::uint8_t, kMemoryChunk> data{};
};
std::optional<MemoryChunk> memory_chunk(const Frame& answer);
// The answer frames for one read of `image` (for the simulator).
std::vector<Frame> memory_read_answer(ByteView image, std::uint32_t offset, std::uint16_t length,
                                      std::uint32_t device_address);

}  // namespace declouder::armband
