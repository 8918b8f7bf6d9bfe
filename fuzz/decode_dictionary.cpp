// Writes the libFuzzer dictionary of decode_fuzz from the device registry: every name a
// device advertises and every dispatch key (service-data UUID, company id, characteristic)
// as the two little-endian bytes the fuzzer's key field holds. scripts/fuzz.sh runs it, so
// a device added to the registry is in the dictionary with nothing else to edit.
#include <cstdio>
#include <set>
#include <string>

#include "devices/registry.hpp"

int main() {
  using namespace declouder;
  std::set<std::string> names;
  std::set<unsigned> keys;
  for (const DeviceDescriptor* d : builtin_registry().devices()) {
    names.insert(d->names.begin(), d->names.end());
    keys.insert(d->service_data_uuids.begin(), d->service_data_uuids.end());
    keys.insert(d->company_ids.begin(), d->company_ids.end());
    keys.insert(d->gatt_characteristics.begin(), d->gatt_characteristics.end());
  }
  for (const std::string& n : names) {
    std::printf("\"");
    for (unsigned char c : n) std::printf(c == '"' || c == '\\' || c < 0x20 || c > 0x7E ? "\\x%02X" : "%c", c);
    std::printf("\"\n");
  }
  for (unsigned k : keys) std::printf("\"\\x%02X\\x%02X\"\n", k & 0xFF, k >> 8);
  return 0;
}
