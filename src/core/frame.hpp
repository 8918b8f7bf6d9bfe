// Frames: what a source saw. Every source (BlueZ, a capture file, a simulator)
// produces these, and every driver consumes them, so drivers never know where
// the bytes came from.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/uuid.hpp"

namespace declouder {

// The 128-bit key a device encrypts its advertisements with (Xiaomi's MiBeacon "bindkey", which
// the vendor app obtained when it paired the device). Receivers hold it; the air never carries it.
using Bindkey = std::array<std::uint8_t, 16>;
// "0728974d..." (32 hex digits) -> key; nothing for any other text.
std::optional<Bindkey> parse_bindkey(std::string_view hex);

// One advertisement (with its scan response merged in, as BlueZ reports it).
struct Advertisement {
  std::optional<MacAddress> address;
  std::string name;                                          // empty when not advertised
  std::optional<int> rssi;                                   // dBm
  std::vector<std::pair<Uuid, Bytes>> service_data;          // by service UUID
  std::vector<std::pair<std::uint16_t, Bytes>> manufacturer_data;  // by company id
  std::vector<Uuid> service_uuids;
  std::int64_t time_us = 0;                                  // receive time, Unix us (0 = unknown)
  // The key the receiver holds for this device (from the config's [[device]] or `decode
  // --bindkey`), for decoders of encrypted adverts; set by whoever dispatches, never heard.
  std::optional<Bindkey> bindkey;

  const Bytes* service_data_for(std::uint16_t uuid16) const;
  const Bytes* manufacturer_data_for(std::uint16_t company) const;
  bool advertises_service(std::uint16_t uuid16) const;
};

// The keys a receiver holds, by device address (few: a household's scales).
class DeviceKeys {
 public:
  void set(const MacAddress& address, const Bindkey& key);
  const Bindkey* find(const MacAddress& address) const;
  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }

 private:
  std::vector<std::pair<MacAddress, Bindkey>> keys_;
};

// One characteristic value seen over GATT (a read answer, a notification or an indication).
struct GattValue {
  Uuid characteristic;
  Bytes value;
  std::string device_name;             // when known: helps pick the driver
  std::optional<MacAddress> address;
  std::int64_t time_us = 0;
};

// Where a source delivers what it saw. Sources (BlueZ scanner, capture replay,
// simulator) take a FrameHandlers and call whichever callbacks are set.
struct Reading;
struct FrameHandlers {
  std::function<void(const Advertisement&)> on_advertisement;
  std::function<void(const GattValue&)> on_gatt_value;
  // A reading that a conversation (Picooc request/response, ICOMON, Mi scale
  // history, BodyBugg download) produced, with the raw bytes it came from.
  std::function<void(const Reading&, const Bytes& raw, std::int64_t time_us)> on_reading;
};

}  // namespace declouder
