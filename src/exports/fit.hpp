// Garmin FIT weight files: what Garmin Connect's "Import Data" accepts for weighings.
//
// A FIT file is a 14-byte header, definition and data records, and a CRC-16 over everything
// before it (the FIT protocol document, "Flexible and Interoperable Data Transfer Protocol",
// Garmin FIT SDK, and the SDK's Profile.xlsx). This one holds a file_id message (type 9,
// weight) and one weight_scale message (global number 30) per measurement: timestamp, weight,
// percent_fat, percent_hydration, bone_mass, muscle_mass, basal_met, metabolic_age,
// visceral_fat_rating and bmi, each scaled as the profile says; a metric not computed is
// written as the base type's "invalid" value, which readers skip. Garmin's own decoder
// (npm @garmin/fitsdk) reads it back in tests/cli/export_fit.sh.
#pragma once

#include <cstdint>
#include <span>

#include "core/bytes.hpp"
#include "core/measurement.hpp"

namespace declouder::fit {

// Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z).
inline constexpr std::int64_t kFitEpochUnixSeconds = 631065600;

// The whole file. `created_unix_s` is the file_id's time_created.
Bytes weight_file(std::span<const Measurement> measurements, std::int64_t created_unix_s);

// The FIT CRC-16 (CRC-16/ARC: reflected polynomial 0xA001, initial value 0) of `data`,
// continuing from `crc`.
std::uint16_t crc16(ByteView data, std::uint16_t crc = 0);

}  // namespace declouder::fit
