// Yunmai SE / Mini / Signal ("YUNMAI-ISSE…", "YUNMAI-SIGNAL…", "YUNMAI-ISM…",
// "YUNMAI-ISC2P…", "YUNMAI-Scale-3"): weight, resistance, the scale's clock and,
// on protocol version 0x1E and later, the body fat % the scale computed.
//
// Notify on 0xFFE4 (service 0xFFE0), write to 0xFFE9 (service 0xFFE5).
//
// Scale -> app:  0D <protocol version> <length> <type> ...
//   type 01  measuring (no final value)
//   type 02  final:  5-8 Unix time u32 big-endian; 9-12 user id u32 BE (the one
//            the app set); 13-14 weight u16 BE / 100 kg; 15-16 resistance u16 BE
//            (ohm); protocol >= 0x1E: 17-18 body fat u16 BE / 100 %.
//            18 bytes (protocol < 0x1E) or 20 bytes.
// App -> scale:  0D <length> <command> ... <XOR of bytes 1..n-2>
//   0x10 set user: 0D 12 10 01 00 00 <uid u16 BE> <height cm> <sex 1 m, 2 f> <age>
//                  55 5A 00 00 <unit 1 kg, 2 lb> <activity 0/1> <xor>
//   0x11 set time: 0D 0D 11 <unix u32 BE> 00 00 00 00 00 <xor>
//   0x13 start:    0D 05 13 00 16
//
// No public capture of a final frame was found; the tests use frames built from
// this layout. Whether the scale's last byte is a checksum is not documented,
// so it is not checked.
//
// Sources: openScale YunmaiHandler.kt.
#include "devices/yunmai/protocol.hpp"

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"

namespace declouder {

namespace yunmai {

std::uint8_t checksum(ByteView f) {
  std::uint8_t x = 0;
  for (std::size_t i = 1; i + 1 < f.size(); ++i) x ^= f[i];
  return x;
}

namespace {
Bytes finish(Bytes out) {
  out.push_back(0);
  out.back() = checksum(out);
  return out;
}
}  // namespace

Bytes build_set_user(const UserProfile& u) {
  Bytes out = {0x0D, 0x12, 0x10, 0x01, 0x00, 0x00};
  put_u16be(out, u.user_id);
  put_u8(out, static_cast<std::uint8_t>(u.height_cm));
  put_u8(out, u.male ? 1 : 2);
  put_u8(out, static_cast<std::uint8_t>(u.age));
  for (std::uint8_t v : {0x55, 0x5A, 0x00, 0x00}) put_u8(out, v);
  put_u8(out, u.unit == WeightUnit::lb ? 2 : 1);
  put_u8(out, u.athlete ? 1 : 0);
  return finish(out);
}

Bytes build_set_time(std::uint32_t unix_seconds) {
  Bytes out = {0x0D, 0x0D, 0x11};
  put_u32be(out, unix_seconds);
  for (int i = 0; i < 5; ++i) put_u8(out, 0);
  return finish(out);
}

Bytes build_start() { return finish({0x0D, 0x05, 0x13, 0x00}); }

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() < 4 || b[0] != 0x0D) return DecodeOutcome::reject(DecodeStatus::not_this_device, "Yunmai frames start with 0D");
  const std::uint8_t protocol = b[1];
  const std::uint8_t type = b[3];
  if (type == 0x01) return DecodeOutcome::reject(DecodeStatus::not_stabilized, "measuring frame (no final value yet)");
  if (type != 0x02) return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "Yunmai frame type without a weight");
  const bool with_fat = protocol >= 0x1E;
  if (b.size() < (with_fat ? 20u : 18u))
    return DecodeOutcome::reject(DecodeStatus::wrong_length, "final frame needs 18 bytes (20 from protocol 0x1E)");
  const std::uint16_t raw = be16(&b[13]);
  if (raw == 0 || raw == 0xFFFF) return DecodeOutcome::reject(DecodeStatus::invalid_value, "no weight in the final frame");
  Reading r;
  r.model = "yunmai";
  r.stabilized = true;
  r.weight_kg = raw / 100.0;
  r.device_time = decode_util::unix_clock(be32(&b[5]));
  const std::uint32_t uid = be32(&b[9]);
  if (uid > 0 && uid <= 0xFFFF) r.user_slot = static_cast<int>(uid);
  const double ohm = be16(&b[15]);
  if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  if (with_fat) {
    const std::uint16_t fat = be16(&b[17]);
    if (fat > 0 && fat < 10000) r.add_device_metric("fat_percent", fat / 100.0);
  }
  return DecodeOutcome::success(r);
}

}  // namespace yunmai

namespace {


bool claims(const Advertisement& adv) { return decode_util::starts_with_ci(adv.name, "YUNMAI-"); }

DecodeOutcome decode_gatt(const GattValue& v) { return yunmai::decode_frame(v.value); }

}  // namespace

extern const DeviceDescriptor kYunmai = {
    .id = "yunmai",
    .name = "Yunmai SE, Mini, Signal (YUNMAI-ISSE, -ISM, -SIGNAL, -ISC2P, -Scale-3)",
    .manufacturer = "Yunmai",
    .names = {"YUNMAI-ISSE", "YUNMAI-ISM2", "YUNMAI-SIGNAL"},
    .recognised_by = "name YUNMAI-…; characteristic 0xFFE4, frames starting 0D",
    .reports = {"weight_kg", "impedance_ohm", "user_slot", "device_time", "fat_percent"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {yunmai::kNotifyCharacteristic},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "sets the user (height, age, sex, unit) and the clock on FFE9, starts, the final 0D frame on FFE4",
        .build = yunmai::conversation,
        .needs_person = true,
    },
    .simulator = DeviceSimulator{
        .name = "yunmai",
        .summary = "Yunmai Mini (YUNMAI-ISM2-W): weighs for the user set on FFE9, final frame on FFE4",
        .create = yunmai::simulator,
    },
};

}  // namespace declouder
