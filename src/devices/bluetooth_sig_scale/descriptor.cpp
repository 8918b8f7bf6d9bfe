// Any Bluetooth SIG standard scale (Weight Scale, Body Composition, User Data services),
// whatever its name. Beurer/Sanitas models speak the same profiles under their own id
// (devices/beurer_sanitas_standard.cpp) and use this conversation.
#include "devices/bluetooth_sig_scale/protocol.hpp"
#include "devices/descriptor.hpp"

namespace declouder {

extern const DeviceDescriptor kSigScale = {
    .id = sig_scale::kModel,
    .name = "Any Bluetooth SIG standard scale (Weight Scale 0x181D, Body Composition 0x181B, User Data 0x181C)",
    .manufacturer = kVariousMakers,
    .names = {},
    .recognised_by = "advertised services 0x181D/0x181B/0x181C (without Xiaomi service data); "
                     "characteristics 0x2A9D, 0x2A9C, 0x2A19, whatever the name",
    .reports = {"weight_kg", "device_time", "user_slot", "bmi", "height_cm", "fat_percent", "bmr_kcal",
                "muscle_percent", "muscle_kg", "lean_body_mass_kg", "soft_lean_mass_kg", "water_percent", "water_kg",
                "impedance_ohm", "battery_percent"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {sig_scale::kWeightMeasurement, sig_scale::kBodyCompositionMeasurement,
                             sig_scale::kBatteryLevel},
    .claims = sig_scale::claims,
    .decode_gatt = sig_scale::decode_gatt,
    .conversation = DeviceConversation{
        .summary = "consent for the person's user slot on the User Data Service, then the weighing (0x2A9D, 0x2A9C)",
        .build = sig_scale::conversation,
    },
    .simulator = DeviceSimulator{
        .name = "sig-scale",
        .summary = "Bluetooth SIG standard scale (WSS 0x181D + BCS 0x181B + UDS 0x181C consent)",
        .create = sig_scale::simulator,
    },
};

}  // namespace declouder
