// The devices declouder knows, indexed once for fast dispatch.
//
// Theengs Decoder re-parses a JSON description of every device for every advertisement
// (130-900 us each). Here each advertisement goes straight to the devices listed for its
// service-data UUIDs and company ids, so a frame that matches nothing costs a few comparisons.
//
// builtin_devices() (registry.cpp) is the one list of the devices compiled in. A
// DeviceRegistry is built from any list of descriptors (the built-in ones, and later the
// definition files a person wrote), so commands and tests choose what they dispatch to.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "devices/descriptor.hpp"

namespace declouder {

class DeviceRegistry {
 public:
  // The descriptors must outlive the registry (the built-in ones are static).
  explicit DeviceRegistry(std::vector<const DeviceDescriptor*> devices);
  // Descriptors made at run time (definition files, src/definitions/), which the registry
  // keeps alive, listed before the built-in devices when `with_builtin`: a person's
  // definition of a device is its first claimant, ahead of a generic built-in driver.
  DeviceRegistry(std::vector<std::shared_ptr<const DeviceDescriptor>> loaded, bool with_builtin);

  // Every device, in list order.
  std::span<const DeviceDescriptor* const> devices() const { return devices_; }
  const DeviceDescriptor* find(std::string_view id) const;
  // The simulator `declouder simulate` knows by this name (in one of the descriptors).
  const DeviceSimulator* find_simulator(std::string_view name) const;

  using OnOutcome = std::function<void(const DeviceDescriptor&, const DecodeOutcome&)>;
  // Decodes one advertisement with every device that can claim it. Calls `on_outcome` once
  // per device that was tried (ok or rejected), in order. Returns the number of readings.
  int decode_advertisement(const Advertisement& adv, const OnOutcome& on_outcome) const;
  // Decodes one characteristic value. Devices whose matcher claims value.device_name are
  // tried first. Same callback contract as above.
  int decode_gatt(const GattValue& value, const OnOutcome& on_outcome) const;

  // The devices that claim this advertisement (for `scan`), best first.
  std::vector<const DeviceDescriptor*> claimants(const Advertisement& adv) const;
  // The device to talk to about this advertisement: its first claimant, when that device
  // has a conversation (`unattended_only`: one `run` starts by itself); else null.
  const DeviceDescriptor* conversation_for(const Advertisement& adv, bool unattended_only = false) const;

 private:
  void index();
  // What decode_gatt's memo (registry.cpp) knows this registry by: unique to each registry and
  // each copy; a move hands it over and gives the emptied source a new one.
  struct Serial {
    static std::uint64_t next();
    std::uint64_t value = next();
    Serial() = default;
    Serial(const Serial&) : value(next()) {}
    Serial(Serial&& o) noexcept : value(o.value) { o.value = next(); }
    Serial& operator=(const Serial&) {
      value = next();
      return *this;
    }
    Serial& operator=(Serial&& o) noexcept {
      value = o.value;
      o.value = next();
      return *this;
    }
  };
  Serial serial_;
  std::vector<std::shared_ptr<const DeviceDescriptor>> owned_;  // the run-time descriptors
  std::vector<const DeviceDescriptor*> devices_;
  std::unordered_map<std::uint16_t, std::vector<const DeviceDescriptor*>> by_service_data_;
  std::unordered_map<std::uint16_t, std::vector<const DeviceDescriptor*>> by_company_;
  std::unordered_map<std::uint16_t, std::vector<const DeviceDescriptor*>> by_characteristic_;
  std::vector<std::pair<Uuid, const DeviceDescriptor*>> by_uuid_;  // 128-bit characteristics (few)
  std::vector<const DeviceDescriptor*> company_predicates_;  // devices with claims_company
  std::vector<const DeviceDescriptor*> advert_claimers_;     // claims() and an advert decoder, no keys
};

// The devices compiled into declouder, in the order `declouder devices` lists them.
std::span<const DeviceDescriptor* const> builtin_devices();
// A registry of the built-in devices: what every command dispatches to.
const DeviceRegistry& builtin_registry();

}  // namespace declouder
