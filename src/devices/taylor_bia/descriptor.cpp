// Taylor 5331891 BIA bathroom scale ("Taylor Body Composition Bathroom Scale"): the GATT layout
// of the legacy MGB family (service 0xFFB0, commands on 0xFFB1, notifications on 0xFFB2) with
// frames of its own, which is why the mgb and icomon-ffb0 families must leave it alone (they
// claim any 0xFFB0 device; devices/ffb0_families.hpp names the scales that are not theirs).
//
// Names: "5331891 BIA Scale" (openScale matches "5331891…" or "…BIA SCALE…", any case).
// App -> scale on 0xFFB1 (write with response), the MGB commands AC 02 b2 b3 b4 b5 CC <sum>,
// sum = (b2 + b3 + b4 + b5 + CC) & 0xFF: F7 00 00 00, FA 00 00 00, FB <sex 1 m / 2 f> <age>
// <height cm>, FD <year - 2000> <month> <day>, FC <hour> <minute> <second>, FE 06 <unit 0 kg /
// 1 lb / 2 st> 00. The scale streams only after this handshake.
// Scale -> app on 0xFFB2, 20 bytes:
//   AC 27 <flag> <chan> <hi> <lo> 02 00 00 01 00 00 00 00 00 00 00 24 D5 <check>
//   flag 00 live, 80 locked; chan 8C or 8D: its low bit is bit 16 of the weight in grams
//   ((chan & 1) << 16 | hi << 8 | lo); 8C 00 00 is the idle frame (nobody on the scale).
//   Summary, once a reading locks: AC 27 01 00 02 <idx> 01 80 <chan> <hi> <lo> 00 …: the locked
//   weight again at bytes 8..10.
// The weight is grams whatever the display shows: the capture's locked frame AC 27 80 8D 2F 52
// is 77.650 kg, the user's 171.2 lb weigh-in (and 8D 32 40 = 78.400 kg, the app's 173.0 lb).
// In practice the scale seldom sends the locked or summary frame: the live value plateaus,
// repeating verbatim once the person stands still, so the conversation takes a weight seen four
// times in a row as final (as openScale does), or a locked frame when one comes.
// The scale sends weight only: no impedance over Bluetooth (the vendor app computes the rest).
// No user slot either: a weighing is whoever stands on it. The last byte's rule is not
// published; it is not checked.
//
// Vectors: openScale TaylorBIAHandlerTest.kt, bytes 3..5 of real frames from the btsnoop
// captures of openScale pull request #1393 (77.650 kg, 78.400 kg, the idle frame) and two
// constructed values (8D 00 00 = 65.536 kg, 8C 9C 40 = 40.000 kg); the frames around them in
// our tests are completed from the layout above.
//
// Sources: openScale TaylorBIAHandler.kt and TaylorBIAHandlerTest.kt; openScale pull request
// #1393 (the protocol as reverse-engineered from the captures). Re-implemented from these
// facts; no code copied.
#include "devices/conversation_util.hpp"
#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/taylor_bia/protocol.hpp"

namespace declouder::taylor_bia {

Conversation conversation(const ConversationContext& c);                 // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

bool is_taylor_name(std::string_view name) {
  return decode_util::starts_with_ci(name, "5331891") || decode_util::contains_ci(name, "BIA SCALE");
}

namespace {

bool is_channel(std::uint8_t c) { return c == kChannelLow || c == kChannelHigh; }

std::uint32_t grams_at(ByteView b, std::size_t chan) {
  return (static_cast<std::uint32_t>(b[chan] & 0x01) << 16) | (static_cast<std::uint32_t>(b[chan + 1]) << 8) | b[chan + 2];
}

bool claims(const Advertisement& adv) { return is_taylor_name(adv.name); }

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != Uuid::from16(kFrameCharacteristic))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFFB2");
  return decode_frame(v.value);
}

}  // namespace

std::uint32_t frame_grams(ByteView b) {
  if (b.size() != kFrameSize || b[0] != 0xAC || b[1] != 0x27) return 0;
  if (b[2] == kFlagSummary && b[3] == 0x00) return is_channel(b[8]) ? grams_at(b, 8) : 0;
  return is_channel(b[3]) ? grams_at(b, 3) : 0;
}

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() < 2 || b[0] != 0xAC || b[1] != 0x27)
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "Taylor frames start with AC 27");
  if (b.size() != kFrameSize) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Taylor frames are 20 bytes");
  const std::uint8_t flag = b[2];
  const bool summary = flag == kFlagSummary && b[3] == 0x00;
  if (!summary && flag != kFlagLive && flag != kFlagLocked)
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "unknown Taylor frame flag (00 live, 80 locked, 01 summary)");
  const std::size_t chan = summary ? 8 : 3;
  if (!is_channel(b[chan]))
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "not a weight channel (8C or 8D)");
  const std::uint32_t grams = grams_at(b, chan);
  if (grams == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight (the idle frame: nobody on the scale)");
  Reading r;
  r.model = kModel;
  decode_util::set_weight(r, grams / 1000.0, WeightUnit::kg);
  r.stabilized = flag != kFlagLive;
  return DecodeOutcome::success(r);
}

}  // namespace declouder::taylor_bia

namespace declouder {

extern const DeviceDescriptor kTaylorBia = {
    .id = taylor_bia::kModel,
    .name = "Taylor 5331891 BIA bathroom scale",
    .manufacturer = "Taylor",
    .names = {"5331891 BIA Scale"},
    .recognised_by = "names 5331891…, …BIA SCALE…; 20-byte AC 27 frames on 0xFFB2 (service 0xFFB0)",
    .reports = {"weight_kg"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {taylor_bia::kFrameCharacteristic},
    .claims = taylor_bia::claims,
    .decode_gatt = taylor_bia::decode_gatt,
    .conversation = DeviceConversation{
        .summary = "the MGB handshake on FFB1 (the person, the clock, the unit), then AC 27 weights on FFB2 until "
                   "one locks or repeats four times",
        .build = taylor_bia::conversation,
        .needs_person = true,
    },
    .simulator = DeviceSimulator{
        .name = taylor_bia::kModel,
        .summary = "Taylor 5331891 BIA: after the handshake, the idle frame, a rising weight in grams, its plateau, "
                   "then the locked frame",
        .create = taylor_bia::simulator,
    },
};

}  // namespace declouder
