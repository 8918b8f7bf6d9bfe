// Hoffen BS-8107 (openScale: "Hoffen BBS-8107") and its rebrand ProfiCare PC-PW 3008 BT: the
// Chipsea "WeChat scale" firmware, asked over GATT for each weighing.
//
// Names: exactly "Hoffen BS-8107" or "PC-PW 3008 BT", any case, surrounding spaces ignored
// (openScale matches the whole name: "PC-PW 3007 BT" or "PC-PW 3008" are other scales). The
// scales also advertise the WeChat service 0xFEE7, which all kinds of devices use: it claims
// nothing by itself. The PC-PW's advert in openScale pull request #1476: flags 06, service 0xFEE7,
// the name, manufacturer data of company 0x0131 (6A 2B 00 00 A6 BC, not decoded: its meaning is
// not published).
//
// GATT: service 0xFFB0, one characteristic 0xFFB2 (notify, and write with response) both ways.
// Every frame is FA <command> <payload size> <payload> <checksum>, the checksum the XOR of
// bytes 1..n-2 (command, size, payload), so the XOR of bytes 1..n-1 of a good frame is 0.
// App -> scale, each answered by an ack FA 03 … (openScale reads only its command byte):
//   FA 85 04 00 <sex: 01 male, 00 female> <age> <height cm> <xor>   the person (byte 3 is 0
//                                                                   in both openScale drivers)
//   FA 83 02 <unit: 01 kg, 02 lb, 03 st> 00 <xor>                  the display unit
//   FA 82 01 00 <xor>                                               measurement received; the
//                                                                   scale powers down after its ack
// Scale -> app:
//   FA 01 …: a live weight while the person settles, u16 LE / 10 at bytes 4-5
//   FA 02 …: the final measurement: weight u16 LE / 10 at bytes 3-4, byte 5 00 when the person
//            stood barefoot (the composition follows), 04 when not (weight only); then fat % u16
//            LE / 10 at 6-7, water % at 8-9, muscle % at 10-11, bone kg u8 / 10 at 14, visceral
//            fat u16 LE / 10 at 17-18. The legacy driver names what it skips between them, in
//            this order: the basal metabolic rate, the BMI (after the bone) and the body age
//            (after the visceral fat); their bytes are left raw here.
// The weight is tenths of a kg when the scale shows kg, tenths of a pound when it was told lb
// or st (openScale converts from lb for both).
// The split checksum: openScale skips the checksum of FA 02 frames because "the checksum will be
// sent in the next notify message". A frame with the composition runs to byte 19 (the body age)
// and its checksum is byte 20: 21 bytes, one more than a notification carries at the default ATT
// MTU (23, 20 bytes of value), so the scale sends 20 bytes and then the checksum alone. Here the
// size byte says how long the frame is: a final frame one byte short is waiting for its
// checksum, which the conversation joins from the next notification and checks. Unlike
// openScale, no frame is ever accepted whose checksum was not seen to hold.
// The scale reports no user slot: it weighs whoever the app last described.
//
// Vectors: openScale HoffenBbs8107HandlerTest.kt (the names it claims and refuses; constructed
// adverts) and the PC-PW's advert in pull request #1476 (captured). No frame of this scale is
// published; the frames in our tests are constructed from the layout above.
//
// Sources: openScale HoffenBbs8107Handler.kt and HoffenBbs8107HandlerTest.kt; the legacy driver
// BluetoothHoffenBBS8107.java (openScale pull request #704, where it was reverse engineered);
// pull request #1476 (the PC-PW 3008 BT: same firmware, offsets confirmed against the vendor's
// Dr.Curve+ app). Re-implemented from these facts; no code copied.
#include "devices/hoffen_bs8107/protocol.hpp"

#include "devices/decode_util.hpp"

namespace declouder::hoffen {
namespace {

constexpr double kMaxKg = 300;  // above any bathroom scale's range: a garbled weight

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A composition value the scale computed, kept when it is a body's (0 is the scale's "none").
void add_metric(Reading& r, const char* name, double value, double below) {
  if (value > 0 && value < below) r.add_device_metric(name, value);
}

}  // namespace

std::uint8_t checksum(ByteView b) {
  std::uint8_t x = 0;
  for (std::size_t i = 1; i < b.size(); ++i) x ^= b[i];
  return x;
}

Bytes frame(std::uint8_t command, ByteView payload) {
  Bytes f;
  f.reserve(payload.size() + 4);
  f.push_back(kMagic);
  f.push_back(command);
  f.push_back(static_cast<std::uint8_t>(payload.size()));
  for (std::uint8_t byte : payload) f.push_back(byte);  // (insert() trips GCC 12's -Warray-bounds)
  f.push_back(checksum(f));
  return f;
}

