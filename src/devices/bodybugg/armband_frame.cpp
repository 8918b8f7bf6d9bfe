#include "devices/bodybugg/armband_frame.hpp"

#include <algorithm>

namespace declouder::armband {

std::uint8_t frame_checksum(ByteView f) {
  unsigned sum = 0;
  for (std::size_t i = 1; i < 64 && i < f.size(); ++i) sum += f[i];
  return static_cast<std::uint8_t>(sum);
}

Bytes encode_frame(const Frame& f) {
  Bytes out;
  out.reserve(kRequestSize);
  put_u8(out, kSync);
  put_u8(out, f.kind);
  put_u16le(out, kLength);
  put_u32be(out, f.from);
  put_u32be(out, f.to);
  put_u8(out, f.command);
  put_u8(out, f.sequence);
  out.insert(out.end(), f.body.begin(), f.body.end());
  put_u8(out, frame_checksum(out));
  int trailers = f.kind == kKindRequest ? 4 : 1;
  for (int i = 0; i < trailers; ++i) put_u8(out, kTrailer);
  return out;
}

void FrameDecoder::feed(ByteView bytes) {
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > 4096) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
}

std::optional<Frame> FrameDecoder::next() {
  for (;;) {
    // Trailer bytes between frames (requests end in BA BA BA BA) are not garbage.
    while (pos_ < buf_.size() && buf_[pos_] != kSync) {
      if (buf_[pos_] != kTrailer) ++skipped_;
      ++pos_;
    }
    if (buf_.size() - pos_ < kFrameSize) return std::nullopt;
    ByteView f(buf_.data() + pos_, kFrameSize);
    const bool shape_ok = (f[1] == kKindRequest || f[1] == kKindAnswer) && le16(&f[2]) == kLength && f[65] == kTrailer;
    if (!shape_ok || frame_checksum(f) != f[64]) {
      if (shape_ok) ++bad_checksums_;
      ++skipped_;
      ++pos_;  // resynchronise on the next 0xAB
      continue;
    }
    Frame out;
    out.kind = f[1];
    out.from = be32(&f[4]);
    out.to = be32(&f[8]);
    out.command = f[12];
    out.sequence = f[13];
    std::copy(f.begin() + 14, f.begin() + 64, out.body.begin());
    pos_ += kFrameSize;
    return out;
  }
}

Frame memory_read_request(std::uint32_t offset, std::uint16_t length, std::uint8_t sequence) {
  Frame f;
  f.kind = kKindRequest;
  f.command = kCommandMemoryRead;
  f.sequence = sequence;
  Bytes b;
  put_u32le(b, offset);
  put_u16le(b, length);
  std::copy(b.begin(), b.end(), f.body.begin());
  return f;
}

std::optional<MemoryChunk> memory_chunk(const Frame& a) {
  if (a.kind != kKindAnswer || (a.command & 0x7F) != (kCommandMemoryRead & 0x7F)) return std::nullopt;
  MemoryChunk c;
  c.offset = le32(&a.body[0]);
  c.length = be16(&a.body[4]);
  if (c.length > kMemoryChunk) return std::nullopt;
  std::copy(a.body.begin() + 6, a.body.begin() + 6 + kMemoryChunk, c.data.begin());
  return c;
}

std::vector<Frame> memory_read_answer(ByteView image, std::uint32_t offset, std::uint16_t length,
                                      std::uint32_t device_address) {
  std::vector<Frame> out;
  for (std::uint32_t at = offset; at < offset + length; at += kMemoryChunk) {
    Frame f;
    f.kind = kKindAnswer;
    f.from = device_address;
    f.to = kHostAddress;
    f.command = kCommandMemoryRead & 0x7F;
    std::uint16_t n = static_cast<std::uint16_t>(std::min<std::size_t>(kMemoryChunk, offset + length - at));
    Bytes b;
    put_u32le(b, at);
    put_u16be(b, n);
    std::copy(b.begin(), b.end(), f.body.begin());
    for (std::size_t i = 0; i < n; ++i) f.body[6 + i] = at + i < image.size() ? image[at + i] : 0xFF;
    out.push_back(f);
  }
  return out;
}

}  // namespace declouder::armband
