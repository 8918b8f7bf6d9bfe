// The Bluetooth SIG standard scale profiles: Weight Scale (0x181D, Weight
// Measurement 0x2A9D), Body Composition (0x181B, Body Composition Measurement
// 0x2A9C) and User Data (0x181C, User Control Point 0x2A9F).
//
// The decoders are pure and serve any scale that speaks the standard, whatever
// its name; the request builders are for the BLE conversation (register a user,
// give consent, set the clock). Byte layouts: see the header of sig_scale.cpp.
#pragma once


#include <cstdint>
#include <optional>
#include <string_view>

#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/reading.hpp"
#include "core/time.hpp"
#include "devices/parts.hpp"

namespace declouder::sig_scale {

constexpr std::uint16_t kWeightScaleService = 0x181D;
constexpr std::uint16_t kBodyCompositionService = 0x181B;
constexpr std::uint16_t kUserDataService = 0x181C;
constexpr std::uint16_t kCurrentTimeService = 0x1805;
constexpr std::uint16_t kWeightMeasurement = 0x2A9D;          // indicate
constexpr std::uint16_t kBodyCompositionMeasurement = 0x2A9C;  // indicate
constexpr std::uint16_t kUserControlPoint = 0x2A9F;           // write + indicate
constexpr std::uint16_t kCurrentTime = 0x2A2B;                // write
constexpr std::uint16_t kBatteryService = 0x180F;
constexpr std::uint16_t kBatteryLevel = 0x2A19;               // read (1 byte, 0-100 %)

// The mass resolution a scale uses. The SIG's is 0.005 kg / 0.01 lb; the Renpho ES-WBE28
// ("Renpho-Scale" without the QN services) sends ten times coarser steps and a fixed user
// index 0xAA that is its app's consent slot, not a person (ble-scale-sync renpho.ts, from a
// capture of the scale).
struct Resolution {
  double kg_step = 0.005;
  double lb_step = 0.01;
  int placeholder_user = -1;  // a user index that names nobody (besides the SIG's 0xFF)
};
inline constexpr Resolution kSigResolution{};
inline constexpr Resolution kRenphoResolution{0.05, 0.1, 0xAA};
// The resolution of a device by its name (empty: the SIG's).
Resolution resolution_for_name(std::string_view device_name);

// Weight Measurement (0x2A9D) value -> reading with `model` as its model.
DecodeOutcome decode_weight_measurement(ByteView value, const char* model, const Resolution& res = kSigResolution);
// Body Composition Measurement (0x2A9C) value -> reading; body fat % and the
// other fields become device metrics. A packet of a multi-packet measurement
// carries the metric "multi_packet" = 1: merge it with the next one. A frame whose body fat
// is 0 is a placeholder (the stubs a Beurer BF788 sends with its history) and is rejected.
DecodeOutcome decode_body_composition(ByteView value, const char* model, const Resolution& res = kSigResolution);
// Battery Level (0x2A19) value -> a reading with only battery_percent set.
DecodeOutcome decode_battery_level(ByteView value, const char* model);
// One of the three above, chosen by the characteristic (0x2A9D, 0x2A9C or 0x2A19), with the
// resolution of the value's device name.
DecodeOutcome decode_standard_characteristic(const GattValue& v, const char* model);

// User Control Point requests.
Bytes build_register_user(std::uint16_t consent_code);                      // 01 <consent u16le>
Bytes build_consent(std::uint8_t user_index, std::uint16_t consent_code);   // 02 <index> <consent u16le>
// Current Time (0x2A2B), 10 bytes: year u16le, month, day, h, m, s,
// day of week (1 = Monday), fractions256 = 0, adjust reason = 0.
Bytes build_current_time(const CivilTime& t);

// User Control Point response: 20 <request opcode> <result> [user index].
struct UserControlResponse {
  std::uint8_t request_opcode = 0;
  std::uint8_t result = 0;  // 1 success, 4 operation failed, 5 user not authorised
  std::optional<std::uint8_t> user_index;  // with a successful "register new user"
  bool success() const { return result == 1; }
};
std::optional<UserControlResponse> parse_user_control_response(ByteView value);

// Beurer/Sanitas models that speak the standard profiles (BF105, BF600, SBF72...).
bool is_beurer_sanitas_standard_name(std::string_view name);

// The standard scale's descriptor (descriptor.cpp): readings carry this model id.
inline constexpr const char* kModel = "bluetooth-sig-scale";
// Any device that advertises the standard services, unless a more specific device owns it.
bool claims(const Advertisement& adv);
DecodeOutcome decode_gatt(const GattValue& v);

// The rest of the device, which descriptor.cpp puts together.
Conversation conversation(const ConversationContext& context);          // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp
std::unique_ptr<SimulatedDevice> beurer_simulator(const SimOptions& options);  // simulator.cpp: as a Beurer BF600

}  // namespace declouder::sig_scale
