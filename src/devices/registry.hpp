// The flat list of device families, indexed once for fast dispatch.
//
// Theengs Decoder re-parses a JSON description of every device for every
// advertisement (130-900 us each). Here each advertisement goes straight to the
// families registered for its service-data UUIDs and company ids, so a frame
// that matches nothing costs a few comparisons.
#pragma once

#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "devices/family.hpp"

namespace declouder {

class DeviceRegistry {
 public:
  // All families, in registry order.
  std::span<const DeviceFamily* const> families() const;
  const DeviceFamily* find(std::string_view id) const;

  // Decodes one advertisement with every family that can claim it. Calls
  // `on_outcome` once per family that was tried (ok or rejected), in order.
  // Returns the number of successful readings.
  int decode_advertisement(const Advertisement& adv,
                           const std::function<void(const DeviceFamily&, const DecodeOutcome&)>& on_outcome) const;

  // Decodes one characteristic value. Families whose name matcher claims
  // value.device_name are tried first. Same callback contract as above.
  int decode_gatt(const GattValue& value,
                  const std::function<void(const DeviceFamily&, const DecodeOutcome&)>& on_outcome) const;

  // The families that claim this advertisement (for `scan`), best first.
  std::vector<const DeviceFamily*> claimants(const Advertisement& adv) const;
};

const DeviceRegistry& registry();

}  // namespace declouder
