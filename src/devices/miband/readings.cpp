// Xiaomi Mi Band 1 / 1A / 1S: the values it reports over GATT, as a registry
// family (the conversation that gets them lives in devices/miband/conversation).
//
// Recognised by: the names "MI" / "MI1S" / "MI Band", the 1S's address OUI C8:0F:10, or a
// nameless advertisement listing the 0xFEE0 service (without 0xFEE0 service data) (the band of a public Stack Overflow
// question's hcidump log advertised
// only flags and 6 bytes of manufacturer data). The 1/1A OUI 88:0F:10 is not used:
// Xiaomi's scales share it.
// Decodes, by characteristic (all 0000FFxx-0000-1000-8000-00805f9b34fb):
//   FF06 realtime steps   u16 LE (or u32 LE on 4-byte firmwares) -> steps
//   FF0C battery          level %, last charge date (6 B), charge count u16 LE,
//                         status (0 normal, 1 low, 2 charging, 3 full, 4 off) -> battery_percent
//   FF01 device info      16/20 B with a CRC-8 check byte: validated, not a reading
// Heart rate arrives on the standard 0x2A37 and is decoded by the heart-rate family.
// Byte layouts and sources: protocol.hpp.
#include "devices/descriptor.hpp"
#include "devices/miband/protocol.hpp"

namespace declouder {
namespace miband {

bool claims(const Advertisement& adv) {
  if (adv.name == "MI" || adv.name == "MI1S" || adv.name == "MI1A" || adv.name == "MI Band") return true;
  if (adv.address) {
    const auto& b = adv.address->bytes;
    if (b[0] == 0xC8 && b[1] == 0x0F && b[2] == 0x10) return true;
  }
  // The 0xFEE0 service UUID (Gadgetbridge's scan filter) is Huami's for every band and watch
  // after the first (Amazfit Bip, Mi Band 2..., which broadcast 0xFEE0 service data) and is used
  // by other vendors' devices too (Keep): only a nameless advertisement that lists it as a
  // service, and carries no 0xFEE0 service data, can still be a Mi Band 1.
  if (!adv.name.empty() || adv.service_data_for(miband::uuid::kService)) return false;
  for (const auto& u : adv.service_uuids)
    if (u.is16() && u.short16() == miband::uuid::kService) return true;
  return false;
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (!v.characteristic.is16()) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a Mi Band characteristic");
  Reading r;
  r.model = kModel;
  r.address = v.address;
  switch (v.characteristic.short16()) {
    case miband::uuid::kRealtimeSteps: {
      auto steps = miband::parse_realtime_steps(v.value);
      if (!steps) return DecodeOutcome::reject(DecodeStatus::wrong_length, "realtime steps are 2 or 4 bytes");
      r.steps = *steps;
      r.stabilized = true;
      return DecodeOutcome::success(r);
    }
    case miband::uuid::kBattery: {
      if (v.value.size() < 10) return DecodeOutcome::reject(DecodeStatus::wrong_length, "battery info is 10 bytes");
      auto b = miband::parse_battery(v.value);
      if (!b) return DecodeOutcome::reject(DecodeStatus::invalid_value, "battery level above 100 or an impossible date");
      r.battery_percent = b->level_percent;
      r.stabilized = true;
      return DecodeOutcome::success(r);
    }
    case miband::uuid::kDeviceInfo: {
      // 0xFF01 is a generic vendor UUID (other devices' frames arrive on it too): a value that
      // is not a Mi Band's 16- or 20-byte device info with its check byte is someone else's.
      auto d = miband::parse_device_info(v.value);
      if (!d.info) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a Mi Band device info (16 or 20 bytes, CRC-8 ^ MAC)");
      return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "device info (valid) carries no measurement");
    }
  }
  return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a Mi Band characteristic");
}

}  // namespace miband

}  // namespace declouder
