// Etekcity Fit 8S: everything is in its advertisements.
//
// Manufacturer data, company 0x06D0 (Etekcity's platform), exactly 20 bytes:
//   0      header: its low nibble is the advert format's generation (1 on the Fit 8S)
//   1-6    the scale's MAC, least significant octet first: an advert heard from another address
//          is not this scale's (etekcity_esf551_ble's parse checks it too); an advert heard
//          without one (a relayed frame) is named by it
//   7-8    the model id u16 BE: 0xC0A9 is the Fit 8S (the ESF551 and other Etekcity scales send
//          the same company with their own ids, so the id is the claim, not the company)
//   10-12  weight u24 LE, grams
//   13-14  impedance u16 LE, ohm (0: none measured)
//   15     1 when the weighing is finished (anything else: still measuring)
//   16     the display unit (0 kg, 1 lb, 2 st), reported as the reading's unit; the weight is
//          in grams whatever it shows
// Bytes 9 and 17-19 are not decoded. openScale's handler recognises the scale by the company
// and the service 0xFFD0 beside it; that claim is kept for adverts that carry the service.
//
// Real vectors: the two captured adverts in etekcity_esf551_ble tests/unit/test_fit8s_protocol.py
// (a Wireshark sample, 80.47 kg; a live capture, 81.02 kg and 537 ohm), with that test's lb and
// st variants of the sample; the other Etekcity adverts of its tests/unit/test_detection.py
// (an ESF551, an air purifier) are not claimed.
// Sources: ronnnnnnnnnnnnn/etekcity_esf551_ble src/etekcity_esf551_ble/fit8s/protocol.py and
// detection.py (the header, MAC and model id); openScale scales/EtekcityFit8SHandler.kt.
// Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "etekcity-fit8s";
constexpr std::uint16_t kCompany = 0x06D0;
constexpr std::uint16_t kFit8sModelId = 0xC0A9;

bool has_model_id(const Bytes& b) { return b.size() >= 9 && be16(&b[7]) == kFit8sModelId; }

MacAddress embedded_mac(const Bytes& b) { return MacAddress::from_le(&b[1]); }

WeightUnit display_unit(std::uint8_t code) {
  switch (code) {
    case 1: return WeightUnit::lb;
    case 2: return WeightUnit::st;
    default: return WeightUnit::kg;
  }
}

DecodeOutcome decode_advert(const Advertisement& adv) {
  const Bytes* d = adv.manufacturer_data_for(kCompany);
  if (!d) return DecodeOutcome::reject(DecodeStatus::not_this_device, "no manufacturer data 0x06D0");
  const Bytes& b = *d;
  if (!has_model_id(b) && !adv.advertises_service(0xFFD0))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "neither the Fit 8S model id C0A9 nor service 0xFFD0");
  if (b.size() != 20) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Etekcity Fit 8S data is 20 bytes");
  if (adv.address && *adv.address != embedded_mac(b))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "the MAC in the data is another scale's");
  const std::uint32_t grams = b[10] | (b[11] << 8) | (b[12] << 16);
  if (grams == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
  Reading r;
  r.model = kModel;
  r.weight_kg = grams / 1000.0;
  r.unit = display_unit(b[16]);
  if (!adv.address) r.address = embedded_mac(b);
  r.stabilized = b[15] == 1;
  const double ohm = le16(&b[13]);
  if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  return DecodeOutcome::success(r);
}

bool claims(const Advertisement& adv) {
  const Bytes* d = adv.manufacturer_data_for(kCompany);
  return d && (has_model_id(*d) || adv.advertises_service(0xFFD0));
}

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  BroadcastScale s;
  s.kind = "etekcity-fit8s";
  // The name travels in the scan response: the data and the service fill the advert.
  s.default_address = "D0:73:D5:F8:00:08";
  s.advertised_services = {Uuid::from16(0xFFD0)};
  s.frames = [](const SimOptions& o, const MacAddress& mac) {
    auto frame = [&](double kg, bool final) {
      Bytes b(20, 0);
      b[0] = 0x01;  // generation 1
      for (int i = 0; i < 6; ++i) b[1 + i] = mac.bytes[5 - i];
      b[7] = kFit8sModelId >> 8, b[8] = kFit8sModelId & 0xFF;
      b[17] = 0x02, b[18] = 0x03;  // as the captured adverts end
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
    .recognised_by = "manufacturer data, company 0x06D0 (20 bytes) with model id C0A9 at bytes 7-8, or beside service 0xFFD0",
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
