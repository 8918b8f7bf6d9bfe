#include "link/simulated_device.hpp"

namespace declouder {

Advertisement heard_advertisement(const AdvertData& d, const MacAddress& address) {
  Advertisement a;
  a.address = address;
  a.name = d.name;
  a.service_data = d.service_data;
  a.manufacturer_data = d.manufacturer_data;
  a.service_uuids = d.service_uuids;
  return a;
}

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
