// libFuzzer: the PacketLogger reader (first byte: byte order) and the BLE layer.
#include "capture_fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  auto parser = declouder::capture::make_pklg_parser(data[0] & 1);
  declouder::capture::fuzz::run_parser(*parser, data + 1, size - 1);
  return 0;
}
