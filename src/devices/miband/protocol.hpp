// Xiaomi Mi Band 1 / 1A / 1S: the bytes of its GATT protocol, as pure functions.
//
// Sources (re-implemented from the facts, no code copied):
// Gadgetbridge MiBandService/UserInfo/DeviceInfo/BatteryInfo/FetchActivityOperation/
// CheckSums, pangliang/miband-sdk-android, Gadgetbridge issues #178 and #280, the
// Mi Fit btsnoop trace posted in a Gadgetbridge issue (2015).
//
// Service FEE0; characteristics 0000FFxx-0000-1000-8000-00805f9b34fb:
//   FF01 device info (read): 16 B (Mi 1/1A) or 20 B (1S)
//        0-7 device id; 4 feature; 5 appearance; 6 hardware version;
//        7 check = CRC-8/MAXIM(bytes 0-6) XOR byte 3; 8-11 profile version u32 LE;
//        12-15 firmware u32 LE; 16-19 heart-rate firmware u32 LE (1S)
//   FF03 notification: one status byte (0x05 auth ok, 0x06 auth failed, 0x0A
//        reset-auth ok, 0x13 "tap the band", 0x15 tapped ...)
//   FF04 user info (write, 20 B, volatile: written on every connection)
//        0-3 uid u32 LE; 4 sex (1 male); 5 age; 6 height cm; 7 weight kg; 8 type (0);
//        Mi 1: 9-18 alias (10 B); 1A/1S: 9 feature, 10 appearance, 11-18 alias (8 B);
//        19 CRC-8/MAXIM(bytes 0-18) XOR the last octet of the band's MAC
//   FF05 control point (write): 03 on|off realtime steps; 05 00 goal u16 LE;
//        06 fetch activity; 0A date6 count u16 LE ack; 0F location; 13 stop vibration
//   FF06 realtime steps (u16 LE; some read 4 bytes as u32 LE)
//   FF07 activity: 11-byte header (type, start date6, total u16 LE, block u16 LE,
//        counts in minutes), then 3 (or 4 with heart rate) bytes per minute:
//        kind, intensity, steps[, heart rate]; 20-byte packets, a leading packet
//        counter when the profile version >= 0x02000700
//   FF09 LE params (write 12 B): min, max interval (1.25 ms), latency, timeout
//        (10 ms), advertising interval, u16 LE each, then 2 zero bytes
//   FF0A date/time: 6 bytes year-2000, month 0-based, day, h, m, s (+ six 0x0F on write)
//   FF0C battery (10 B): level %, last charge date6, charge count u16 LE, status
//   180D/2A37 heart rate measurement (standard); 2A39 control point: 15 mode on|off
//        (mode 0 sleep, 1 continuous, 2 manual; 15 02 01 = measure once)
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/person.hpp"
#include "core/reading.hpp"
#include "core/time.hpp"
#include "devices/parts.hpp"

