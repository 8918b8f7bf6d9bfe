// libFuzzer: the btsnoop reader (datalinks 1001, 1002, 2001) and the BLE layer.
// The first input byte picks the datalink; the rest follows a valid file header.
#include "capture_fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace declouder;
  if (size < 1) return 0;
  static constexpr std::uint32_t kLinks[] = {1001, 1002, 2001};
  Bytes file = {'b', 't', 's', 'n', 'o', 'o', 'p', 0};
  put_u32be(file, 1);
  put_u32be(file, kLinks[data[0] % 3]);
  file.insert(file.end(), data + 1, data + size);
  auto parser = capture::make_btsnoop_parser();
  capture::fuzz::run_parser(*parser, file.data(), file.size());
  return 0;
}
