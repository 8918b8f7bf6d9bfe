// A serial port through termios: raw mode (no echo, no line editing, no CR/LF
// translation, 8N1, no flow control), a chosen baud rate, reads with a timeout.
//
// The BodyMedia armbands sit behind an FTDI USB-serial chip with their own
// VID/PID (bind ftdi_sio through /sys/bus/usb-serial/drivers/ftdi_sio/new_id);
// the vendor link runs at 921600 baud, 8N1 (RawBodyBugg, bmhack.py).
// A pseudo-terminal accepts the same settings, which is how the tests run it.
#pragma once
#include <string>

#include "link/byte_stream.hpp"

namespace declouder {

struct SerialSettings {
  int baud = 921600;
};

class SerialPort : public ByteStream {
 public:
  SerialPort(const std::string& path, const SerialSettings& settings = {});  // throws SerialError
  ~SerialPort() override;
  SerialPort(const SerialPort&) = delete;
  SerialPort& operator=(const SerialPort&) = delete;
  using ByteStream::write;
  void write(ByteView bytes) override;
  std::size_t read(std::uint8_t* buf, std::size_t max, int timeout_ms) override;
  // Drops whatever the device sent that nobody read yet.
  void discard_input();
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

// Puts an open tty in raw 8N1 mode at `baud`; throws SerialError for a speed termios lacks.
void make_raw(int fd, int baud);

// A pseudo-terminal pair for simulators: the device side holds the master, the
// program opens slave_path like any serial port.
struct PtyPair {
  int master = -1;
  int slave = -1;  // kept open so the master never sees a hang-up between clients
  std::string slave_path;
  PtyPair();  // throws SerialError
  ~PtyPair();
  PtyPair(const PtyPair&) = delete;
  PtyPair& operator=(const PtyPair&) = delete;
};

}  // namespace declouder
