// The command-line options that describe one frame a device sent, shared by
// `decode` and `record`:
//   --name NAME  --address MAC  --service-data UUID=HEX...  --manufacturer-data ID=HEX...  --gatt UUID=HEX
//   --bindkey HEX (the key of a device that encrypts its adverts: Xiaomi S400, S200, S800)
// Malformed values throw a UsageError that names the option and the bad text.
#pragma once

#include <optional>
#include <string>

#include "app/cli.hpp"
#include "core/frame.hpp"
#include "devices/registry.hpp"

namespace declouder {

struct FrameArguments {
  std::optional<MacAddress> address;
  std::string name;
  std::optional<GattValue> gatt;  // set when --gatt was given: a characteristic value
  Advertisement advert;           // otherwise: the advertisement (address and name filled in)

  bool has_data() const { return gatt || !advert.service_data.empty() || !advert.manufacturer_data.empty(); }
  // The bytes a reading was decoded from, as the store keeps them: the
  // characteristic value, or every advertised payload in order.
  Bytes raw() const;
  // Runs every driver of `devices` that can claim the frame; same contract as the registry.
  int decode(const DeviceRegistry& devices,
             const std::function<void(const DeviceDescriptor&, const DecodeOutcome&)>& on_outcome) const;
};

// Consumes the options above from `args`; `what` names the command's verb for
// the error when --gatt is mixed with advertisement data ("decodes", "records").
FrameArguments read_frame_arguments(Args& args, const std::string& what);

// "family: wrong length (expected 13 bytes ...)", for a rejected frame.
std::string rejection_text(const DeviceDescriptor& family, const DecodeOutcome& outcome);

}  // namespace declouder
