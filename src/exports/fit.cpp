#include "exports/fit.hpp"

#include <cmath>
#include <optional>

namespace declouder::fit {
namespace {

// FIT base types (protocol document, "Base Types").
constexpr std::uint8_t kEnum = 0x00, kUint8 = 0x02, kUint16 = 0x84, kUint32 = 0x86, kUint32z = 0x8C;
constexpr std::uint16_t kProfileVersion = 2132;  // profile 21.32
constexpr std::uint8_t kProtocolVersion = 0x20;  // 2.0
constexpr std::uint16_t kMesgFileId = 0, kMesgWeightScale = 30;
constexpr std::uint8_t kFileTypeWeight = 9;
constexpr std::uint16_t kManufacturerDevelopment = 255;

struct Field {
  std::uint8_t number;
  std::uint8_t size;
  std::uint8_t base_type;
};

void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void definition(Bytes& b, std::uint8_t local, std::uint16_t global, std::span<const Field> fields) {
  b.push_back(0x40 | local);  // definition message header
  b.push_back(0);             // reserved
  b.push_back(0);             // architecture: little endian
  put16(b, global);
  b.push_back(static_cast<std::uint8_t>(fields.size()));
  for (const Field& f : fields) {
    b.push_back(f.number);
    b.push_back(f.size);
    b.push_back(f.base_type);
  }
}

// value * scale, rounded, or the invalid value when absent or out of the type's range.
std::uint16_t scaled16(std::optional<double> v, double scale) {
  if (!v || !std::isfinite(*v)) return 0xFFFF;
  const double s = std::round(*v * scale);
  return s < 0 || s >= 0xFFFF ? 0xFFFF : static_cast<std::uint16_t>(s);
}
std::uint8_t whole8(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return 0xFF;
  const double s = std::round(*v);
  return s < 0 || s >= 0xFF ? 0xFF : static_cast<std::uint8_t>(s);
}
std::uint32_t fit_time(std::int64_t unix_s) {
  const std::int64_t t = unix_s - kFitEpochUnixSeconds;
  return t < 0 ? 0 : static_cast<std::uint32_t>(t);
}

}  // namespace

std::uint16_t crc16(ByteView data, std::uint16_t crc) {
  for (std::uint8_t byte : data) {
    crc ^= byte;
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001) : crc >> 1;
  }
  return crc;
}

Bytes weight_file(std::span<const Measurement> measurements, std::int64_t created_unix_s) {
  Bytes data;
  constexpr Field kFileIdFields[] = {
      {0, 1, kEnum},     // type
      {1, 2, kUint16},   // manufacturer
      {2, 2, kUint16},   // product
      {3, 4, kUint32z},  // serial_number
      {4, 4, kUint32},   // time_created
  };
  definition(data, 0, kMesgFileId, kFileIdFields);
  data.push_back(0);
  data.push_back(kFileTypeWeight);
  put16(data, kManufacturerDevelopment);
  put16(data, 1);
  put32(data, 0);  // uint32z: 0 is its invalid value (no serial number)
  put32(data, fit_time(created_unix_s));

  constexpr Field kWeightFields[] = {
      {253, 4, kUint32},  // timestamp, s since the FIT epoch
      {0, 2, kUint16},    // weight, kg * 100
      {1, 2, kUint16},    // percent_fat, % * 100
      {2, 2, kUint16},    // percent_hydration, % * 100
      {4, 2, kUint16},    // bone_mass, kg * 100
      {5, 2, kUint16},    // muscle_mass, kg * 100
      {7, 2, kUint16},    // basal_met, kcal/day * 4
      {10, 1, kUint8},    // metabolic_age, years
      {11, 1, kUint8},    // visceral_fat_rating
      {13, 2, kUint16},   // bmi, kg/m2 * 10
  };
  definition(data, 1, kMesgWeightScale, kWeightFields);
  for (const Measurement& m : measurements) {
    const BodyMetrics& b = m.metrics;
    data.push_back(1);
    put32(data, fit_time(m.time_us / 1000000));
    put16(data, scaled16(m.weight_kg, 100));
    put16(data, scaled16(b.fat_percent, 100));
    put16(data, scaled16(b.water_percent, 100));
    put16(data, scaled16(b.bone_kg, 100));
    put16(data, scaled16(b.muscle_kg, 100));
    put16(data, scaled16(b.bmr_kcal, 4));
    data.push_back(whole8(b.metabolic_age));
    data.push_back(whole8(b.visceral_fat));
    put16(data, scaled16(b.bmi, 10));
  }

  Bytes file;
  file.push_back(14);
  file.push_back(kProtocolVersion);
  put16(file, kProfileVersion);
  put32(file, static_cast<std::uint32_t>(data.size()));
  for (char c : {'.', 'F', 'I', 'T'}) file.push_back(static_cast<std::uint8_t>(c));
  put16(file, crc16(ByteView(file.data(), 12)));
  file.insert(file.end(), data.begin(), data.end());
  put16(file, crc16(ByteView(file.data(), file.size())));
  return file;
}

}  // namespace declouder::fit
