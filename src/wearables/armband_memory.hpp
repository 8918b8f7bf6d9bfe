// Memory download over the armband's binary frames (GoWearFit / ArmBand Mini):
// read requests of up to 8800 bytes, answered by bursts of 44-byte chunks,
// reassembled into the flash image that gowearfit_flash.hpp parses.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "serial/armband_frame.hpp"
#include "serial/byte_stream.hpp"

namespace declouder::armband {

// Puts answer chunks together; chunks must arrive in order without gaps.
class MemoryAssembler {
 public:
  // Returns a reason when the frame is not the next chunk (nothing is added then).
  std::optional<std::string> add(const Frame& answer);
  const Bytes& image() const { return image_; }

 private:
  Bytes image_;
};

struct MemoryDownloadOptions {
  std::size_t total = 44000;          // bytes to read
  int response_timeout_ms = 1000;     // per burst
  int warmup_attempts = 5;            // the device "needs some commands to warm up"
};

// Reads `total` bytes from offset 0. Throws SerialError/ArmbandProtocolError;
// `progress(bytes_so_far, total)` after every chunk.
Bytes download_memory(ByteStream& port, const MemoryDownloadOptions& opt,
                      const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace declouder::armband
