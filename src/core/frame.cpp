#include "core/frame.hpp"

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
