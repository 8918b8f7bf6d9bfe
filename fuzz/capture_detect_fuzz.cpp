// libFuzzer: the front door: format detection from content, then whichever
// reader it picks, as `declouder capture ...` opens a file.
#include "capture_fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace declouder::capture;
  try {
    CaptureReader reader = CaptureReader::from_memory(declouder::ByteView(data, size));
    HciRecord rec;
    std::size_t n = 0;
    while (reader.next(rec)) n += rec.data.size();
    (void)n;
  } catch (const CaptureError&) {
  }
  return 0;
}
