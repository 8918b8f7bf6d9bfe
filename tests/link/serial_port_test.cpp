// The termios port on a real pseudo-terminal: raw bytes both ways (no echo, no
// CR/LF translation), timeouts, and the raw byte log.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "link/serial_port.hpp"

using namespace declouder;

TEST(SerialPort, RawBytesBothWaysOnAPty) {
  PtyPair pty;
  SerialPort port(pty.slave_path);
  const Bytes all = [] {
    Bytes b;
    for (int i = 0; i < 256; ++i) b.push_back(static_cast<std::uint8_t>(i));
    return b;
  }();
  port.write(all);  // includes CR, LF, XON/XOFF, ^C: all must pass untouched
  Bytes got(512);
  std::size_t n = 0;
  while (n < all.size()) {
    ssize_t r = ::read(pty.master, got.data() + n, got.size() - n);
    ASSERT_GT(r, 0);
    n += static_cast<std::size_t>(r);
  }
  got.resize(n);
  EXPECT_EQ(got, all);
  ASSERT_EQ(::write(pty.master, all.data(), all.size()), 256);
  Bytes back;
  std::uint8_t buf[512];
  while (back.size() < 256) {
    std::size_t k = port.read(buf, sizeof buf, 1000);
    ASSERT_GT(k, 0u);
    back.insert(back.end(), buf, buf + k);
  }
  EXPECT_EQ(back, all);
}

TEST(SerialPort, ReadTimesOutWithNothing) {
  PtyPair pty;
  SerialPort port(pty.slave_path);
  std::uint8_t buf[8];
  EXPECT_EQ(port.read(buf, sizeof buf, 20), 0u);
}

TEST(SerialPort, RefusesWhatIsNotATty) {
  EXPECT_THROW(SerialPort("/dev/null"), SerialError);
  EXPECT_THROW(SerialPort("/nonexistent/tty"), SerialError);
  PtyPair pty;
  EXPECT_THROW(SerialPort(pty.slave_path, SerialSettings{12345}), SerialError);
}

TEST(SerialPort, RawLogRecordsDirectionAndBytes) {
  PtyPair pty;
  SerialPort port(pty.slave_path);
  const std::string path = ::testing::TempDir() + "/raw_log_test.txt";
  std::remove(path.c_str());
  {
    RawByteLog log(port, path);
    log.write(std::string_view("hi"));
    ASSERT_EQ(::write(pty.master, "\xab\xba", 2), 2);
    std::uint8_t buf[4];
    EXPECT_EQ(log.read(buf, sizeof buf, 1000), 2u);
  }
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find("Z > 68 69\n"), std::string::npos) << ss.str();
  EXPECT_NE(ss.str().find("Z < ab ba\n"), std::string::npos) << ss.str();
}
