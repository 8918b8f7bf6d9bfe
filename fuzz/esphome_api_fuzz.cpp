// Fuzzes what an ESPHome node (or anything answering on its port) sends declouder: the
// plaintext framing of ApiSocket over a socketpair, and the protobuf decoders of the
// proxy's messages. Any bytes must give messages or a clean ProtocolError /
// ConnectionError, never a read past the end or a hang.
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "capture/hci.hpp"
#include "core/base64.hpp"
#include "radio/esphome_api.hpp"

using namespace declouder;
using namespace declouder::esphome;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView b(data, size);
  try {
    (void)decode_device_info(b);
  } catch (const ProtocolError&) {
  }
  try {
    for (const auto& r : decode_raw_advertisements(b)) {
      Advertisement a;
      (void)capture::parse_ad_structures(r.data, a);
    }
  } catch (const ProtocolError&) {
  }
  try {
    (void)decode_parsed_advertisement(b);
  } catch (const ProtocolError&) {
  }
  try {
    (void)decode_services(b);
  } catch (const ProtocolError&) {
  }
  try {
    (void)device_fields(b);
  } catch (const ProtocolError&) {
  }
  if (auto d = base64_decode(std::string_view(reinterpret_cast<const char*>(data), size)))
    if (base64_decode(base64_encode(*d)) != d) __builtin_trap();

  // The framing: the bytes as a node's stream, then the end of the connection.
  if (size > 60000) return 0;  // one socket buffer, so the write below never blocks
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return 0;
  if (size && write(fds[1], data, size) != static_cast<ssize_t>(size)) {
    close(fds[0]);
    close(fds[1]);
    return 0;
  }
  close(fds[1]);
  ApiSocket socket(fds[0], std::nullopt);  // owns fds[0]
  try {
    while (socket.receive(ApiSocket::Clock::now() + std::chrono::milliseconds(100))) {
    }
  } catch (const ConnectionError&) {
  }
  return 0;
}
