// Xiaomi Mi Smart Scale (v1: XMTZC01HM, XMTZC04HM; advertised names "MI_SCALE"
// and, confusingly, "MI SCALE2"): weight only, passively from advertisements.
//
// Service data for UUID 0x181D, 10 bytes (the same layout as one record of the
// scale's GATT history):
//
//   byte 0      status: bit0 = pounds, bit4 = jin (catty), bit5 = stabilized,
//               bit7 = weight removed (the frame re-advertised after stepping off);
//               bits 1-3 and 6 are unknown (0x02 and 0x40 are commonly set)
//   bytes 1-2   weight u16 little-endian: /200 for kg, /100 for lb and jin
//   bytes 3-4   year u16 LE
//   bytes 5-9   month, day, hour, minute, second (the scale's wall clock)
//
// The date is only meaningful while the frame is stabilized and the load is
// still on; we report it only then.
//
// Sources: openScale wiki "Xiaomi Bluetooth Mi Scale" (vector
// 62 AC 49 E0 07 0C 14 0D 1C 04 = 94.30 kg, 2016-12-20 13:28:04) and
// MiScaleHandler.kt parseHistory10; theengs decoder XMTZC04HM (vector
// 223e30e607020e10293a = 61.75 kg); lolouk44/xiaomi_mi_scale (status bytes
// 0x22/0xA2 kg, 0x03/0xA3 lb, 0x12/0xB2 jin).
#include "devices/xiaomi_mi_scale/protocol.hpp"
#include "devices/decode_util.hpp"

namespace declouder {

namespace mi_scale {

bool claims(const Advertisement& adv) {
  return adv.name == "MI_SCALE" || adv.name == "MI SCALE2" || adv.service_data_for(0x181D) != nullptr;
}

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() != 10) return DecodeOutcome::reject(DecodeStatus::wrong_length, "expected 10 bytes of 0x181D service data");
  const std::uint8_t status = b[0];
  Reading r;
  r.model = kModel;
  r.stabilized = status & 0x20;
  r.load_removed = status & 0x80;
  const double raw = le16(&b[1]);
  if (status & 0x01)
    decode_util::set_weight(r, raw / 100.0, WeightUnit::lb);
  else if (status & 0x10)
    decode_util::set_weight(r, raw / 100.0, WeightUnit::jin);
  else
    decode_util::set_weight(r, raw / 200.0, WeightUnit::kg);
  if (r.stabilized && !r.load_removed) r.device_time = decode_util::wall_clock(le16(&b[3]), b[5], b[6], b[7], b[8], b[9]);
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_advert(const Advertisement& adv) {
  const Bytes* data = adv.service_data_for(0x181D);
  if (!data) return DecodeOutcome::reject(DecodeStatus::not_this_device, "no 0x181D service data");
  return decode_frame(*data);
}

}  // namespace mi_scale

}  // namespace declouder
