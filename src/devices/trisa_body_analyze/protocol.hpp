// Trisa Body Analyze 4.0 (Transtek GBF-1257-B): the bytes, shared by the decoder, the
// conversation and the tests. descriptor.cpp has the protocol in its opening comment.
#pragma once

#include <cstdint>
#include <optional>

#include "core/bytes.hpp"
#include "core/person.hpp"
#include "core/reading.hpp"

namespace declouder::trisa {

constexpr const char* kModel = "trisa-body-analyze";
constexpr std::uint16_t kService = 0x7802;
constexpr std::uint16_t kMeasurementCharacteristic = 0x8A21;  // indicate: weighings
constexpr std::uint16_t kDownloadCharacteristic = 0x8A81;     // write: app -> scale commands
constexpr std::uint16_t kUploadCharacteristic = 0x8A82;       // indicate: scale -> app commands

// Scale -> app, on 0x8A82: A0 <password u32 LE> (pairing mode), A1 <challenge u32 LE>.
constexpr std::uint8_t kUploadPassword = 0xA0;
constexpr std::uint8_t kUploadChallenge = 0xA1;
// App -> scale, on 0x8A81.
constexpr std::uint8_t kDownloadTime = 0x02;         // 02 <seconds since 2010-01-01 UTC, u32 LE>
constexpr std::uint8_t kDownloadResult = 0x20;       // 20 <challenge XOR password, 4 bytes>
constexpr std::uint8_t kDownloadBroadcastId = 0x21;  // 21 <broadcast id, 4 bytes>: ends pairing
constexpr std::uint8_t kDownloadDisconnect = 0x22;   // 22: the scale hangs up

constexpr std::int64_t kEpoch2010Unix = 1262304000;  // 2010-01-01 00:00:00 UTC

// The name prefixes: "11257B" before an app has set a broadcast id, "01257B<id as 8 hex
// digits>" after.
constexpr const char* kUnpairedNamePrefix = "11257B";
constexpr const char* kPairedNamePrefix = "01257B";

// The key of the password in the device's memory (ConversationContext::memory).
constexpr const char* kPasswordKey = "trisa_password";

// A base-10 float: a 24-bit unsigned little-endian mantissa and a signed exponent byte.
double base10_float(const std::uint8_t* p);
// The reverse, for the simulator and the tests: `value` with `exponent` (-2: hundredths).
void put_base10_float(Bytes& out, double value, int exponent);

// The measurement frame on 0x8A21.
DecodeOutcome decode_measurement(ByteView b);
// R2 of a measurement frame, when it carries one (the resistance the vendor's formulas use).
std::optional<double> resistance2(ByteView b);

// The app's answer to a challenge: 20 <challenge XOR password>, byte by byte.
Bytes challenge_answer(ByteView challenge, ByteView password);
// 02 <seconds since 2010-01-01>.
Bytes time_command(std::int64_t unix_seconds);

// Trisa's own body-composition formulas (openScale TrisaBodyAnalyzeLib.kt), of the person,
// the weight and an "impedance" made from R2 by trisa_impedance(): 0.3 x (R2 - 400), or 3
// below R2 410 (openScale TrisaBodyAnalyzeHandler.kt). add_trisa_body() adds them to a
// reading as device metrics (fat_percent, water_percent, muscle_percent, bone_kg).
struct TrisaBody {
  double fat_percent = 0, water_percent = 0, muscle_percent = 0, bone_kg = 0;
};
double trisa_impedance(double resistance2);
TrisaBody trisa_body(bool male, double age_years, double height_cm, double weight_kg, double impedance);
void add_trisa_body(Reading& r, const Person& person, std::int64_t unix_now, double resistance2);

}  // namespace declouder::trisa
