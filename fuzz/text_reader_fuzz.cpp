// libFuzzer: the hcidump/btmon text reader (first byte: dialect) and the BLE layer.
#include "capture_fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using declouder::capture::CaptureFormat;
  if (size < 1) return 0;
  auto parser = declouder::capture::make_text_parser((data[0] & 1) ? CaptureFormat::btmon_text
                                                                    : CaptureFormat::hcidump_text);
  declouder::capture::fuzz::run_parser(*parser, data + 1, size - 1);
  return 0;
}
