// Legacy MGB protocol on service 0xFFB0 (Swan, Icomon, YG scales): the 8-byte
// weight stream on 0xFFB2.
//
//   AC 02 b2 b3 b4 b5 <flag> <checksum>
//   flag CE  live weight:  b2:b3 u16 big-endian / 100 kg (not stabilized)
//   flag CA  final weight: b2:b3 u16 BE / 100 kg
//   flag CB  impedance:    b4:b5 u16 BE ohm, only when b2:b3 = FD 01
//   checksum = (b2 + b3 + b4 + b5 + flag) & 0xFF
//
// Vector (openScale MGBHandlerStreamingTest): AC 02 26 B6 00 00 CA A6 = 99.10 kg.
//
// The app writes F7 00 00 00, FA 00 00 00, FB <sex 1/2> <age> <height>,
// FD <yy> <mm> <dd>, FC <hh> <mm> <ss>, FE 06 <unit> 00 to 0xFFB1 (not built here
// yet). The 20-byte composite frames (AC 02|03 FF …, 01 00 …) are not decoded.
//
// Sources: openScale MGBHandler.kt and its streaming test. openScale lets this
// handler claim ANY 0xFFB0 device;
// here a nameless 0xFFB0 device is claimed by both this family and icomon-ffb0,
// and the frame shapes decide.
#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/icomon/protocol.hpp"

namespace declouder {

namespace icomon {

DecodeOutcome decode_mgb_stream(ByteView b) {
  if (b.size() < 2 || b[0] != 0xAC || (b[1] != 0x02 && b[1] != 0x03))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "MGB frames start with AC 02");
  if (b.size() != 8) {
    if (b.size() == 20) return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "20-byte MGB composite frame (not decoded)");
    return DecodeOutcome::reject(DecodeStatus::wrong_length, "MGB stream frames are 8 bytes");
  }
  if (b[1] != 0x02) return DecodeOutcome::reject(DecodeStatus::not_this_device, "MGB stream frames start with AC 02");
  const std::uint8_t expected = static_cast<std::uint8_t>(b[2] + b[3] + b[4] + b[5] + b[6]);
  if (expected != b[7]) return DecodeOutcome::reject(DecodeStatus::bad_checksum, "sum of bytes 2..6 differs from byte 7");
  Reading r;
  r.model = "mgb";
  switch (b[6]) {
    case 0xCE:
    case 0xCA:
      r.weight_kg = be16(&b[2]) / 100.0;
      r.stabilized = b[6] == 0xCA;
      if (*r.weight_kg == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight (nobody on the scale)");
      return DecodeOutcome::success(r);
    case 0xCB: {
      if (b[2] != 0xFD || b[3] != 0x01)
        return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "impedance frame without the FD 01 marker");
      const double ohm = be16(&b[4]);
      if (!decode_util::plausible_impedance(ohm)) return DecodeOutcome::reject(DecodeStatus::invalid_value, "implausible impedance");
      r.impedance_ohm = ohm;
      r.stabilized = true;
      return DecodeOutcome::success(r);
    }
  }
  return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "unknown MGB stream flag (CA, CB, CE known)");
}

}  // namespace icomon

namespace {


bool claims(const Advertisement& adv) {
  using decode_util::starts_with_ci;
  const bool mgb_name = starts_with_ci(adv.name, "swan") || decode_util::contains_ci(adv.name, "icomon") ||
                        starts_with_ci(adv.name, "yg");
  if (mgb_name) return true;
  if (!adv.advertises_service(icomon::kService)) return false;
  // Names of the newer ICOMON models belong to icomon-ffb0 only.
  return !(starts_with_ci(adv.name, "Crenot") || starts_with_ci(adv.name, "FG22") || starts_with_ci(adv.name, "Runstar") ||
           decode_util::contains_ci(adv.name, "robi"));
}

DecodeOutcome decode_gatt(const GattValue& v) { return icomon::decode_mgb_stream(v.value); }

}  // namespace

extern const DeviceDescriptor kMgb = {
    .id = "mgb",
    .name = "Legacy MGB scales on 0xFFB0 (Swan, Icomon, YG)",
    .names = {"Swan", "icomon", "YG"},
    .recognised_by = "names swan…, …icomon…, yg…; or service 0xFFB0; characteristic 0xFFB2, 8-byte AC 02 frames",
    .reports = {"weight_kg", "impedance_ohm"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {icomon::kLiveCharacteristic},
    .claims = claims,
    .decode_gatt = decode_gatt,
};

}  // namespace declouder
