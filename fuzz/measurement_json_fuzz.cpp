// Fuzzes the reader of the gateway's outbox (measurement_from_json, what was
// stored is what goes out): any text gives a measurement or a clean
// std::invalid_argument, and a measurement read writes back as JSON again.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "outputs/measurement_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  declouder::MeasurementFromJson m;
  try {
    m = declouder::measurement_from_json(text);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  if (m.measurement.uid.empty()) __builtin_trap();
  (void)declouder::measurement_to_json(m.measurement, m.unit.value_or(declouder::WeightUnit::kg),
                                       declouder::JsonNumbers::exact)
      .dump();
  return 0;
}
