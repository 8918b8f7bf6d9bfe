// Xiaomi Mi Body Composition Scale 2: everything is in its advertisements.
#include "devices/descriptor.hpp"
#include "devices/xiaomi_mi_scale_2/protocol.hpp"

namespace declouder {

extern const DeviceDescriptor kMiScale2 = {
    .id = mi_scale_2::kModel,
    .name = "Xiaomi Mi Body Composition Scale 2 (XMTZC05HM) and Mi Body Composition Scale (XMTZC02HM)",
    .manufacturer = "Xiaomi",
    .names = {"MIBFS", "MIBCS"},
    .recognised_by = "service data 0x181B, 13 bytes; names MIBFS, MIBCS",
    .reports = {"weight_kg", "impedance_ohm", "device_time"},
    .link = LinkMode::advertisement,
    .service_data_uuids = {0x181B},
    .claims = mi_scale_2::claims,
    .decode_advert = mi_scale_2::decode_advert,
    .simulator = DeviceSimulator{
        .name = "mi-scale-2",
        .summary = "Xiaomi Mi Body Composition Scale 2 (MIBFS): 0x181B adverts, weight climbs, settles, impedance, removed",
        .create = mi_scale_2::simulator,
    },
};

}  // namespace declouder
