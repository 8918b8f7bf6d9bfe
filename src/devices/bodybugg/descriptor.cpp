// BodyMedia BodyBugg / SenseWear / GoWearFit armbands: a USB serial link, not Bluetooth.
// `declouder bodybugg` talks to them (commands.hpp, download.hpp; `bodybugg simulate` plays
// one on a pseudo-terminal); nothing here is dispatched from advertisements.
#include "devices/descriptor.hpp"

namespace declouder {

extern const DeviceDescriptor kBodyBugg = {
    .id = "bodymedia-armband",
    .name = "BodyMedia BodyBugg, SenseWear and GoWearFit armbands (USB serial)",
    .manufacturer = "BodyMedia",
    .recognised_by = "a USB serial port (declouder bodybugg --port DEV): the `retrieve PDP` text dump, "
                     "or the GoWearFit binary memory read",
    .reports = {"armband_channels"},
    .link = LinkMode::serial,
    .own_command = "bodybugg",
};

}  // namespace declouder
