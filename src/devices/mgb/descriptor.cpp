// Legacy MGB protocol on service 0xFFB0 (Swan, Icomon, YG, Lefu stock units sold as
// Hutbit and SWAN, the FitTrack Dara): the 8-byte frames on 0xFFB1 (app) and 0xFFB2 (scale).
//
//   AC 02 b2 b3 b4 b5 <flag> <checksum>,  checksum = (b2 + b3 + b4 + b5 + flag) & 0xFF
//   flag CE  live weight:  b2:b3 u16 big-endian, tenths of the display unit (not stabilized)
//   flag CA  final weight: the same
//   flag CB  impedance:    b4:b5 u16 BE ohm, only when b2:b3 = FD 01 (FD 00 opens the block,
//            FD FF = no contact); AC 02 FE <index> <hi> <lo> CB are the scale's own results
//   flag CC  the app's commands and their echoes (no reading)
//
// The weight is in tenths: two captures of real units agree, the Hutbit (Lefu) frame
// AC 02 03 49 00 00 CA 16 = 84.1 kg (ble-scale-sync hutbit.ts, from the HCI snoops of its
// issue #254) and the FitTrack Dara's (openScale FitTrackDaraHandler.kt, "0.1 display-unit
// steps", from a btsnoop capture). openScale MGBHandler.kt reads hundredths, from protocol notes
// of a Dr Trust Smart 505 (MGBHandlerStreamingTest: AC 02 26 B6 00 00 CA A6 = 99.10 kg); a value
// that cannot be tenths on a bathroom scale (above 300.0 kg, these weigh up to 180) is read that
// way. The unit is the one the app set with FE 06 <unit> (0 kg, 1 lb, 2 st: both captures send
// FE 06 00 for kg); a frame decoded alone is taken as kg.
//
// App -> scale on 0xFFB1 (write without response), each an 8-byte AC 02 ... CC frame:
//   F7 00 00 00, FA 00 00 00 (init), FB <sex 1 m / 2 f> <age> <height cm>,
//   FD <year - 2000> <month> <day>, FC <hour> <minute> <second>, FE 06 <unit> 00.
// The 20-byte composite frames (AC 02|03 FF …, 01 00 …) are not decoded.
//
// Sources: ble-scale-sync hutbit.ts (its captured handshake AC02FB021FA5CC8D is FB 02 1F A5:
// female, 31 y, 165 cm), openScale MGBHandler.kt, FitTrackDaraHandler.kt and
// MGBHandlerStreamingTest. openScale lets MGBHandler claim ANY 0xFFB0 device; here a nameless
// 0xFFB0 device is claimed by both this family and icomon-ffb0, and the frame shapes decide.
#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/ffb0_families.hpp"
#include "devices/icomon/protocol.hpp"

namespace declouder {

namespace icomon {

Bytes build_mgb_command(std::uint8_t b2, std::uint8_t b3, std::uint8_t b4, std::uint8_t b5) {
  Bytes out{0xAC, 0x02, b2, b3, b4, b5, 0xCC};
  out.push_back(static_cast<std::uint8_t>(b2 + b3 + b4 + b5 + 0xCC));
  return out;
}

std::uint8_t mgb_unit_code(WeightUnit unit) { return unit == WeightUnit::lb ? 1 : unit == WeightUnit::st ? 2 : 0; }

DecodeOutcome decode_mgb_stream(ByteView b, WeightUnit unit) {
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
    case 0xCA: {
      if (b[2] == 0xFD || b[2] == 0xFE) return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "an MGB block marker, not a weight");
      const std::uint16_t raw = be16(&b[2]);
      if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight (nobody on the scale)");
      // Tenths of the display unit; hundredths only where tenths would exceed any bathroom scale.
      decode_util::set_weight(r, raw > 3000 ? raw / 100.0 : raw / 10.0, unit);
      r.stabilized = b[6] == 0xCA;
      return DecodeOutcome::success(r);
    }
    case 0xCC: return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "an MGB command or its echo (flag CC)");
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

namespace mgb {
Conversation conversation(const ConversationContext& context);          // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp
}  // namespace mgb

namespace {

bool claims(const Advertisement& adv) {
  using decode_util::starts_with_ci;
  if (has_own_ffb0_protocol(adv.name)) return false;  // Dr. Trust SSW532, Taylor, Hoffen: their own protocols
  const bool mgb_name = starts_with_ci(adv.name, "swan") || decode_util::contains_ci(adv.name, "icomon") ||
                        starts_with_ci(adv.name, "yg") || starts_with_ci(adv.name, "Hutbit") ||
                        starts_with_ci(adv.name, "FitTrack");
  if (mgb_name) return true;
  if (!adv.advertises_service(icomon::kService)) return false;
  // Names of the newer ICOMON models belong to icomon-ffb0 only.
  return !(starts_with_ci(adv.name, "Crenot") || starts_with_ci(adv.name, "FG22") || starts_with_ci(adv.name, "Runstar") ||
           decode_util::contains_ci(adv.name, "robi"));
}

DecodeOutcome decode_gatt(const GattValue& v) { return icomon::decode_mgb_stream(v.value, WeightUnit::kg); }

}  // namespace

extern const DeviceDescriptor kMgb = {
    .id = "mgb",
    .name = "Legacy MGB scales on 0xFFB0 (Swan, Icomon, YG)",
    .manufacturer = kVariousMakers,
    .names = {"Swan", "icomon", "YG"},
    .recognised_by = "names swan…, …icomon…, yg…; or service 0xFFB0; characteristic 0xFFB2, 8-byte AC 02 frames",
    .reports = {"weight_kg", "impedance_ohm"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {icomon::kLiveCharacteristic},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "the person, the clock and the unit on FFB1 (AC 02 … CC), then CE/CA weight and CB impedance "
                   "frames on FFB2",
        .build = mgb::conversation,
        .needs_person = true,
    },
    .simulator = DeviceSimulator{
        .name = "mgb",
        .summary = "Lefu SWAN scale (FFB0, legacy MGB): weight in tenths after the app's FE 06, then the impedance",
        .create = mgb::simulator,
    },
};

}  // namespace declouder
