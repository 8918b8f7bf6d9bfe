// Helpers for the family tests: run bytes through the real registry (the same
// path `decode`, `scan` and the gateway use) and pick out one family's outcome.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include <memory>
#include <stdexcept>

#include "devices/descriptor.hpp"
#include "devices/registry.hpp"
#include "link/simulator_link.hpp"

namespace declouder::test {

inline Bytes hex(std::string_view text) {
  auto b = parse_hex(text);
  EXPECT_TRUE(b.has_value()) << "bad hex in test: " << text;
  return b.value_or(Bytes{});
}

// The outcome `family` gave for a characteristic value; "not tried" when the
// registry never offered the value to that family.
inline DecodeOutcome gatt(std::string_view family, std::uint16_t characteristic, std::string_view value_hex,
                          std::string device_name = "") {
  GattValue v;
  v.characteristic = Uuid::from16(characteristic);
  v.value = hex(value_hex);
  v.device_name = std::move(device_name);
  DecodeOutcome result = DecodeOutcome::reject(DecodeStatus::not_this_device, "family not tried by the registry");
  builtin_registry().decode_gatt(v, [&](const DeviceDescriptor& f, const DecodeOutcome& o) {
    if (f.id == family) result = o;
  });
  return result;
}

inline DecodeOutcome advert(std::string_view family, const Advertisement& adv) {
  DecodeOutcome result = DecodeOutcome::reject(DecodeStatus::not_this_device, "family not tried by the registry");
  builtin_registry().decode_advertisement(adv, [&](const DeviceDescriptor& f, const DecodeOutcome& o) {
    if (f.id == family) result = o;
  });
  return result;
}

inline Advertisement service_data_advert(std::uint16_t uuid, std::string_view data_hex) {
  Advertisement adv;
  adv.service_data.emplace_back(Uuid::from16(uuid), hex(data_hex));
  return adv;
}

inline Advertisement manufacturer_advert(std::uint16_t company, std::string_view data_hex, std::string name = "") {
  Advertisement adv;
  adv.name = std::move(name);
  adv.manufacturer_data.emplace_back(company, hex(data_hex));
  return adv;
}

// The value of a device metric, or -1 when absent.
inline double metric(const Reading& r, std::string_view name) {
  for (std::size_t i = 0; i < r.device_metric_count; ++i)
    if (r.device_metrics[i].name == name) return r.device_metrics[i].value;
  return -1;
}

// A built-in family by id (the test fails when it is not registered).
inline const DeviceDescriptor& family(std::string_view id) {
  const DeviceDescriptor* d = builtin_registry().find(id);
  if (!d) throw std::runtime_error("no " + std::string(id) + " in the registry");
  return *d;
}

// What a conversation against `link`'s simulator starts from: its advert as heard, its clock,
// and the device memory the conversation keeps between connections.
inline ConversationContext context_for(SimulatorLink& link, std::shared_ptr<DeviceMemory> memory) {
  ConversationContext c;
  c.advert = heard_advertisement(link.device().advert(), link.device().address());
  c.unix_now = link.unix_now();
  c.memory = std::move(memory);
  return c;
}

// The person the scale conversations weigh (tests/cli/scales.sh's "sam"): a woman born
// 1988-04-02, 168 cm; unit and user slot left to each test.
inline Person sam() {
  Person p;
  p.sex = Sex::female;
  p.birth_date = {1988, 4, 2, 0, 0, 0};
  p.height_cm = 168;
  return p;
}

}  // namespace declouder::test
