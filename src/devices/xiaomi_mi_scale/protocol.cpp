// Xiaomi Mi Smart Scale (v1: XMTZC01HM, XMTZC04HM; advertised names "MI_SCALE"
// and, confusingly, "MI SCALE2"): weight only, passively from advertisements.
//
// Service data for UUID 0x181D, 10 bytes (the same layout as one record of the
// scale's GATT history):
//
//   byte 0      status: bit0 = pounds, bit1 = time stamp present (as in the SIG Weight
//               Measurement's flags; set in every frame), bit4 = jin (catty),
//               bit5 = stabilized, bit6 = small-object mode (XMTZC04HM, "MI SCALE2", below),
//               bit7 = weight removed (the frame re-advertised after stepping off)
//   bytes 1-2   weight u16 little-endian: /200 for kg, /100 for lb and jin
//   bytes 3-4   year u16 LE (1970 when the scale's clock was never set)
//   bytes 5-9   month, day, hour, minute, second (the scale's wall clock)
//
// The date is only meaningful while the frame is stabilized and the load is
// still on; we report it only then. A frame of 0 (the empty scale's reset frame,
// xiaomi-ble test_Xiaomi_Scale1_reset) is no weighing.
//
// Bit 6: the XMTZC04HM (Mi Smart Scale 2, named "MI SCALE2") has a mode for weighing small
// objects; a real capture of it weighing a 9.55 kg object reads 62 76 07 ... (theengs/decoder
// pull request #71; theengs decoder XMTZC04HMKG/LB read bit 6 as "object"), while its person
// weighings read 0x22 (ble_monitor issue #292, OpenMQTTGateway issue #760). The original
// XMTZC01HM ("MI_SCALE") sets the bit on a person's weighing (the openScale wiki's notification
// 62 AC 49 ... = 94.30 kg, its author on the scale), so only an advert named "MI SCALE2" is read
// for object mode. A nameless advert (a gateway that passes on the advertisement without its scan
// response) could be either scale: it is kept as a person's weighing, because losing a person's
// weighing is worse than keeping an object's, which the assignment then gives to nobody whose
// weight it is not. History records are always a user's weighings (the scale files them under
// the user id asked for).
//
// Sources: openScale wiki "Xiaomi Bluetooth Mi Scale" (vector
// 62 AC 49 E0 07 0C 14 0D 1C 04 = 94.30 kg, 2016-12-20 13:28:04) and
// MiScaleHandler.kt parseHistory10; theengs decoder XMTZC04HM (vectors in its
// tests/BLE/test_ble.cpp, 223e30e607020e10293a = 61.75 kg); lolouk44/xiaomi_mi_scale (status
// bytes 0x22/0xA2 kg, 0x03/0xA3 lb, 0x12/0xB2 jin); custom-components/ble_monitor
// ble_parser/miscale.py and Bluetooth-Devices/xiaomi-ble parser.py (real XMTZC04HM captures in
// their tests: tests/devices/mi_scale_test.cpp).
#include "devices/xiaomi_mi_scale/protocol.hpp"
#include "devices/decode_util.hpp"

namespace declouder {

namespace mi_scale {

namespace {
// The XMTZC04HM's advert, whose 0x40 bit is its object mode (see above).
bool named_xmtzc04hm(const Advertisement& adv) { return adv.name == "MI SCALE2"; }
}  // namespace

bool claims(const Advertisement& adv) {
  return adv.name == "MI_SCALE" || adv.name == "MI SCALE2" || adv.service_data_for(0x181D) != nullptr;
}

DecodeOutcome decode_frame(ByteView b, ObjectBit bit6) {
  if (b.size() != 10) return DecodeOutcome::reject(DecodeStatus::wrong_length, "expected 10 bytes of 0x181D service data");
  const std::uint8_t status = b[0];
  Reading r;
  r.model = kModel;
  r.stabilized = status & 0x20;
  r.load_removed = status & 0x80;
  const double raw = le16(&b[1]);
  if (raw == 0) return DecodeOutcome::reject(DecodeStatus::not_stabilized, "zero weight: the empty scale's reset frame");
  r.is_object = bit6 == ObjectBit::small_object_mode && (status & 0x40);
  if (status & 0x01)
    decode_util::set_weight(r, raw / 100.0, WeightUnit::lb);
  else if (status & 0x10)
    decode_util::set_weight(r, raw / 100.0, WeightUnit::jin);
  else
    decode_util::set_weight(r, raw / 200.0, WeightUnit::kg);
  if (r.stabilized && !r.load_removed) {
    r.device_time = decode_util::wall_clock(le16(&b[3]), b[5], b[6], b[7], b[8], b[9]);
    if (r.device_time) r.device_time->unset = r.device_time->civil.year == 1970;
  }
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_advert(const Advertisement& adv) {
  const Bytes* data = adv.service_data_for(0x181D);
  if (!data) return DecodeOutcome::reject(DecodeStatus::not_this_device, "no 0x181D service data");
  return decode_frame(*data, named_xmtzc04hm(adv) ? ObjectBit::small_object_mode : ObjectBit::ignored);
}

}  // namespace mi_scale

}  // namespace declouder
