// The openScale CSV reader (`declouder import`) on arbitrary bytes: it must answer with rows
// or a FormatError, never crash, hang or throw anything else, and every row it returns must be
// a weighing the store may take (a person's weight, a date it could read).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "exports/openscale_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto parsed = declouder::openscale::parse_csv(text);
    for (const auto& row : parsed.rows) {
      if (!(row.weight_kg >= 5 && row.weight_kg <= 500)) __builtin_trap();  // an absurd weight let through
      if (row.metrics.fat_percent && !std::isfinite(*row.metrics.fat_percent)) __builtin_trap();
      if (row.line < 2) __builtin_trap();  // the header is not a row
    }
  } catch (const declouder::openscale::FormatError&) {
  }
  return 0;
}
