// ICOMON/Lefu 0xFFB0 scales (Crenot Gofit S2 and the Fitdays family): connected to while the
// person weighs; live frames, then one result.
#include "devices/descriptor.hpp"
#include "devices/icomon/protocol.hpp"

namespace declouder {

extern const DeviceDescriptor kIcomon = {
    .id = "icomon-ffb0",
    .name = "ICOMON/Lefu 0xFFB0 scales: Crenot Gofit S2 (FG2210), FG22xx, Runstar R6, Robi S9 (Fitdays app)",
    .manufacturer = "ICOMON",
    .names = {"Crenot Gofit S2", "FG2210", "Runstar", "Robi S9"},
    .recognised_by = "names \"Crenot Gofit S2\", FG22… (not FG2211), Runstar…, …Robi…; or service 0xFFB0; "
                     "characteristics 0xFFB2 (live), 0xFFB3 (result); 20-byte frames, 5-bit checksum",
    .reports = {"weight_kg", "impedance_ohm", "heart_rate_bpm", "device_time"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {icomon::kLiveCharacteristic, icomon::kResultCharacteristic},
    .claims = icomon::claims,
    .decode_gatt = icomon::decode_gatt,
    .conversation = DeviceConversation{
        .summary = "A2 live frames on FFB2 while the weight settles, then the A3 result on FFB3",
        .build = icomon::conversation,
    },
    .simulator = DeviceSimulator{
        .name = "crenot-gofit-s2",
        .summary = "Crenot GoFit S2 (ICOMON FG2210LB, FFB0): A2 live frames on FFB2, A3 result on FFB3",
        .create = icomon::simulator,
    },
};

}  // namespace declouder
