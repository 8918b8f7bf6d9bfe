// Readings: what a device reported, before it is assigned to a person.
//
// A decoder turns bytes into a DecodeOutcome: either a Reading, or a named
// reason for rejecting the bytes. Decoders never throw and never do I/O, and a
// Reading holds no heap memory, so decoding an advertisement allocates nothing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/address.hpp"
#include "core/time.hpp"

namespace declouder {

enum class WeightUnit : std::uint8_t { kg, lb, st, jin };
std::string_view unit_name(WeightUnit u);                 // "kg", "lb", "st", "jin"
std::optional<WeightUnit> parse_unit(std::string_view s);  // inverse of unit_name

// Conversions. Everything is stored in kg.
double to_kg(double value, WeightUnit unit);
double from_kg(double kg, WeightUnit unit);

// A value the device computed itself (some scales compute fat % on board).
struct DeviceMetric {
  const char* name = nullptr;  // same keys as the body-composition JSON: "fat_percent", ...
  double value = 0;
};

struct Reading {
  const char* model = nullptr;  // the device family id, e.g. "xiaomi-mi-scale-2"
  std::optional<MacAddress> address;

  std::optional<double> weight_kg;
  std::optional<double> impedance_ohm;       // a single-frequency scale's impedance (and the 50 kHz one)
  std::optional<double> impedance_low_ohm;   // dual-frequency scales: the 50 kHz impedance
  std::optional<double> impedance_high_ohm;  // dual-frequency scales: the 250 kHz impedance
  std::optional<int> heart_rate_bpm;
  std::optional<int> battery_percent;
  std::optional<int> user_slot;  // the scale's own user number, when it has users
  std::optional<int> profile_id;  // the vendor app's profile on the scale (Xiaomi S400/S200), as sent
  std::optional<std::int64_t> steps;

  bool stabilized = false;    // the device says the value is final
  bool load_removed = false;  // the person stepped off (Mi scales)
  bool is_object = false;     // "small object" weighing mode (Mi scale 2), not a person
  std::optional<DeviceClock> device_time;
  WeightUnit unit = WeightUnit::kg;  // what the device displayed

  std::array<DeviceMetric, 8> device_metrics{};
  std::uint8_t device_metric_count = 0;
  void add_device_metric(const char* name, double value) {
    if (device_metric_count < device_metrics.size()) device_metrics[device_metric_count++] = {name, value};
  }
};

enum class DecodeStatus : std::uint8_t {
  ok,
  not_this_device,   // the bytes belong to another family (or to no known one)
  wrong_length,
  bad_checksum,
  not_stabilized,    // the frame carries no final value yet
  invalid_value,     // a field is out of range (a 0xFFFF placeholder weight, month 13, ...)
  unsupported_frame,  // this family, but a frame type we do not decode (acks, info frames)
  needs_key           // encrypted, and the receiver holds no key for the device (Xiaomi bindkey)
};
std::string_view status_name(DecodeStatus s);  // "wrong length", ...

struct DecodeOutcome {
  DecodeStatus status = DecodeStatus::not_this_device;
  const char* detail = "";  // static text saying more, e.g. "expected 13 bytes, got 12"
  Reading reading;

  bool ok() const { return status == DecodeStatus::ok; }
  static DecodeOutcome success(const Reading& r) { return {DecodeStatus::ok, "", r}; }
  static DecodeOutcome reject(DecodeStatus s, const char* why) { return {s, why, {}}; }
};

}  // namespace declouder
