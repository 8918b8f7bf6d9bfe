#include "sim/simulated_device.hpp"

namespace declouder {

std::vector<std::string> bluez_flags(unsigned p) {
  std::vector<std::string> f;
  if (p & kRead) f.push_back("read");
  if (p & kWrite) f.push_back("write");
  if (p & kWriteWithoutResponse) f.push_back("write-without-response");
  if (p & kNotify) f.push_back("notify");
  if (p & kIndicate) f.push_back("indicate");
  return f;
}

}  // namespace declouder
