// Huawei AH100 / CH100 body-fat scale: the bytes both sides speak, shared by the decoder, the
// conversation, the simulator and the tests. descriptor.cpp has the protocol and its sources in
// its opening comment.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/reading.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"

namespace declouder::huawei_ah100 {

constexpr const char* kModel = "huawei-ah100";

const Uuid kService = Uuid::from16(0xFAA0);
const Uuid kCommands = Uuid::from16(0xFAA1);       // write with response: app -> scale
const Uuid kNotifications = Uuid::from16(0xFAA2);  // notify: scale -> app
constexpr std::uint16_t kNotificationCharacteristic = 0xFAA2;

// Frame start bytes.
constexpr std::uint8_t kAppPlain = 0xDB;       // DB <payload length + 1> <cmd> <obf(payload)>
constexpr std::uint8_t kAppEncrypted = 0xDC;   // DC <payload length> <cmd> <obf(AES-CTR(payload))>
constexpr std::uint8_t kScalePlain = 0xBD;     // BD <tail length> <op> <obf(tail)>
constexpr std::uint8_t kScaleEncrypted = 0xBC; // BC <tail length> <op> <obf(AES-CTR(tail))>

// The scale's notifications (the op byte).
constexpr std::uint8_t kOpWakeUp = 0x00;
constexpr std::uint8_t kOpGoSleep = 0x01;
constexpr std::uint8_t kOpUnitSet = 0x02;
constexpr std::uint8_t kOpClockSet = 0x08;
constexpr std::uint8_t kOpVersion = 0x0C;
constexpr std::uint8_t kOpMeasurement = 0x0E;      // first half of a live measurement
constexpr std::uint8_t kOpStableWeight = 0x0F;     // a precursor of the measurement: ignored
constexpr std::uint8_t kOpHistory = 0x10;          // first half of a stored record
constexpr std::uint8_t kOpMeasurement2 = 0x8E;     // the second halves
constexpr std::uint8_t kOpHistory2 = 0x90;
constexpr std::uint8_t kOpHistoryDone = 0x19;
constexpr std::uint8_t kOpUserInfoWanted = 0x20;   // the scale asks for the user info again
constexpr std::uint8_t kOpAuthResult = 0x26;       // de-obfuscated first byte 1: authorised
constexpr std::uint8_t kOpBound = 0x27;

// The app's commands (the cmd byte).
constexpr std::uint8_t kCmdSetUnit = 2;       // 01 kg, 02 lb
constexpr std::uint8_t kCmdSetClock = 8;      // year LE16, month, day, hour, min, sec, weekday (Mon=1..Sun=7)
constexpr std::uint8_t kCmdUserInfo = 9;      // encrypted: token, age|sex, height, 00, weight, FF FF, 1C E2
constexpr std::uint8_t kCmdGetRecord = 11;    // 01: the next stored record
constexpr std::uint8_t kCmdGetVersion = 12;   // empty
constexpr std::uint8_t kCmdResultAck = 19;    // 00
constexpr std::uint8_t kCmdAuth = 0x24;       // the token
constexpr std::uint8_t kCmdBind = 0x25;       // the token

using Key = std::array<std::uint8_t, 16>;

// The scale's MAC in display order ("5C:CA:D3:08:7B:4F": 5C CA D3 08 7B 4F), repeated over
// `data` and XORed onto it; its own inverse.
Bytes obfuscate(ByteView data, const MacAddress& mac);

// 11 22 33 44 55 <chk> <user id>, chk making the 7 bytes XOR to zero.
constexpr std::size_t kTokenSize = 7;
Bytes auth_token(int user_id);
// Whether `token` is one: the fixed bytes, the check, and the user id it names.
std::optional<int> token_user(ByteView token);

// obf(token, mac) followed by bytes 7..15 of the constant key.
Key magic_key(ByteView token, const MacAddress& mac);
// AES-128-CTR from the fixed IV (OpenSSL); encryption and decryption are the same.
Bytes aes_ctr(ByteView data, const Key& key);

// App -> scale frames.
Bytes plain_command(std::uint8_t cmd, ByteView payload, const MacAddress& mac);
Bytes encrypted_command(std::uint8_t cmd, ByteView payload, const Key& key, const MacAddress& mac);
// Scale -> app frames (the simulator's): BD/BC <tail length> <op> <obf(tail)>, the tail
// encrypted first for BC.
Bytes plain_notification(std::uint8_t op, ByteView tail, const MacAddress& mac);
Bytes encrypted_notification(std::uint8_t op, ByteView tail, const Key& key, const MacAddress& mac);

// The payload of either direction's frame, de-obfuscated (and decrypted when it is a DC or BC
// frame and a key is given); nothing for a frame shorter than its 3-byte header.
struct Frame {
  std::uint8_t start = 0, length = 0, op = 0;
  Bytes payload;
};
std::optional<Frame> open_frame(ByteView frame, const MacAddress& mac, const Key* key = nullptr);

// The payloads the conversation writes.
Bytes unit_payload(WeightUnit unit);                           // 01 kg; 02 lb; anything else kg
Bytes clock_payload(const CivilTime& local);                   // 8 bytes, weekday Mon=1..Sun=7
struct UserInfo {
  int user_id = 1;
  int age = 30;
  bool male = true;
  int height_cm = 170;
  double weight_kg = 70;
};
Bytes user_info_payload(const UserInfo& u);                    // 16 bytes, before encryption
std::optional<UserInfo> parse_user_info(ByteView payload);     // the simulator's reading of it

// The decrypted measurement (or stored record):
//   [0] user id, [1-2] weight tenth-kg LE, [3-4] fat tenth-% LE, [5-6] year LE, [7] month,
//   [8] day, [9] hour, [10] min, [11] sec, [12] weekday, [13-14] impedance ohm LE
constexpr std::size_t kMeasurementSize = 15;
DecodeOutcome decode_measurement(ByteView plain);
struct MeasurementFields {
  int user_id = 1;
  double weight_kg = 0, fat_percent = 0;
  CivilTime time;
  int impedance_ohm = 0;
};
Bytes measurement_payload(const MeasurementFields& m);  // 16 bytes (the last one 00)

// A first half (BC 0E / BC 10) as it arrived: de-obfuscate, decrypt with the session's key,
// decode. Its user id is the slot of whoever the scale weighed.
DecodeOutcome decode_first_half(ByteView frame, const MacAddress& mac, const Key& key);
// A first half heard without its session (a capture, `decode`): the key depends on the user id
// the app authenticated with, so each user id's key is tried, and the one whose measurement
// names that same user opens it.
DecodeOutcome decode_lone_first_half(ByteView frame, const MacAddress& mac);

// The weekday of a date, Mon=1..Sun=7.
int iso_weekday(const CivilTime& t);

// "AH100" and "CH100", upper or lower case, with a "HUAWEI "/"HONOR " prefix, trailing NULs or
// spaces, or a "-…"/"_…"/" …" suffix; never "CH100S" (another protocol).
bool is_ah100_name(std::string_view name);

}  // namespace declouder::huawei_ah100
