// Huawei AH100 / CH100 body-fat scales (Chipsea CST34M97 hardware; the two differ only in the
// advertised name): asked over GATT after an authentication, every payload obfuscated with the
// scale's address and the measurement encrypted with AES.
//
// Names: "AH100", "CH100"; Honor and other rebrands prefix "HUAWEI " or "HONOR ", some firmware
// pads the name with NULs or appends "-xxx". "CH100S" is another protocol (not claimed).
// Service 0xFAA0: 0xFAA1 write with response (the app), 0xFAA2 notify (the scale).
//
// Obfuscation: every payload, both ways, is XORed with the scale's 6-byte MAC in display order
// (5C:CA:D3:08:7B:4F: 5C CA D3 08 7B 4F), repeating. The header is not.
// Frames, app -> scale:   DB <payload length + 1> <cmd> <obf(payload)>
//                         DC <payload length> 09 <obf(AES-128-CTR(payload))>   (USER_INFO only)
//        scale -> app:    BD <len> <op> <obf(tail)>
//                         BC <len> <op> <obf(AES-CTR(tail))>   (the halves of a measurement:
//                         op 0E live then 8E; of a stored record: 10 then 90)
// Keys: the token 11 22 33 44 55 <chk> <user id>, chk making the 7 bytes XOR to zero, the user
// id the person's user slot on the scale. The AES key ("magicKey") is obf(token) followed by
// bytes 7..15 of the constant 3D A2 78 4A FB 87 B1 2A 98 0F DE 34 56 73 21 56; the IV is
// 4E F7 64 32 2F DA 76 32 12 3D EB 87 90 FE A2 19; AES/CTR/NoPadding, from the IV for every frame.
// Session:
//   notifications on 0xFAA2; the scale says it is awake (op 00)
//   AUTH (cmd 24, the token) -> op 26, its first byte 1: authorised; otherwise AUTH again, up
//   to twice, then BIND (cmd 25, the token) -> op 27 (bound) -> AUTH again
//   SET_UNIT (cmd 02: 01 kg, 02 lb), SET_SCALE_CLOCK (cmd 08: year LE16, month, day, hour,
//   minute, second, weekday Mon=1..Sun=7, the local time), USER_INFO (cmd 09, encrypted: the
//   token, age | 0x80 for a woman, height cm, 00, weight tenth-kg LE16, FF FF, 1C E2: 16
//   bytes, though openScale's comment counts 14), GET_VERSION (cmd 0C, empty)
//   the scale: op 0F (a stable weight: a precursor, ignored), then the encrypted pair; op 20
//   asks for the user info again
//   FAT_RESULT_ACK (cmd 13, 00) once the measurement is taken
// The measurement: the first half's tail de-obfuscated and decrypted,
//   [0] user id, [1-2] weight tenth-kg LE, [3-4] body fat tenth-% LE, [5-6] year LE, [7] month,
//   [8] day, [9] hour, [10] minute, [11] second, [12] weekday, [13-14] impedance ohm LE.
// The second half is not needed (openScale v2.5.4 ignored it, and its content is not described
// in public). At a larger MTU some firmware sends the whole first half, or both, in one bigger
// notification: whatever arrives first with 15 decrypted bytes is decoded.
//
// What we report: the weight, the scale's clock (its wall clock, no zone), its user id as the
// slot (a weighing of another slot than the person's is not theirs: the conversation ignores
// it, as it does on the Yunmai), the impedance when it is a body's (1..3999 ohm) and the scale's
// own body fat as the device metric fat_percent. The stored measurement gets declouder's own
// formulas from the impedance, as every scale's does.
//
// `decode` and `capture` of a lone frame need the address (--address): without it nothing can be
// de-obfuscated. The key also depends on the user id the app authenticated with; a lone frame is
// tried with each user id's key, and the one whose measurement names the same user opens it.
//
// Vectors: openScale's HuaweiAhCh100HandlerTest.kt (MAC 5C:CA:D3:08:7B:4F, user 1: token
// 11223344551001, magicKey 4de8e04c2e5f5d2a980fde3456732156, three first halves). They are
// synthetic, built by an independent re-implementation of openScale v2.5.4's handler; one of
// them holds the 97.0 kg / 28.0 % a user reported in openScale issue #1280.
//
// Sources: openScale HuaweiAhCh100Handler.kt and its test HuaweiAhCh100HandlerTest.kt, and their
// ancestor BluetoothHuaweiAH100.java (openScale v2.5.4, legacy/); openScale issues #1206, #1276,
// #1280 (the 3.x regression and its fix). Re-implemented from these facts; no code copied.
#include "devices/descriptor.hpp"
#include "devices/huawei_ah100/protocol.hpp"

namespace declouder::huawei_ah100 {

Conversation conversation(const ConversationContext& c);                 // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

namespace {

bool claims(const Advertisement& adv) { return is_ah100_name(adv.name); }

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kNotifications) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFAA2");
  if (!v.device_name.empty() && !is_ah100_name(v.device_name))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "an AH100 is named AH100 or CH100");
  const ByteView b = v.value;
  if (b.size() < 3 || (b[0] != kScalePlain && b[0] != kScaleEncrypted))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "AH100 notifications start BD or BC");
  if (b[0] == kScalePlain)
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "a session notification (BD): no measurement");
  if (b[2] == kOpMeasurement2 || b[2] == kOpHistory2)
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "the second half of a measurement: the first carries it");
  if (!v.address)
    return DecodeOutcome::reject(DecodeStatus::needs_key,
                                 "the frame is obfuscated with the scale's address: give it (--address)");
  return decode_lone_first_half(b, *v.address);
}

}  // namespace
}  // namespace declouder::huawei_ah100

namespace declouder {

extern const DeviceDescriptor kHuaweiAh100 = {
    .id = huawei_ah100::kModel,
    .name = "Huawei AH100 / CH100 body fat scale",
    .manufacturer = "Huawei",
    .names = {"AH100", "CH100"},
    .recognised_by = "names AH100, CH100 (Huawei/Honor prefixes, not CH100S); service 0xFAA0, "
                     "BC 0E measurements on 0xFAA2, obfuscated with the address and AES-encrypted",
    .reports = {"weight_kg", "impedance_ohm", "device_time", "user_slot", "fat_percent"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {huawei_ah100::kNotificationCharacteristic},
    .claims = huawei_ah100::claims,
    .decode_gatt = huawei_ah100::decode_gatt,
    .conversation = DeviceConversation{
        .summary = "authenticates with the person's user slot (binds it when the scale does not know it), "
                   "sets the unit, clock and user info (AES), then takes the encrypted measurement on 0xFAA2",
        .build = huawei_ah100::conversation,
        .remembers = true,
    },
    .simulator = DeviceSimulator{
        .name = "huawei-ah100",
        .summary = "Huawei AH100: wake-up, authentication (binds an unknown user), then the 0F precursor and "
                   "the encrypted measurement pair for the user slot it was told",
        .create = huawei_ah100::simulator,
    },
};

}  // namespace declouder
