// Fuzzes everything that parses bytes a wearable (or a file of its data)
// hands us: BodyBugg `retrieve PDP` text, the GoWearFit flash image, and the
// Mi Band's device info, battery, steps and heart-rate values. Each must give
// a result or a clean rejection, never a crash or undefined behaviour.
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <string_view>

#include "devices/bodybugg/gowearfit_flash.hpp"
#include "devices/bodybugg/pdp.hpp"
#include "devices/miband/protocol.hpp"

using namespace declouder;
using namespace declouder::bodybugg;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView bytes(data, size);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    PdpDump dump = parse_pdp(text);
    for (const auto& s : dump.sessions) (void)format_pdp_session(s);
  } catch (const std::exception&) {
  }
  try {
    FlashImage image = parse_flash_image(bytes);
    (void)flash_sessions(image, 0x0E00802A);
  } catch (const std::exception&) {
  }
  (void)miband::parse_device_info(bytes);
  (void)miband::parse_battery(bytes);
  (void)miband::parse_realtime_steps(bytes);
  (void)miband::parse_heart_rate_measurement(bytes);
  if (size >= 6) (void)miband::decode_date(bytes.first(6));
  (void)miband::parse_activity_header(bytes);
  // The activity download as the band streams it: the input cut into 20-byte notifications.
  miband::ActivityFetch fetch(size & 1, size & 2);
  for (std::size_t off = 0; off < size && !fetch.finished(); off += 20) {
    if (fetch.feed(bytes.subspan(off, std::min<std::size_t>(20, size - off)))) break;
    (void)fetch.take_minutes();
    (void)fetch.take_acks();
  }
  return 0;
}
