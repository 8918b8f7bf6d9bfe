// Yunmai X (YMBS-M268; the vendor app calls the family "YUNMAI-ADV"): weight and impedance in
// its advertisements, no connection. Unlike the older Yunmai scales (src/devices/yunmai/, asked
// over GATT, named "YUNMAI-…"), it advertises no name: it is known by the 16-bit service UUID
// 0x1320 it lists and by the shape of its manufacturer data.
//
// Manufacturer data, 16 bytes on air; the first two are what a receiver reads as the company
// id, so the decoder sees the company and 14 bytes:
//   company   MAC octets 5, 4 as a little-endian u16: (octet 4 << 8) | octet 5
//   0-3       MAC octets 3, 2, 1, 0 (the whole entry is the address, byte-reversed)
//   4-6       0B 74 17, a constant signature
//   7         a session byte: constant within one weighing, varying between them (04, 0F, 10
//             seen); its meaning is unknown, so it is ignored
//   8         state: 01 measuring (live weight), 02 weight stable (the impedance still being
//             measured), 03 final (with the impedance)
//   9-10      weight u16 big-endian, kg x 100
//   11-12     impedance u16 BE, ohm (0 until state 03; 0 in it when none was measured)
//   13        XOR of bytes 7-12
// The company id is the address, so it cannot be a dispatch key: the family claims an advert
// by the 0x1320 service or by a frame with the signature, the checksum and (where the receiver
// knows the address) the MAC echo; a frame heard from another address is not this scale's.
// The scale repeats its final frame for seconds; the gateway keeps one weighing of them.
// The weighing is the final frame; live and stable frames are not stabilized. The scale shows
// no user, so the gateway tells the person by the weight, as for the Mi Scale.
// Nothing but the family name is shared with the older Yunmai protocol (other frames, other
// checksum, no user id), so the two families share no code.
//
// Vectors: openScale YunmaiXHandlerTest.kt, frames the test builds to the layout of a real
// YMBS-M268 capture (constructed, not captured). Sources: openScale YunmaiXHandler.kt (the
// layout, reverse-engineered from a YMBS-M268 and checked against a live weighing);
// re-implemented from those facts, no code copied.
#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/yunmai_x/protocol.hpp"

namespace declouder {
namespace yunmai_x {

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

namespace {

bool claims(const Advertisement& adv) {
  for (const auto& [company, data] : adv.manufacturer_data)
    if (is_frame(company, data, adv.address)) return true;
  return adv.advertises_service(kAdvertService);
}

// The first entry with the frame's signature is decoded, and its outcome returned as it is built:
// an outcome carries a whole Reading, and copying one per advert was most of this family's cost.
DecodeOutcome decode_advert(const Advertisement& adv) {
  for (const auto& [company, data] : adv.manufacturer_data)
    if (has_signature(data)) return decode(company, data, adv.address);
  return DecodeOutcome::reject(DecodeStatus::not_this_device, "no Yunmai X manufacturer data");
}

}  // namespace
}  // namespace yunmai_x

extern const DeviceDescriptor kYunmaiX = {
    .id = "yunmai-x",
    .name = "Yunmai X (YMBS-M268)",
    .manufacturer = "Yunmai",
    .names = {},
    .recognised_by = "no name; service UUID 0x1320, or 14-byte manufacturer data after the id (the address "
                     "reversed, 0B 74 17, state, weight, impedance, XOR)",
    .reports = {"weight_kg", "impedance_ohm"},
    .link = LinkMode::advertisement,
    .claims = yunmai_x::claims,
    .decode_advert = yunmai_x::decode_advert,
    .simulator = DeviceSimulator{
        .name = "yunmai-x",
        .summary = "Yunmai X (YMBS-M268): the live weight, stable, then the final frame with the impedance",
        .create = yunmai_x::simulator,
    },
};

}  // namespace declouder
