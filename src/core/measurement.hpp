// Measurements: a reading assigned to a person (or waiting for one) and
// enriched with body composition. This is what is stored per person and what
// the outputs (MQTT, Domoticz, JSON lines, CSV) hand on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/address.hpp"
#include "core/time.hpp"

namespace declouder {

// The Xiaomi set of body-composition metrics. A metric whose inputs are out of
// range is absent, and `skipped` says which and why; nothing here ever throws.
struct BodyMetrics {
  std::optional<double> bmi;
  std::optional<double> fat_percent;
  std::optional<double> water_percent;
  std::optional<double> muscle_kg;
  std::optional<double> bone_kg;
  std::optional<double> visceral_fat;
  std::optional<double> bmr_kcal;
  std::optional<double> lean_body_mass_kg;
  std::optional<double> protein_percent;
  std::optional<double> metabolic_age;
  std::optional<std::string> body_type;
  std::optional<double> ideal_weight_kg;
  std::vector<std::pair<std::string, std::string>> skipped;  // (metric, reason)
};

struct Measurement {
  std::int64_t id = 0;    // row id in the database (0 before it is stored)
  std::string uid;        // deterministic: the same weighing heard by any gateway gets the same uid
  std::string person;     // the person's name; empty while unassigned
  std::string person_id;  // the person's id (Person::id: topics, entity ids); empty while unassigned
  std::string model;      // device family id
  std::optional<MacAddress> address;
  std::int64_t time_us = 0;  // when it was measured (receive time, Unix us)
  std::optional<DeviceClock> device_time;
  double weight_kg = 0;
  std::optional<double> impedance_ohm;
  // Dual-frequency scales (Xiaomi S400): the 50 kHz and 250 kHz impedances; the heart rate
  // a scale measured; the profile the scale recognised (Reading has the same names). A
  // weighing's later frames complete them (store/recorder.hpp).
  std::optional<double> impedance_low_ohm;
  std::optional<double> impedance_high_ohm;
  std::optional<int> heart_rate_bpm;
  std::optional<int> profile_id;
  BodyMetrics metrics;
};

}  // namespace declouder