namespace declouder::miband {

// 16-bit UUIDs of the FEE0 characteristics and of the standard heart-rate ones.
namespace uuid {
constexpr std::uint16_t kService = 0xFEE0;
constexpr std::uint16_t kDeviceInfo = 0xFF01, kDeviceName = 0xFF02, kNotification = 0xFF03, kUserInfo = 0xFF04,
                        kControlPoint = 0xFF05, kRealtimeSteps = 0xFF06, kActivityData = 0xFF07,
                        kLeParams = 0xFF09, kDateTime = 0xFF0A, kBattery = 0xFF0C, kPair = 0xFF0F;
constexpr std::uint16_t kHeartRateService = 0x180D, kHeartRateMeasurement = 0x2A37, kHeartRateControl = 0x2A39;
}  // namespace uuid

// CRC-8/MAXIM (Dallas 1-Wire): reflected poly 0x8C, init 0, no final XOR. "123456789" -> 0xA1.
std::uint8_t crc8_maxim(ByteView bytes);

enum class Model : std::uint8_t { mi1, mi1a, mi1s, amazfit, unknown };
std::string_view model_name(Model m);                 // "1", "1a", "1s"
std::optional<Model> parse_model(std::string_view s);  // "1", "1a", "1s"

struct DeviceInfo {
  Bytes device_id;  // 8 bytes
  std::uint8_t feature = 0, appearance = 0, hardware = 0;
  std::uint32_t profile_version = 0, firmware_version = 0;
  std::optional<std::uint32_t> heart_rate_firmware;  // 1S only
  Model model = Model::unknown;
  bool packets_have_counter() const { return profile_version >= 0x02000700; }
  bool supports_heart_rate() const { return heart_rate_firmware.has_value() || model == Model::mi1s; }
};
struct DeviceInfoResult {
  std::optional<DeviceInfo> info;
  std::string error;  // why not, when info is empty
};
DeviceInfoResult parse_device_info(ByteView bytes);
// For the simulator and tests: 16 or 20 bytes with a correct check byte.
Bytes build_device_info(const DeviceInfo& info);

struct UserProfile {
  std::uint32_t uid = 0;
  Sex sex = Sex::male;  // on the band: 0 female, 1 male
  std::uint8_t age_years = 0;
  std::uint8_t height_cm = 0;  // the band keeps only the low 8 bits
  std::uint8_t weight_kg = 0;
  std::uint8_t type = 0;  // 0 = normal; 1 looked like "reset data" (pangliang #24): never sent
  std::string alias;
};
// 20 bytes for FF04. For 1A/1S bytes 9-10 carry the band's feature/appearance
// bytes (1S: 04 00, 1A: 05 00 when not read from the band).
Bytes build_user_info(const UserProfile& user, const MacAddress& band, Model model,
                      std::optional<std::pair<std::uint8_t, std::uint8_t>> feature_appearance = std::nullopt);
// The simulator's check: is this a well-formed user-info write for this band?
bool user_info_checksum_ok(ByteView user_info, const MacAddress& band);

// FF03 status codes and what the pairing gate makes of them.
enum class Gate : std::uint8_t { proceed, wait_for_tap, failed, ignore };
Gate gate_for_status(std::uint8_t code);
std::string_view status_name(std::uint8_t code);  // "authentication succeeded", "tap the band"...
constexpr std::uint8_t kAuthSuccess = 0x05, kAuthFailed = 0x06, kResetAuthSuccess = 0x0A, kMotorAuth = 0x13,
                       kMotorAuthSuccess = 0x15;

struct Battery {
  int level_percent = 0;
  CivilTime last_charge;
  int charge_count = 0;
  int status = 0;  // 0 normal, 1 low, 2 charging, 3 full, 4 not charging
};
std::optional<Battery> parse_battery(ByteView bytes);
std::string_view battery_status_name(int status);

// FF06: u16 LE (Gadgetbridge) or u32 LE (4-byte firmwares).
std::optional<std::uint32_t> parse_realtime_steps(ByteView bytes);

// The 6-byte date: year-2000, month 0-based, day, hour, minute, second.
Bytes encode_date(const CivilTime& t);
std::optional<CivilTime> decode_date(ByteView six);
Bytes encode_date_time_write(const CivilTime& t);  // 12 bytes for FF0A

// Standard Heart Rate Measurement (0x2A37).
struct HeartRateMeasurement {
  int bpm = 0;
  std::optional<bool> sensor_contact;  // present only when the sensor supports it
  std::optional<int> energy_expended_kj;
  std::vector<double> rr_intervals_s;
};
std::optional<HeartRateMeasurement> parse_heart_rate_measurement(ByteView bytes, std::string* why = nullptr);
Bytes build_heart_rate_measurement(int bpm, bool contact = true);  // 06 bpm, or 07 lo hi above 255

// Control-point and heart-rate control commands.
namespace command {
Bytes realtime_steps(bool on);                // 03 01|00
Bytes fitness_goal(std::uint16_t steps);      // 05 00 lo hi
Bytes fetch_activity();                       // 06
Bytes ack_activity(const CivilTime& block_start, std::uint16_t bytes, bool keep_on_band = false);  // 0A date6 n
Bytes wear_location(bool right_hand);         // 0F 00|01
Bytes stop_vibration();                       // 13
Bytes heart_rate(std::uint8_t mode, bool start);  // 15 mode 01|00
Bytes le_params_low_latency();                // FF09: 39/49/0/500/0
Bytes le_params_high_latency();               // FF09: 460/500/0/500/0
Bytes pair();                                 // FF0F: 02
constexpr std::uint8_t kHrSleep = 0, kHrContinuous = 1, kHrManual = 2;
}  // namespace command

// Activity history (FF07): header, per-minute records, the ack after each block.
struct ActivityHeader {
  std::uint8_t data_type = 0;  // 1 = per-minute records
  CivilTime start;
  std::uint16_t total_minutes = 0;  // held by the band
  std::uint16_t block_minutes = 0;  // in this block; 0 ends the transfer
};
std::optional<ActivityHeader> parse_activity_header(ByteView bytes);

struct ActivityMinute {
  CivilTime time;
  std::uint8_t kind = 0;       // 3 not worn, 4 deep sleep, 5 light sleep, 6 charging, ...
  std::uint8_t intensity = 0;
  std::uint8_t steps = 0;
  std::optional<std::uint8_t> heart_rate;  // 1S; 0xFF = none
};

// Feeds FF07 notifications in order; yields minutes and the acks to write to FF05.
class ActivityFetch {
 public:
  ActivityFetch(bool packets_have_counter, bool minutes_have_heart_rate)
      : counter_(packets_have_counter), bytes_per_minute_(minutes_have_heart_rate ? 4 : 3) {}
  // Returns an error text for a packet that makes no sense (then the fetch should stop).
  std::optional<std::string> feed(ByteView notification);
  std::vector<ActivityMinute> take_minutes();
  std::vector<Bytes> take_acks();  // control-point writes owed to the band
  bool finished() const { return finished_; }

 private:
  bool counter_;
  int bytes_per_minute_;
  std::optional<ActivityHeader> block_;
  std::int64_t block_bytes_left_ = 0;
  std::int64_t next_minute_unix_ = 0;
  std::int64_t last_block_start_ = 0;
  Bytes pending_;
  std::vector<ActivityMinute> minutes_;
  std::vector<Bytes> acks_;
  bool finished_ = false;
};

// Builds FF07 notifications for a block of minutes (the simulator's side).
std::vector<Bytes> build_activity_block(const CivilTime& start, const std::vector<ActivityMinute>& minutes,
                                        std::uint16_t total_minutes, bool counter, bool with_heart_rate);

// The band as a device (descriptor.cpp; readings.cpp decodes its values): readings carry this model id.
inline constexpr const char* kModel = "xiaomi-mi-band-1";
bool claims(const Advertisement& adv);
DecodeOutcome decode_gatt(const GattValue& v);

// The rest of the device, which descriptor.cpp puts together.
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

}  // namespace declouder::miband
