#include "core/reading.hpp"

namespace declouder {

namespace {
constexpr double kKgPerLb = 0.45359237;  // exact, by definition
constexpr double kLbPerSt = 14.0;
constexpr double kKgPerJin = 0.5;  // the catty as Xiaomi scales display it
}  // namespace

std::string_view unit_name(WeightUnit u) {
  switch (u) {
    case WeightUnit::kg: return "kg";
    case WeightUnit::lb: return "lb";
    case WeightUnit::st: return "st";
    case WeightUnit::jin: return "jin";
  }
  return "kg";
}

std::optional<WeightUnit> parse_unit(std::string_view s) {
  if (s == "kg") return WeightUnit::kg;
  if (s == "lb" || s == "lbs") return WeightUnit::lb;
  if (s == "st") return WeightUnit::st;
  if (s == "jin" || s == "catty") return WeightUnit::jin;
  return std::nullopt;
}

double to_kg(double v, WeightUnit u) {
  switch (u) {
    case WeightUnit::kg: return v;
    case WeightUnit::lb: return v * kKgPerLb;
    case WeightUnit::st: return v * kLbPerSt * kKgPerLb;
    case WeightUnit::jin: return v * kKgPerJin;
  }
  return v;
}

double from_kg(double kg, WeightUnit u) {
  switch (u) {
    case WeightUnit::kg: return kg;
    case WeightUnit::lb: return kg / kKgPerLb;
    case WeightUnit::st: return kg / kKgPerLb / kLbPerSt;
    case WeightUnit::jin: return kg / kKgPerJin;
  }
  return kg;
}

std::string_view status_name(DecodeStatus s) {
  switch (s) {
    case DecodeStatus::ok: return "ok";
    case DecodeStatus::not_this_device: return "not this device";
    case DecodeStatus::wrong_length: return "wrong length";
    case DecodeStatus::bad_checksum: return "bad checksum";
    case DecodeStatus::not_stabilized: return "not stabilized";
    case DecodeStatus::invalid_value: return "invalid value";
    case DecodeStatus::unsupported_frame: return "unsupported frame";
    case DecodeStatus::needs_key: return "needs key";
  }
  return "?";
}

}  // namespace declouder
