// Xiaomi Mi Smart Scale v1: heard in its advertisements; asked only for its stored history.
#include "devices/descriptor.hpp"
#include "devices/xiaomi_mi_scale/protocol.hpp"

namespace declouder {

extern const DeviceDescriptor kMiScale = {
    .id = mi_scale::kModel,
    .name = "Xiaomi Mi Smart Scale v1 (XMTZC01HM, XMTZC04HM)",
    .names = {"MI_SCALE", "MI SCALE2"},
    .recognised_by = "service data 0x181D, 10 bytes; names MI_SCALE, \"MI SCALE2\"",
    .reports = {"weight_kg", "device_time"},
    .link = LinkMode::advertisement,
    .service_data_uuids = {0x181D},
    .claims = mi_scale::claims,
    .decode_advert = mi_scale::decode_advert,
    .conversation = DeviceConversation{
        .summary = "download the weighings stored on the scale (history characteristic 2A2F)",
        .build = mi_scale::conversation,
        .unattended = false,  // its live weighings already arrive in its advertisements
    },
    .simulator = DeviceSimulator{
        .name = "mi-scale",
        .summary = "Xiaomi Mi Smart Scale v1 (MI_SCALE): 0x181D adverts and the GATT history download",
        .create = mi_scale::simulator,
    },
};

}  // namespace declouder
