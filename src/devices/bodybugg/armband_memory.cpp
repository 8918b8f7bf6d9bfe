#include "devices/bodybugg/armband_memory.hpp"

#include <algorithm>

#include "devices/bodybugg/gowearfit_flash.hpp"

namespace declouder::armband {

std::optional<std::string> MemoryAssembler::add(const Frame& answer) {
  auto c = memory_chunk(answer);
  if (!c) return "not a memory-read answer (command 0x" + to_hex(ByteView(&answer.command, 1)) + ")";
  if (c->offset != image_.size())
    return "chunk at offset " + std::to_string(c->offset) + " while " + std::to_string(image_.size()) + " bytes are held";
  image_.insert(image_.end(), c->data.begin(), c->data.begin() + c->length);
  device_address_ = answer.from;
  return std::nullopt;
}

MemoryImage download_memory(ByteStream& port, const MemoryDownloadOptions& opt,
                            const std::function<void(std::size_t, std::size_t)>& progress) {
  MemoryAssembler assembler;
  FrameDecoder decoder;
  std::uint8_t buf[4096];
  while (assembler.image().size() < opt.total) {
    const std::size_t offset = assembler.image().size();
    const auto length = static_cast<std::uint16_t>(std::min(kMaxMemoryRead, opt.total - offset));
    const std::size_t want = offset + length;
    const int attempts = offset == 0 ? opt.warmup_attempts : 1;
    bool answered = false;
    for (int attempt = 0; attempt < attempts && !answered; ++attempt) {
      port.write(encode_frame(memory_read_request(static_cast<std::uint32_t>(offset), length)));
      for (;;) {
        std::size_t n = port.read(buf, sizeof buf, opt.response_timeout_ms);
        if (n == 0) break;  // quiet: the burst is over (or never came)
        answered = true;
        decoder.feed(ByteView(buf, n));
        while (auto f = decoder.next()) {
          if (f->kind != kKindAnswer) continue;
          if (auto why = assembler.add(*f)) throw SerialError("memory download: " + *why);
          if (progress) progress(assembler.image().size(), opt.total);
        }
        if (assembler.image().size() >= want) break;
      }
    }
    if (!answered) throw SerialError("the armband did not answer the memory read at offset " + std::to_string(offset));
    if (assembler.image().size() < want)
      throw SerialError("memory download: the answer at offset " + std::to_string(offset) + " stopped after " +
                        std::to_string(assembler.image().size() - offset) + " of " + std::to_string(length) + " bytes");
    if (opt.stop_at_end_marker && bodybugg::parse_flash_image(assembler.image()).ended) break;
  }
  MemoryImage out{assembler.image(), assembler.device_address()};
  if (out.image.size() > opt.total) out.image.resize(opt.total);
  return out;
}

Frame clear_memory_request(std::uint8_t sequence) {
  Frame f;
  f.kind = kKindRequest;
  f.command = 0x89;
  f.sequence = sequence;
  f.body[0] = 0x02;
  return f;
}

void clear_memory(ByteStream& port, int response_timeout_ms) {
  port.write(encode_frame(clear_memory_request()));
  FrameDecoder decoder;
  std::uint8_t buf[512];
  for (;;) {
    std::size_t n = port.read(buf, sizeof buf, response_timeout_ms);
    if (n == 0) throw SerialError("the armband did not answer the clear-memory request");
    decoder.feed(ByteView(buf, n));
    while (auto f = decoder.next())
      if (f->kind == kKindAnswer) return;
  }
}

}  // namespace declouder::armband
