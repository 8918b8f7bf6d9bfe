// Trisa Body Analyze 4.0 (Transtek GBF-1257-B): the bytes, shared by the decoder, the
// conversation and the tests. descriptor.cpp has the protocol in its opening comment; what it
// shares with Transtek's other A3 scales (the commands, the floats, the weight frame's layout)
// is in devices/transtek_a3.hpp.
#pragma once

#include <cstdint>
#include <optional>

#include "core/bytes.hpp"
#include "core/person.hpp"
#include "core/reading.hpp"
#include "devices/transtek_a3.hpp"

namespace declouder::trisa {

constexpr const char* kModel = "trisa-body-analyze";
constexpr std::uint16_t kService = 0x7802;
constexpr std::uint16_t kMeasurementCharacteristic = 0x8A21;  // indicate: weighings
constexpr std::uint16_t kDownloadCharacteristic = transtek::kCommandCharacteristic;  // write: app -> scale
constexpr std::uint16_t kUploadCharacteristic = transtek::kEventCharacteristic;      // indicate: scale -> app

// Scale -> app, on 0x8A82: A0 <password u32 LE> (pairing mode), A1 <challenge u32 LE>.
constexpr std::uint8_t kUploadPassword = transtek::kEventPassword;
constexpr std::uint8_t kUploadChallenge = transtek::kEventChallenge;
// App -> scale, on 0x8A81.
constexpr std::uint8_t kDownloadTime = transtek::kCommandTime;              // 02 <seconds since 2010-01-01 UTC>
constexpr std::uint8_t kDownloadResult = transtek::kCommandVerification;    // 20 <challenge XOR password>
constexpr std::uint8_t kDownloadBroadcastId = transtek::kCommandAccountId;  // 21 <broadcast id>: ends pairing
constexpr std::uint8_t kDownloadDisconnect = transtek::kCommandDisconnect;  // 22: the scale hangs up

constexpr std::int64_t kEpoch2010Unix = transtek::kEpoch2010Unix;

// The name prefixes: "11257B" before an app has set a broadcast id, "01257B<id as 8 hex
// digits>" after.
constexpr const char* kUnpairedNamePrefix = "11257B";
constexpr const char* kPairedNamePrefix = "01257B";

// The key of the password in the device's memory (ConversationContext::memory).
constexpr const char* kPasswordKey = "trisa_password";

// The measurement frame on 0x8A21.
DecodeOutcome decode_measurement(ByteView b);
// R2 of a measurement frame, when it carries one (the resistance the vendor's formulas use).
std::optional<double> resistance2(ByteView b);

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
