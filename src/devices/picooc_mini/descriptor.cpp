// Picooc Mini: asked for each measurement over GATT.
#include "devices/descriptor.hpp"
#include "devices/picooc_mini/protocol.hpp"

namespace declouder {

extern const DeviceDescriptor kPicoocMini = {
    .id = "picooc-mini",
    .name = "Picooc Mini and other connect-and-ask Picooc scales (PICOOC-CQ, -C1, -PQ, Latin-…)",
    .manufacturer = "Picooc",
    .names = {"PICOOC-CQ", "PICOOC-C1", "PICOOC-PQ", "Latin-"},
    .recognised_by = "name PICOOC-… (not PICOOC-L) or Latin-…; service 0xFFF0; MAC in manufacturer data "
                     "company 10; characteristic 0xFFF1",
    .reports = {"weight_kg", "impedance_ohm", "heart_rate_bpm", "device_time", "fat_percent", "water_percent",
                "bone_kg", "visceral_fat", "metabolic_age"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {picooc::kNotifyCharacteristic},
    .claims = picooc::claims,
    .decode_gatt = picooc::decode_gatt,
    .conversation = DeviceConversation{
        .summary = "request the measurement on FFF2 (with the time), the answer on FFF1, acknowledged; the "
                   "scale's own body composition (0x32), if it sends one",
        .build = picooc::conversation,
    },
    .simulator = DeviceSimulator{
        .name = "picooc-mini",
        .summary = "Picooc Mini (PICOOC-CQ): answers the FFF2 request with a measurement on FFF1, then "
                   "its body composition, and hangs up",
        .create = picooc::simulator,
    },
};

}  // namespace declouder
