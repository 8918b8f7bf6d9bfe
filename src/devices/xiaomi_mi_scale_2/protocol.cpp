// Xiaomi Mi Body Composition Scale 2 (XMTZC05HM, "MIBFS") and its predecessor
// XMTZC02HM ("MIBCS"): weight and impedance, passively from advertisements.
//
// Service data for UUID 0x181B, 13 bytes (shaped like a SIG Body Composition
// Measurement without the body-fat field):
//
//   byte 0      ctrl0: bit0 = pounds, bit1 = timestamp present, bit2 = "small object" mode
//   byte 1      ctrl1: bit1 = impedance present, bit2 = weight present, bit5 = stabilized,
//               bit6 = jin (catty), bit7 = load removed (the frame after stepping off)
//   bytes 2-3   year, u16 little-endian (1970 when the scale's clock was never set)
//   bytes 4-8   month, day, hour, minute, second (the scale's wall clock)
//   bytes 9-10  impedance in whole ohms, u16 LE; only meaningful when ctrl1 bit1 is set
//               (0xFFFD and friends are placeholders in weight-only frames)
//   bytes 11-12 weight u16 LE: /200 for kg, /100 for lb and jin
//
// Sources: openScale wiki and MiScaleHandler.kt parseLive13; theengs decoder
// XMTZC05HM; lolouk44/xiaomi_mi_scale (impedance accepted below 3000 ohm);
// eisaev/blevalueparser. Test vectors from public Q&A pages and the theengs test
// table (see tests/devices/mi_scale2_test.cpp).
#include "devices/xiaomi_mi_scale_2/protocol.hpp"

namespace declouder {

namespace mi_scale_2 {

bool claims(const Advertisement& adv) {
  return adv.name == "MIBFS" || adv.name == "MIBCS" || adv.service_data_for(0x181B) != nullptr;
}

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() != 13) return DecodeOutcome::reject(DecodeStatus::wrong_length, "expected 13 bytes of 0x181B service data");
  const std::uint8_t ctrl0 = b[0], ctrl1 = b[1];
  if (!(ctrl1 & 0x04)) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight-present flag is clear");

  Reading r;
  r.model = kModel;
  r.stabilized = ctrl1 & 0x20;
  r.load_removed = ctrl1 & 0x80;
  r.is_object = ctrl0 & 0x04;
  const bool pounds = ctrl0 & 0x01;
  const bool jin = ctrl1 & 0x40;
  const double raw_weight = le16(&b[11]);
  if (pounds) {
    r.unit = WeightUnit::lb;
    r.weight_kg = to_kg(raw_weight / 100.0, WeightUnit::lb);
  } else if (jin) {
    r.unit = WeightUnit::jin;
    r.weight_kg = to_kg(raw_weight / 100.0, WeightUnit::jin);
  } else {
    r.unit = WeightUnit::kg;
    r.weight_kg = raw_weight / 200.0;
  }

  const std::uint16_t impedance = le16(&b[9]);
  if ((ctrl1 & 0x02) && impedance > 0 && impedance < 3000) r.impedance_ohm = impedance;

  if (ctrl0 & 0x02) {
    DeviceClock clock;
    clock.civil = {le16(&b[2]), b[4], b[5], b[6], b[7], b[8]};
    clock.unset = clock.civil.year == 1970;
    if (clock.civil.valid()) r.device_time = clock;
  }
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_advert(const Advertisement& adv) {
  const Bytes* data = adv.service_data_for(0x181B);
  if (!data) return DecodeOutcome::reject(DecodeStatus::not_this_device, "no 0x181B service data");
  return decode_frame(*data);
}

}  // namespace mi_scale_2

}  // namespace declouder
