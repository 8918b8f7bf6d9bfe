#include "link/serial_port.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/time.hpp"

namespace declouder {
namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

speed_t speed_for(int baud) {
  switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    default: throw SerialError("unsupported baud rate " + std::to_string(baud));
  }
}

}  // namespace

void make_raw(int fd, int baud) {
  termios t{};
  if (tcgetattr(fd, &t) != 0) throw SerialError(errno_text("tcgetattr"));
  cfmakeraw(&t);
  t.c_cflag |= CLOCAL | CREAD;
  t.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS);
  t.c_cflag = (t.c_cflag & ~CSIZE) | CS8;
  t.c_iflag &= ~(IXON | IXOFF | IXANY);
  t.c_cc[VMIN] = 0;  // reads never block in the kernel: poll() does the waiting
  t.c_cc[VTIME] = 0;
  speed_t s = speed_for(baud);
  cfsetispeed(&t, s);
  cfsetospeed(&t, s);
  if (tcsetattr(fd, TCSANOW, &t) != 0) throw SerialError(errno_text("tcsetattr"));
}

SerialPort::SerialPort(const std::string& path, const SerialSettings& settings) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (fd_ < 0) throw SerialError(errno_text(path));
  try {
    if (!isatty(fd_)) throw SerialError(path + ": not a serial port (tty)");
    make_raw(fd_, settings.baud);
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

SerialPort::~SerialPort() {
  if (fd_ >= 0) ::close(fd_);
}

void SerialPort::write(ByteView bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, 2000) <= 0) throw SerialError(path_ + ": write timed out");
      continue;
    }
    throw SerialError(errno_text(path_ + ": write"));
  }
}

std::size_t SerialPort::read(std::uint8_t* buf, std::size_t max, int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  for (;;) {
    int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw SerialError(errno_text(path_ + ": poll"));
    if (r == 0) return 0;
    break;
  }
  if (p.revents & (POLLERR | POLLNVAL)) throw SerialError(path_ + ": the port went away");
  ssize_t n = ::read(fd_, buf, max);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
  if (n < 0) throw SerialError(errno_text(path_ + ": read"));
  if (n == 0 && (p.revents & POLLHUP)) throw SerialError(path_ + ": the device hung up");
  return static_cast<std::size_t>(n);
}

void SerialPort::discard_input() { tcflush(fd_, TCIFLUSH); }

RawByteLog::RawByteLog(ByteStream& inner, const std::string& path) : inner_(inner) {
  file_ = std::fopen(path.c_str(), "a");
  if (!file_) throw SerialError(errno_text(path));
}

RawByteLog::~RawByteLog() {
  if (file_) std::fclose(file_);
}

void RawByteLog::log(char direction, ByteView bytes) {
  if (bytes.empty()) return;
  std::fprintf(file_, "%s %c %s\n", iso8601_utc_us(now_unix_us()).c_str(), direction, to_hex_spaced(bytes).c_str());
  std::fflush(file_);
}

void RawByteLog::write(ByteView bytes) {
  log('>', bytes);
  inner_.write(bytes);
}

std::size_t RawByteLog::read(std::uint8_t* buf, std::size_t max, int timeout_ms) {
  std::size_t n = inner_.read(buf, max, timeout_ms);
  log('<', ByteView(buf, n));
  return n;
}

PtyPair::PtyPair() {
  char name[256] = {};
  if (openpty(&master, &slave, name, nullptr, nullptr) != 0) throw SerialError(errno_text("openpty"));
  slave_path = name;
  make_raw(slave, 921600);  // no echo before a client sets its own mode
  fcntl(master, F_SETFD, FD_CLOEXEC);
  fcntl(slave, F_SETFD, FD_CLOEXEC);
}

PtyPair::~PtyPair() {
  if (master >= 0) ::close(master);
  if (slave >= 0) ::close(slave);
}

}  // namespace declouder
