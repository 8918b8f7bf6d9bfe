// Xiaomi Mi Band 1 / 1A / 1S. `declouder miband` talks to it (pairing with a tap, user
// info, heart rate, the activity history: session.hpp); `read` and `run` do not.
#include "devices/descriptor.hpp"
#include "devices/miband/protocol.hpp"

namespace declouder {

extern const DeviceDescriptor kMiBand1 = {
    .id = miband::kModel,
    .name = "Xiaomi Mi Band 1 / 1A / 1S",
    .manufacturer = "Xiaomi",
    .names = {"MI", "MI1S", "MI1A", "MI Band"},
    .recognised_by = "names MI/MI1S/MI1A, the 1S address prefix C8:0F:10, or a nameless advert of service 0xFEE0",
    .reports = {"steps", "battery_percent", "heart_rate_bpm", "activity_kind", "intensity"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {miband::uuid::kRealtimeSteps, miband::uuid::kBattery, miband::uuid::kDeviceInfo},
    .claims = miband::claims,
    .decode_gatt = miband::decode_gatt,
    .simulator = DeviceSimulator{
        .name = "miband-1s",
        .summary = "Xiaomi Mi Band 1S (FEE0 + 180D): tap-to-pair, heart rate once asked properly; drops the link "
                   "when user info or link parameters are missing, as a real band does",
        .create = miband::simulator,
    },
    .own_command = "miband",
};

}  // namespace declouder
