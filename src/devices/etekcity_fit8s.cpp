// Etekcity Fit 8S: everything is in its advertisements.
//
// Manufacturer data, company 0x06D0, exactly 20 bytes, beside the service 0xFFD0 in the advert:
//   10-12  weight u24 LE, grams
//   13-14  impedance u16 LE, ohm (0: none measured)
//   15     1 when the weighing is finished (anything else: still measuring)
// Bytes 0-9 and 16-19 are not decoded.
//
// No public capture was found; the tests use frames built from this layout.
// Sources: openScale scales/EtekcityFit8SHandler.kt (itself based on ronnnnnnnnnnnnn's
// etekcity_esf551_ble). Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "etekcity-fit8s";
constexpr std::uint16_t kCompany = 0x06D0;

DecodeOutcome decode_advert(const Advertisement& adv) {
  const Bytes* d = adv.manufacturer_data_for(kCompany);
  if (!d) return DecodeOutcome::reject(DecodeStatus::not_this_device, "no manufacturer data 0x06D0");
  if (!adv.advertises_service(0xFFD0)) return DecodeOutcome::reject(DecodeStatus::not_this_device, "no service 0xFFD0");
  const Bytes& b = *d;
  if (b.size() != 20) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Etekcity Fit 8S data is 20 bytes");
  const std::uint32_t grams = b[10] | (b[11] << 8) | (b[12] << 16);
  if (grams == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
  Reading r;
  r.model = kModel;
  r.weight_kg = grams / 1000.0;
  r.stabilized = b[15] == 1;
  const double ohm = le16(&b[13]);
  if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  return DecodeOutcome::success(r);
}

bool claims(const Advertisement& adv) { return adv.manufacturer_data_for(kCompany) && adv.advertises_service(0xFFD0); }

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  BroadcastScale s;
  s.kind = "etekcity-fit8s";
  // The name travels in the scan response: the data and the service fill the advert.
  s.default_address = "D0:73:D5:F8:00:08";
  s.advertised_services = {Uuid::from16(0xFFD0)};
  s.frames = [](const SimOptions& o, const MacAddress&) {
    auto frame = [&](double kg, bool final) {
      Bytes b(20, 0);
      const auto g = static_cast<std::uint32_t>(std::lround(kg * 1000));
      b[10] = g & 0xFF, b[11] = (g >> 8) & 0xFF, b[12] = (g >> 16) & 0xFF;
      if (final) {
        const auto z = static_cast<std::uint16_t>(std::lround(o.impedance_ohm));
        b[13] = z & 0xFF, b[14] = z >> 8;
        b[15] = 1;
      }
      return std::make_pair(kCompany, b);
    };
    return std::vector<std::pair<std::uint16_t, Bytes>>{frame(o.weight_kg * 0.8, false), frame(o.weight_kg, true)};
  };
  return broadcast_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kEtekcityFit8s = {
    .id = kModel,
    .name = "Etekcity Fit 8S",
    .manufacturer = "Etekcity",
    .recognised_by = "manufacturer data, company 0x06D0 (20 bytes), with service 0xFFD0",
    .reports = {"weight_kg", "impedance_ohm"},
    .link = LinkMode::advertisement,
    .company_ids = {kCompany},
    .claims = claims,
    .decode_advert = decode_advert,
    .simulator = DeviceSimulator{
        .name = "etekcity-fit8s",
        .summary = "Etekcity Fit 8S: 0x06D0 adverts beside service 0xFFD0, weight then the finished weighing",
        .create = simulator,
    },
};

}  // namespace declouder
