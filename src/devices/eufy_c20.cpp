// Eufy Smart Scale C20 (T9130): everything is in its advertisements.
//
// Manufacturer data, 18 bytes or more after the 16-bit "company id", which is not a registered
// company: its low byte is 0x64 and its high byte the first octet of the scale's MAC, whose other
// five octets are bytes 0-4 (`64 BC | 0F B7 00 9C 9D …` from BC:0F:B7:00:9C:9D, so the units seen
// so far send 0xBC64). Eufy's P3 (T9150) is not this family: its real adverts (eufylife-ble-client
// issue #3, CF:E7:09:18:28:04) carry the MAC the same way but under 0xCF4E and 0xCF4D, and its
// body-composition flags differ (eufylife-ble-client pull request #11). Then:
//   10     flags: bit0 a weight, bit2 the weight is final, bit6 an impedance, bit7 a heart rate
//          (0x01 while measuring, 0x05 once the weight has settled)
//   12-13  weight u16 LE, kg x 100
//   15     heart rate, bpm (when bit7)
//   17-18  impedance u16 LE, ohm x 10 (when bit6; 19 bytes or more)
// openScale's handler took the impedance for the sign of a finished weighing; the captures show
// the scale marking the settled weight itself (bit2) in frames without one. Bytes 5-9, 11, 14,
// 16 are not decoded.
//
// Real vectors: the adverts of a T9130 in eufylife-ble-client issue #5 (100.10 kg, measuring
// 0x01 then settled 0x05). The impedance and heart-rate fields are from eufylife-ble-client
// pull request #9, whose author checked the heart rate against the scale's display; no advert
// with them is public, so those tests use frames built from the layout.
// Sources: bdr99/eufylife-ble-client eufylife_ble_client/client.py (T9130: 18+ bytes, states 01
// and 05, weight at 12-13), its issue #5 and pull request #9; openScale scales/EufyC20Handler.kt
// (the offsets and flags, its name match "EUFY…C20/T9130"). Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "eufy-c20";
constexpr std::uint16_t kCompany = 0xBC64;  // what every unit seen so far sends (OUI BC:0F:B7)

bool eufy_company(std::uint16_t company) { return (company & 0xFF) == 0x64; }

bool named_c20(const Advertisement& adv) {
  using decode_util::contains_ci;
  return decode_util::starts_with_ci(adv.name, "eufy") && (contains_ci(adv.name, "C20") || contains_ci(adv.name, "T9130"));
}

MacAddress embedded_mac(std::uint16_t company, const Bytes& b) {
  MacAddress m;
  m.bytes[0] = static_cast<std::uint8_t>(company >> 8);
  for (int i = 0; i < 5; ++i) m.bytes[1 + i] = b[i];
  return m;
}

// The C20's manufacturer data: the 0xBC64 of the units seen, or another 0x??64 whose embedded MAC
// is the sender's (or whose sender is named a C20).
const std::pair<std::uint16_t, Bytes>* c20_data(const Advertisement& adv) {
  for (const auto& entry : adv.manufacturer_data) {
    const auto& [company, b] = entry;
    if (!eufy_company(company) || b.size() < 5) continue;
    if (company == kCompany || named_c20(adv) || (adv.address && *adv.address == embedded_mac(company, b))) return &entry;
  }
  return nullptr;
}

DecodeOutcome decode_advert(const Advertisement& adv) {
  const auto* entry = c20_data(adv);
  if (!entry) return DecodeOutcome::reject(DecodeStatus::not_this_device, "no 0x??64 data carrying the sender's MAC");
  const Bytes& b = entry->second;
  if (b.size() < 18) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Eufy C20 data has 18 bytes or more");
  const std::uint8_t flags = b[10];
  if (!(flags & 0x01)) return DecodeOutcome::reject(DecodeStatus::not_stabilized, "no weight in this frame");
  const std::uint16_t raw = le16(&b[12]);
  if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
  Reading r;
  r.model = kModel;
  r.weight_kg = raw / 100.0;
  r.stabilized = flags & 0x04;
  if (!adv.address) r.address = embedded_mac(entry->first, b);
  if ((flags & 0x80) && b[15] > 0) r.heart_rate_bpm = b[15];
  if ((flags & 0x40) && b.size() >= 19) {
    const double ohm = le16(&b[17]) / 10.0;
    if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  }
  return DecodeOutcome::success(r);
}

bool claims(const Advertisement& adv) { return c20_data(adv) || named_c20(adv); }

// The C20's side: the weight climbing, then the finished weighing with impedance and heart rate.
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  BroadcastScale s;
  s.kind = "eufy-c20";
  // The name travels in the scan response: the 19-byte data fills the advert.
  s.default_address = "BC:0F:B7:C2:00:20";
  s.frames = [](const SimOptions& o, const MacAddress& mac) {
    auto frame = [&](double kg, bool final) {
      Bytes b(19, 0);
      for (int i = 0; i < 5; ++i) b[i] = mac.bytes[1 + i];  // the MAC after its first octet
      b[10] = static_cast<std::uint8_t>(0x01 | (final ? 0x04 | 0x40 : 0) | (final && o.heart_rate_bpm ? 0x80 : 0));
      const auto w = static_cast<std::uint16_t>(std::lround(kg * 100));
      b[12] = w & 0xFF, b[13] = w >> 8;
      if (final) {
        b[15] = static_cast<std::uint8_t>(o.heart_rate_bpm);
        const auto z = static_cast<std::uint16_t>(std::lround(o.impedance_ohm * 10));
        b[17] = z & 0xFF, b[18] = z >> 8;
      }
      return std::make_pair(static_cast<std::uint16_t>(0x64 | (mac.bytes[0] << 8)), b);
    };
    return std::vector<std::pair<std::uint16_t, Bytes>>{frame(o.weight_kg * 0.6, false), frame(o.weight_kg, false),
                                                        frame(o.weight_kg, true)};
  };
  return broadcast_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kEufyC20 = {
    .id = kModel,
    .name = "Eufy Smart Scale C20 (T9130)",
    .manufacturer = "Eufy",
    .names = {"eufy T9130", "eufy C20"},
    .recognised_by = "manufacturer data 0x??64 carrying the MAC (0xBC64 so far; 18+ bytes, flags at byte 10); names eufy…C20, eufy…T9130",
    .reports = {"weight_kg", "impedance_ohm", "heart_rate_bpm"},
    .link = LinkMode::advertisement,
    .company_ids = {kCompany},
    .claims = claims,
    .claims_company = eufy_company,
    .decode_advert = decode_advert,
    .simulator = DeviceSimulator{
        .name = "eufy-c20",
        .summary = "Eufy C20 (eufy T9130): 0xBC64 adverts, weight, then impedance and heart rate",
        .create = simulator,
    },
};

}  // namespace declouder
