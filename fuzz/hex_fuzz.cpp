// Fuzzes the hex, UUID, address and ISO 8601 parsers that read command-line
// arguments and configuration: any text must give a value or a clean "no". And
// a person's name, whatever bytes it is, gives a valid, stable person id.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/person.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto b = declouder::parse_hex(text)) {
    auto again = declouder::parse_hex(declouder::to_hex(*b));
    if (!again || *again != *b) __builtin_trap();  // formatting must round-trip
  }
  if (auto u = declouder::Uuid::parse(text)) {
    auto again = declouder::Uuid::parse(u->str());
    if (!again || *again != *u) __builtin_trap();
  }
  if (auto m = declouder::MacAddress::parse(text)) {
    auto again = declouder::MacAddress::parse(m->str());
    if (!again || *again != *m) __builtin_trap();
  }
  (void)declouder::parse_iso8601_us(text);
  const std::string id = declouder::person_id_from_name(text);
  if (!declouder::is_person_id(id) || declouder::person_id_from_name(text) != id) __builtin_trap();
  return 0;
}
