// A standard Bluetooth heart-rate strap (Heart Rate service 0x180D).
#include "devices/descriptor.hpp"
#include "devices/heart_rate/protocol.hpp"

namespace declouder {

extern const DeviceDescriptor kHeartRate = {
    .id = heart_rate::kModel,
    .name = "Bluetooth Heart Rate service (chest straps; the Mi Band 1S's heart rate)",
    .manufacturer = kVariousMakers,
    .names = {},
    .recognised_by = "service 0x180D (not a Mi Band); characteristic 0x2A37",
    .reports = {"heart_rate_bpm"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0x2A37},
    .claims = heart_rate::claims,
    .decode_gatt = heart_rate::decode_gatt,
    .conversation = DeviceConversation{
        .summary = "notifications on 2A37; the first value with skin contact",
        .build = heart_rate::conversation,
    },
    .simulator = DeviceSimulator{
        .name = "heart-rate-strap",
        .summary = "a Bluetooth heart-rate strap (0x180D/0x2A37), one measurement a second",
        .create = heart_rate::simulator,
    },
};

}  // namespace declouder
