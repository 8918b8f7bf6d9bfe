// Xiaomi Mi Smart Scale v1: heard in its advertisements; asked for its stored history.
#include "devices/descriptor.hpp"
#include "devices/xiaomi_mi_scale/protocol.hpp"

namespace declouder {

extern const DeviceDescriptor kMiScale = {
    .id = mi_scale::kModel,
    .name = "Xiaomi Mi Smart Scale v1 (XMTZC01HM, XMTZC04HM)",
    .manufacturer = "Xiaomi",
    .names = {"MI_SCALE", "MI SCALE2"},
    .recognised_by = "service data 0x181D, 10 bytes; names MI_SCALE, \"MI SCALE2\"",
    .reports = {"weight_kg", "device_time"},
    .link = LinkMode::advertisement,
    .service_data_uuids = {0x181D},
    .claims = mi_scale::claims,
    .decode_advert = mi_scale::decode_advert,
    // `run` downloads the history each time the scale wakes: weighings made while no gateway
    // heard it are kept; those its adverts already gave are the same weighing (same scale clock
    // and weight) and are recognised as repeats.
    .conversation = DeviceConversation{
        .summary = "download the weighings stored on the scale (history characteristic 2A2F), new ones acknowledged",
        .build = mi_scale::conversation,
    },
    .simulator = DeviceSimulator{
        .name = "mi-scale",
        .summary = "Xiaomi Mi Smart Scale v1 (MI_SCALE): 0x181D adverts and the GATT history download",
        .create = mi_scale::simulator,
    },
};

}  // namespace declouder
