// Eufy Smart Scale C20 (T9130): everything is in its advertisements.
//
// Manufacturer data, company 0xBC64 (48228), 14 bytes or more:
//   10     flags: bit0 weight present, bit6 impedance present, bit7 heart rate present
//   12-13  weight u16 LE, kg x 100
//   15     heart rate, bpm (when bit7; 16 bytes or more)
//   17-18  impedance u16 LE, ohm x 10 (when bit6; 19 bytes or more)
// The scale measures the weight, then the impedance and the heart rate through the feet; a frame
// with the impedance is the finished weighing (a weight-only frame is still live). Bytes 0-9 and
// 11, 14, 16 are not decoded.
//
// No public capture was found; the tests use frames built from this layout.
// Sources: openScale scales/EufyC20Handler.kt (the offsets and flags, its name match
// "EUFY…C20/T9130"). Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "eufy-c20";
constexpr std::uint16_t kCompany = 0xBC64;

DecodeOutcome decode_advert(const Advertisement& adv) {
  const Bytes* d = adv.manufacturer_data_for(kCompany);
  if (!d) return DecodeOutcome::reject(DecodeStatus::not_this_device, "no manufacturer data 0xBC64");
  const Bytes& b = *d;
  if (b.size() < 14) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Eufy C20 data has 14 bytes or more");
  const std::uint8_t flags = b[10];
  if (!(flags & 0x01)) return DecodeOutcome::reject(DecodeStatus::not_stabilized, "no weight in this frame");
  const std::uint16_t raw = le16(&b[12]);
  if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
  Reading r;
  r.model = kModel;
  r.weight_kg = raw / 100.0;
  if ((flags & 0x80) && b.size() >= 16 && b[15] > 0) r.heart_rate_bpm = b[15];
  if ((flags & 0x40) && b.size() >= 19) {
    const double ohm = le16(&b[17]) / 10.0;
    if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
    r.stabilized = true;  // the impedance comes after the weight settled
  }
  return DecodeOutcome::success(r);
}

bool claims(const Advertisement& adv) {
  using decode_util::contains_ci;
  return adv.manufacturer_data_for(kCompany) ||
         (decode_util::starts_with_ci(adv.name, "eufy") && (contains_ci(adv.name, "C20") || contains_ci(adv.name, "T9130")));
}

// The C20's side: the weight climbing, then the finished weighing with impedance and heart rate.
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  BroadcastScale s;
  s.kind = "eufy-c20";
  // The name travels in the scan response: the 19-byte data fills the advert.
  s.default_address = "E8:8D:A6:C2:00:20";
  s.frames = [](const SimOptions& o, const MacAddress&) {
    auto frame = [&](double kg, bool final) {
      Bytes b(19, 0);
      b[10] = static_cast<std::uint8_t>(0x01 | (final ? 0x40 : 0) | (final && o.heart_rate_bpm ? 0x80 : 0));
      const auto w = static_cast<std::uint16_t>(std::lround(kg * 100));
      b[12] = w & 0xFF, b[13] = w >> 8;
      if (final) {
        b[15] = static_cast<std::uint8_t>(o.heart_rate_bpm);
        const auto z = static_cast<std::uint16_t>(std::lround(o.impedance_ohm * 10));
        b[17] = z & 0xFF, b[18] = z >> 8;
      }
      return std::make_pair(kCompany, b);
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
    .recognised_by = "manufacturer data, company 0xBC64 (14+ bytes, flags at byte 10); names eufy…C20, eufy…T9130",
    .reports = {"weight_kg", "impedance_ohm", "heart_rate_bpm"},
    .link = LinkMode::advertisement,
    .company_ids = {kCompany},
    .claims = claims,
    .decode_advert = decode_advert,
    .simulator = DeviceSimulator{
        .name = "eufy-c20",
        .summary = "Eufy C20 (eufy T9130): 0xBC64 adverts, weight, then impedance and heart rate",
        .create = simulator,
    },
};

}  // namespace declouder
