// The standard Bluetooth Heart Rate service (0x180D): chest straps, and the Mi
// Band 1S, which reports its measurements this way.
//
// Heart Rate Measurement, characteristic 0x2A37 (Bluetooth SIG Heart Rate
// Service 1.0), notified:
//   byte 0   flags: bit0 value is u16 (else u8); bit1 sensor contact detected;
//            bit2 contact detection supported; bit3 energy expended present;
//            bit4 RR intervals present
//   then     heart rate (u8 or u16 LE, bpm), energy expended u16 LE (kJ) if
//            flagged, RR intervals u16 LE in 1/1024 s until the end if flagged.
// The Mi Band 1S sends `06 <bpm>` (contact supported and detected, 8-bit value),
// seen in a Mi Fit btsnoop capture posted in a Gadgetbridge issue (`06 46` = 70 bpm).
// A strap that reports contact supported but not detected has no valid value:
// rejected as not stabilised.
#include "devices/heart_rate/protocol.hpp"
#include "devices/miband/protocol.hpp"

namespace declouder {
namespace heart_rate {

// A Mi Band also lists the Heart Rate service, but it is the band (devices/miband/).
bool claims(const Advertisement& adv) {
  return adv.advertises_service(miband::uuid::kHeartRateService) && !adv.advertises_service(miband::uuid::kService);
}

DecodeOutcome decode_gatt(const GattValue& v) {
  std::string why;
  auto m = miband::parse_heart_rate_measurement(v.value, &why);
  if (!m) return DecodeOutcome::reject(DecodeStatus::wrong_length, "heart rate measurement shorter than its flags say");
  if (m->sensor_contact && !*m->sensor_contact)
    return DecodeOutcome::reject(DecodeStatus::not_stabilized, "no skin contact");
  if (m->bpm == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "heart rate 0");
  Reading r;
  r.model = kModel;
  r.address = v.address;
  r.heart_rate_bpm = m->bpm;
  r.stabilized = true;
  return DecodeOutcome::success(r);
}

}  // namespace heart_rate

}  // namespace declouder
