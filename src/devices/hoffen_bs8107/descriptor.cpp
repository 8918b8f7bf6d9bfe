// Hoffen BS-8107 / ProfiCare PC-PW 3008 BT: a Chipsea "WeChat scale" on service 0xFFB0, told the
// person and the unit, then asked for the weighing (protocol.cpp has the protocol and its sources).
#include "devices/descriptor.hpp"
#include "devices/hoffen_bs8107/protocol.hpp"

namespace declouder {

extern const DeviceDescriptor kHoffenBs8107 = {
    .id = hoffen::kModel,
    .name = "Hoffen BS-8107, ProfiCare PC-PW 3008 BT body-fat scales (Chipsea WeChat scale)",
    .manufacturer = "Hoffen, ProfiCare",
    .names = {"Hoffen BS-8107", "PC-PW 3008 BT"},
    .recognised_by = "names Hoffen BS-8107, PC-PW 3008 BT (whole, any case; its 0xFEE7 alone claims nothing); "
                     "service 0xFFB0, characteristic 0xFFB2; FA <cmd> <len> … <xor> frames",
    .reports = {"weight_kg", "fat_percent", "water_percent", "muscle_percent", "bone_kg", "visceral_fat"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {hoffen::kCharacteristic},
    .claims = hoffen::claims,
    .decode_gatt = hoffen::decode_gatt,
    .conversation = DeviceConversation{
        .summary = "the person (FA 85: sex, age, height) and the unit (FA 83) on FFB2, each acked, then live "
                   "weights and the final frame (its checksum perhaps in the next notification), then FA 82",
        .build = hoffen::conversation,
        .needs_person = true,  // it computes its composition from the person it was told
    },
    .simulator = DeviceSimulator{
        .name = hoffen::kModel,
        .summary = "Hoffen BS-8107 (FFB0/FFB2): checks the person and the unit, live weights, the final frame "
                   "with its composition and its checksum in a second notification",
        .create = hoffen::simulator,
    },
};

}  // namespace declouder
