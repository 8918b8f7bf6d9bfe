// The bottom layer of a serial link: bytes out, bytes in with a timeout.
// SerialPort (a real tty or a pty) implements it; RawByteLog wraps any stream and
// writes every byte that passed, with its direction and time, to a log file, so a
// session with a real device can be studied afterwards (the framing of the
// BodyBugg text commands is still a hypothesis: keep the evidence).
#pragma once
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "core/bytes.hpp"

namespace declouder {

struct SerialError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  virtual void write(ByteView bytes) = 0;
  // Waits up to timeout_ms for the first byte, then returns what is available
  // (at most max). 0 means the timeout passed. Throws SerialError when the link is gone.
  virtual std::size_t read(std::uint8_t* buf, std::size_t max, int timeout_ms) = 0;
  void write(std::string_view text) { write(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())); }
};

class RawByteLog : public ByteStream {
 public:
  RawByteLog(ByteStream& inner, const std::string& path);  // throws SerialError if the file cannot be opened
  ~RawByteLog() override;
  using ByteStream::write;
  void write(ByteView bytes) override;
  std::size_t read(std::uint8_t* buf, std::size_t max, int timeout_ms) override;

 private:
  void log(char direction, ByteView bytes);
  ByteStream& inner_;
  std::FILE* file_ = nullptr;
};

}  // namespace declouder
