// Dr. Trust SSW532 / ICOMON FG2211WB: an 8-electrode scale on ICOMON's 0xFFB0 service, asked
// while the person weighs (protocol.cpp has the protocol and its sources).
#include "devices/descriptor.hpp"
#include "devices/drtrust_ssw532/protocol.hpp"

namespace declouder {

extern const DeviceDescriptor kDrTrustSsw532 = {
    .id = drtrust::kModel,
    .name = "Dr. Trust SSW532 (Dr. Trust USA 532), ICOMON FG2211WB 8-electrode scales",
    .manufacturer = "Dr. Trust",
    .names = {"SSW532", "FG2211"},
    .recognised_by = "names SSW…, …FG2211…; service 0xFFB0; characteristics 0xFFB2 (live), 0xFFB3 "
                     "(setup frames 0x18, results 0x23); 20-byte frames, 5-bit checksum",
    .reports = {"weight_kg", "impedance_ohm", "device_time"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {drtrust::kLiveCharacteristic, drtrust::kResultCharacteristic},
    .claims = drtrust::claims,
    .decode_gatt = drtrust::decode_gatt,
    .conversation = DeviceConversation{
        .summary = "takes the session id from the setup frames, writes the person's height and age, then "
                   "live weights on FFB2 and the 0x23 result on FFB3 (weight, segmental impedances, end)",
        .build = drtrust::conversation,
        .needs_person = true,  // its height and age, written before it weighs
    },
    .simulator = DeviceSimulator{
        .name = "drtrust-ssw532",
        .summary = "Dr. Trust SSW532 (ICOMON FG2211WB, FFB0): session id, profile checked, live frames, "
                   "the 0x23 result with segments, teardown",
        .create = drtrust::simulator,
    },
};

}  // namespace declouder
