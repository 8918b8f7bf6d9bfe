// Picooc Mini Lite ("PICOOC-L", and per the vendor the other newer models):
// weight and impedance, broadcast only, in manufacturer data.
//
// The manufacturer value is 16 bytes; its first two bytes are what the Bluetooth
// stack reports as the "company id" (they are really the start of the MAC), so
// we put them back in front (little-endian, as they travel) before parsing:
//
//   bytes 0-5    the scale's MAC, printed order
//   byte 6       state: 0x39 = measurement completed (anything else: in progress)
//   byte 7       protocol (0x1F observed)
//   bytes 8-9    weight u16 big-endian, x0.05 kg
//   bytes 10-11  impedance u16 BE, /10 ohm (0xFFFF = none)
//   bytes 12-13  pounds: (u16 BE & 0x7FFF) / 10
//   byte 14      display unit
//   byte 15      checksum: NOT(sum of bytes 0..14), low byte (all 16 sum to 0xFF)
//
// Vector (openScale PicoocBroadcastHandlerTest, captured from a real Mini Lite):
// d0 49 00 4b 4f 1e 39 1f 06 76 13 60 87 20 00 40 = completed, 82.7 kg, 496 ohm.
//
// Sources: openScale PR #1512 / issue #1511, PicoocBroadcastHandler.kt and its
// test.
#include <array>
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/picooc_mini/protocol.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {

namespace picooc {

DecodeOutcome decode_mini_lite_frame(ByteView b) {
  if (b.size() != 16) return DecodeOutcome::reject(DecodeStatus::wrong_length, "expected a 16-byte Mini Lite manufacturer value");
  if (sum8(b) != 0xFF) return DecodeOutcome::reject(DecodeStatus::bad_checksum, "the 16 bytes do not sum to 0xFF");
  const std::uint16_t raw_weight = be16(&b[8]);
  if (raw_weight == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight (nobody on the scale)");
  Reading r;
  r.model = "picooc-mini-lite";
  r.stabilized = b[6] == 0x39;
  r.weight_kg = raw_weight * 0.05;
  const double ohm = be16(&b[10]) / 10.0;
  if (be16(&b[10]) != 0xFFFF && decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  r.address = MacAddress::from_be(b.data());
  return DecodeOutcome::success(r);
}

}  // namespace picooc

namespace {

bool claims(const Advertisement& adv) { return picooc::is_mini_lite_name(adv.name); }

DecodeOutcome decode_advert(const Advertisement& adv) {
  if (!picooc::is_mini_lite_name(adv.name))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not named PICOOC-L");
  DecodeOutcome last = DecodeOutcome::reject(DecodeStatus::wrong_length, "no 14-byte manufacturer data");
  for (const auto& [company, data] : adv.manufacturer_data) {
    if (data.size() != 14) continue;
    std::array<std::uint8_t, 16> frame{};
    frame[0] = static_cast<std::uint8_t>(company);
    frame[1] = static_cast<std::uint8_t>(company >> 8);
    for (std::size_t i = 0; i < 14; ++i) frame[i + 2] = data[i];
    last = picooc::decode_mini_lite_frame(frame);
    if (last.ok()) {
      // The advertised address is the truth; the embedded MAC helps only when the
      // platform hides it.
      if (adv.address) last.reading.address = adv.address;
      return last;
    }
  }
  return last;
}

// The Mini Lite's side: the weight settling (state 0x1F, no impedance yet: 0xFFFF), then the
// completed weighing (state 0x39) with its impedance, laid out as the captured frames are.
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  BroadcastScale s;
  s.kind = "picooc-mini-lite";
  s.name = "PICOOC-L";
  s.default_address = "D0:49:00:4B:4F:1E";
  s.frames = [](const SimOptions& o, const MacAddress& mac) {
    auto frame = [&](double kg, bool completed) {
      Bytes b(mac.bytes.begin(), mac.bytes.end());
      b.push_back(completed ? 0x39 : 0x1F);
      b.push_back(0x1F);  // protocol
      put_u16be(b, static_cast<std::uint16_t>(std::lround(kg / 0.05)));
      put_u16be(b, completed ? static_cast<std::uint16_t>(std::lround(o.impedance_ohm * 10)) : 0xFFFF);
      put_u16be(b, static_cast<std::uint16_t>(0x8000 | (std::lround(kg / 0.45359237 * 10) & 0x7FFF)));
      b.push_back(0x00);  // kg
      b.push_back(static_cast<std::uint8_t>(0xFF - sum8(b)));  // all 16 bytes sum to 0xFF
      // The first two bytes travel where the company id would be.
      return std::make_pair(static_cast<std::uint16_t>(b[0] | (b[1] << 8)), Bytes(b.begin() + 2, b.end()));
    };
    return std::vector<std::pair<std::uint16_t, Bytes>>{frame(o.weight_kg * 0.7, false), frame(o.weight_kg, false),
                                                        frame(o.weight_kg, true)};
  };
  return broadcast_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kPicoocMiniLite = {
    .id = "picooc-mini-lite",
    .name = "Picooc Mini Lite (PICOOC-L), broadcast only",
    .manufacturer = "Picooc",
    .names = {"PICOOC-L"},
    .recognised_by = "name PICOOC-L; 16-byte manufacturer value (its company id bytes are the MAC) summing to 0xFF",
    .reports = {"weight_kg", "impedance_ohm"},
    .link = LinkMode::advertisement,
    .claims = claims,
    .decode_advert = decode_advert,
    .simulator = DeviceSimulator{
        .name = "picooc-mini-lite",
        .summary = "Picooc Mini Lite (PICOOC-L): the weight settling, then the completed weighing with impedance",
        .create = simulator,
    },
};

}  // namespace declouder
