#include "core/frame.hpp"

#include <algorithm>

namespace declouder {

const Bytes* Advertisement::service_data_for(std::uint16_t uuid16) const {
  for (const auto& [uuid, data] : service_data)
    if (uuid.is16() && uuid.short16() == uuid16) return &data;
  return nullptr;
}

const Bytes* Advertisement::manufacturer_data_for(std::uint16_t company) const {
  for (const auto& [id, data] : manufacturer_data)
    if (id == company) return &data;
  return nullptr;
}

bool Advertisement::advertises_service(std::uint16_t uuid16) const {
  for (const auto& u : service_uuids)
    if (u.is16() && u.short16() == uuid16) return true;
  for (const auto& [uuid, data] : service_data)
    if (uuid.is16() && uuid.short16() == uuid16) return true;
  return false;
}

}  // namespace declouder

namespace declouder {

std::optional<Bindkey> parse_bindkey(std::string_view hex) {
  auto bytes = parse_hex(hex);
  if (!bytes || bytes->size() != 16) return std::nullopt;
  Bindkey key;
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

void DeviceKeys::set(const MacAddress& address, const Bindkey& key) {
  for (auto& [a, k] : keys_)
    if (a == address) {
      k = key;
      return;
    }
  keys_.emplace_back(address, key);
}

const Bindkey* DeviceKeys::find(const MacAddress& address) const {
  for (const auto& [a, k] : keys_)
    if (a == address) return &k;
  return nullptr;
}

}  // namespace declouder
