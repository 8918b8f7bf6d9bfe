// Where a device's memory (devices/device_memory.hpp: what its conversation keeps between
// connections, such as the Trisa's pairing password) lives: the table device_memory
// (migration 0306, docs/schema.md), one row per device address and key.
#pragma once

#include <memory>

#include "core/address.hpp"
#include "devices/device_memory.hpp"
#include "store/database.hpp"

namespace declouder {

// Everything kept for `device` (an empty memory when nothing is).
std::shared_ptr<DeviceMemory> load_device_memory(Database& db, const MacAddress& device);
// Stores what changed in `memory` since it was loaded, and marks it saved. Throws DatabaseError.
void save_device_memory(Database& db, const MacAddress& device, DeviceMemory& memory);

}  // namespace declouder
