// Memory download over the armband's binary frames (GoWearFit / ArmBand Mini):
// read requests of up to 8800 bytes, answered by bursts of 44-byte chunks,
// reassembled into the flash image that gowearfit_flash.hpp parses.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "devices/bodybugg/armband_frame.hpp"
#include "link/byte_stream.hpp"

namespace declouder::armband {

// Puts answer chunks together; chunks must arrive in order without gaps.
class MemoryAssembler {
 public:
  // Returns a reason when the frame is not the next chunk (nothing is added then).
  std::optional<std::string> add(const Frame& answer);
  const Bytes& image() const { return image_; }
  std::uint32_t device_address() const { return device_address_; }  // from-address of the answers

 private:
  Bytes image_;
  std::uint32_t device_address_ = 0;
};

struct MemoryDownloadOptions {
  std::size_t total = 44000;          // bytes to read (at most)
  bool stop_at_end_marker = false;    // stop after the read whose data ends the record stream
  int response_timeout_ms = 1000;     // per burst
  int warmup_attempts = 5;            // the device "needs some commands to warm up"
};

struct MemoryImage {
  Bytes image;
  std::uint32_t device_address = 0;
};

// Reads from offset 0 in requests of up to 8800 bytes, like the vendor software.
// Throws SerialError; `progress(bytes_so_far, total)` after every chunk.
MemoryImage download_memory(ByteStream& port, const MemoryDownloadOptions& opt,
                            const std::function<void(std::size_t, std::size_t)>& progress = {});

// Clear memory (bmhack: command 0x89, sequence, body 02). The answer is not
// documented: any answer frame within the timeout counts as done; silence is an error.
Frame clear_memory_request(std::uint8_t sequence = 0);
void clear_memory(ByteStream& port, int response_timeout_ms = 2000);

}  // namespace declouder::armband