std::uint8_t unit_code(WeightUnit unit) {
  switch (unit) {
    case WeightUnit::lb: return 0x02;
    case WeightUnit::st: return 0x03;
    default: return 0x01;
  }
}

Bytes user_frame(bool male, int age, int height_cm) {
  const Bytes payload{0x00, static_cast<std::uint8_t>(male ? 0x01 : 0x00), static_cast<std::uint8_t>(age),
                      static_cast<std::uint8_t>(height_cm)};
  return frame(kSendUser, payload);
}

Bytes unit_frame(WeightUnit unit) { return frame(kSetUnit, Bytes{unit_code(unit), 0x00}); }

Bytes done_frame() { return frame(kMeasurementDone, Bytes{0x00}); }

bool has_name(std::string_view name) {
  const std::string_view n = trimmed(name);
  return decode_util::equals_ci(n, "Hoffen BS-8107") || decode_util::equals_ci(n, "PC-PW 3008 BT");
}

FrameState frame_state(ByteView b) {
  if (b.size() < 4 || b[0] != kMagic) return FrameState::bad;
  const std::size_t size = std::size_t{b[2]} + 4;
  if (b.size() == size) return checksum(b.first(b.size() - 1)) == b.back() ? FrameState::whole : FrameState::bad;
  if (b.size() + 1 == size && b[1] == kFinal) return FrameState::checksum_follows;
  return FrameState::bad;
}

DecodeOutcome decode_frame(ByteView b, WeightUnit shown) {
  if (b.size() < 2 || b[0] != kMagic)
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "Hoffen frames start with FA");
  if (b.size() < 4) return DecodeOutcome::reject(DecodeStatus::wrong_length, "a frame is at least FA, command, size, checksum");
  const std::size_t size = std::size_t{b[2]} + 4;
  if (b.size() + 1 == size && b[1] == kFinal)
    return DecodeOutcome::reject(DecodeStatus::wrong_length,
                                 "a final frame without its checksum (the scale sends it in the next notification)");
  if (b.size() != size)
    return DecodeOutcome::reject(DecodeStatus::wrong_length, "the frame's size byte (byte 2) does not match its length");
  if (checksum(b.first(b.size() - 1)) != b.back())
    return DecodeOutcome::reject(DecodeStatus::bad_checksum, "the XOR of bytes 1..n-2 is not the last byte");

  std::size_t weight_at = 0;
  switch (b[1]) {
    case kLiveWeight: weight_at = 4; break;
    case kFinal: weight_at = 3; break;
    case kAck: return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "an ack (FA 03) of the app's command");
    default: return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "an unknown Hoffen command");
  }
  const std::size_t payload_end = b.size() - 1;  // the checksum's position
  if (weight_at + 2 > payload_end || (b[1] == kFinal && payload_end < 6))
    return DecodeOutcome::reject(DecodeStatus::wrong_length, "too short for its weight");
  const unsigned tenths = le16(&b[weight_at]);
  if (tenths == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight (nobody on the scale)");

  Reading r;
  r.model = kModel;
  // Pounds for lb and st alike: the scale has no stone display over Bluetooth.
  const WeightUnit counted = shown == WeightUnit::kg || shown == WeightUnit::jin ? WeightUnit::kg : WeightUnit::lb;
  r.weight_kg = to_kg(tenths / 10.0, counted);
  r.unit = shown == WeightUnit::jin ? WeightUnit::kg : shown;
  if (*r.weight_kg > kMaxKg) return DecodeOutcome::reject(DecodeStatus::invalid_value, "a weight no bathroom scale weighs");
  if (b[1] == kLiveWeight) return DecodeOutcome::success(r);

  r.stabilized = true;
  if (b[5] == kContact && payload_end >= 19) {
    add_metric(r, "fat_percent", le16(&b[6]) / 10.0, 75);
    add_metric(r, "water_percent", le16(&b[8]) / 10.0, 90);
    add_metric(r, "muscle_percent", le16(&b[10]) / 10.0, 90);
    add_metric(r, "bone_kg", b[14] / 10.0, 10);
    add_metric(r, "visceral_fat", le16(&b[17]) / 10.0, 60);
  }
  // 04 (no contact: shoes, or the feet not on the electrodes) and any other marker: weight only.
  return DecodeOutcome::success(r);
}

bool claims(const Advertisement& adv) { return has_name(adv.name); }

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != Uuid::from16(kCharacteristic))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFFB2");
  return decode_frame(v.value);
}

}  // namespace declouder::hoffen
