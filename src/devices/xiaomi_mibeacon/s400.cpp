// Xiaomi Body Composition Scale S400 (MJTZC01YM; and MJTZC03YM): encrypted MiBeacon adverts.
//
// Service data 0xFE95, MiBeacon v5, AES-CCM with the scale's bindkey (mibeacon.hpp), product
// ids 0x30D9, 0x3BD5, 0x48CF (MJTZC01YM) and 0x4B05 (MJTZC03YM). The weighing is object
// 0x6E16, 9 bytes:
//   0     profile id: the Mi Home profile the scale recognised (0: none)
//   1-4   u32 LE: bits 0-10 weight, kg x 10; bits 11-17 heart rate - 50 (0 and 127: none);
//         bits 18-31 impedance, ohm x 10
//   5-8   not decoded
// A weighing is three frames: weight, heart rate and the 50 kHz impedance (weight only when
// the person wears socks); then the 250 kHz impedance alone (weight and heart rate zero);
// all zero when the person stepped off. The scale broadcasts only finished weighings, so a
// frame with a weight is final. The profile id is also the reading's user slot, so a
// [[person]] with `scale_user` = that profile is assigned the weighing.
//
// Sources: Home Assistant's xiaomi-ble (Bluetooth-Devices/xiaomi-ble): parser.py obj6e16,
// devices.py (the product ids), tests/test_parser.py test_Xiaomi_Scale_S400_* (the real
// frames and keys our tests decode); openScale libs/S400Aggregator.kt (the two packets).
#include <array>
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/xiaomi_mibeacon/mibeacon.hpp"
#include "devices/xiaomi_mibeacon/simulator.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "xiaomi-s400";
constexpr std::array<std::uint16_t, 4> kProducts{0x30D9, 0x3BD5, 0x48CF, 0x4B05};
constexpr std::uint16_t kWeighing = 0x6E16;

DecodeOutcome decode_advert(const Advertisement& adv) {
  mibeacon::Objects objects;
  if (const mibeacon::Opened o = mibeacon::open_advert(adv, kProducts, objects); !o.ok()) return o.outcome();
  const auto v = mibeacon::find_object(objects.view(), kWeighing);
  if (!v) return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "no weighing object (0x6E16)");
  if (v->size() != 9) return DecodeOutcome::reject(DecodeStatus::wrong_length, "the weighing object is 9 bytes");
  const std::uint32_t packed = le32(v->data() + 1);
  const unsigned mass = packed & 0x7FF, heart = (packed >> 11) & 0x7F, impedance = packed >> 18;
  if (mass == 0 && heart == 0 && impedance == 0)
    return DecodeOutcome::reject(DecodeStatus::not_stabilized, "empty scale (the person stepped off)");
  Reading r;
  r.model = kModel;
  r.stabilized = true;
  if ((*v)[0] != 0) r.profile_id = r.user_slot = (*v)[0];
  if (heart > 0 && heart < 127) r.heart_rate_bpm = static_cast<int>(heart) + 50;
  const double ohm = impedance / 10.0;
  if (mass != 0) {
    r.weight_kg = mass / 10.0;
    if (decode_util::plausible_impedance(ohm)) r.impedance_low_ohm = r.impedance_ohm = ohm;
  } else if (heart == 0) {
    if (!decode_util::plausible_impedance(ohm)) return DecodeOutcome::reject(DecodeStatus::invalid_value, "implausible impedance");
    r.impedance_high_ohm = ohm;  // the last frame of a weighing
  } else if (decode_util::plausible_impedance(ohm)) {
    r.impedance_low_ohm = ohm;
  }
  return DecodeOutcome::success(r);
}

bool claims(const Advertisement& adv) { return mibeacon::from_product(adv, kProducts); }

// The S400's side: a weighing, then the high-frequency impedance, then the empty scale.
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  mibeacon::ScaleModel m;
  m.kind = "xiaomi-s400";
  m.product_id = 0x3BD5;
  m.default_address = "8C:D0:B2:F6:00:04";
  m.frames = [](const SimOptions& o) {
    const auto pack = [](std::uint8_t profile, unsigned mass, unsigned heart, unsigned impedance) {
      const std::uint32_t v = (mass & 0x7FF) | ((heart & 0x7F) << 11) | (impedance << 18);
      Bytes obj{0x16, 0x6E, 0x09, profile};
      put_u32le(obj, v);
      put_u32le(obj, 0);
      return obj;
    };
    const unsigned mass = static_cast<unsigned>(std::lround(o.weight_kg * 10));
    const unsigned heart = o.heart_rate_bpm > 50 ? static_cast<unsigned>(o.heart_rate_bpm - 50) : 0;
    const unsigned low = static_cast<unsigned>(std::lround(o.impedance_ohm * 10));
    const unsigned high = static_cast<unsigned>(std::lround(o.impedance_ohm * 0.9 * 10));  // lower at 250 kHz
    return std::vector<Bytes>{pack(1, mass, heart, low), pack(1, 0, 0, high), pack(1, 0, 0, 0)};
  };
  return mibeacon::scale_simulator(std::move(m), options);
}

}  // namespace

extern const DeviceDescriptor kXiaomiS400 = {
    .id = kModel,
    .name = "Xiaomi Body Composition Scale S400 (MJTZC01YM, MJTZC03YM)",
    .manufacturer = "Xiaomi",
    .recognised_by = "service data 0xFE95 (MiBeacon v5, encrypted: needs the bindkey), product 0x30D9, 0x3BD5, "
                     "0x48CF or 0x4B05",
    .reports = {"weight_kg", "impedance_ohm", "impedance_low_ohm", "impedance_high_ohm", "heart_rate_bpm",
                "profile_id", "user_slot"},
    .link = LinkMode::advertisement,
    .service_data_uuids = {mibeacon::kServiceUuid},
    .claims = claims,
    .prefilter = claims,  // the product id is the whole claim, and cheap
    .decode_advert = decode_advert,
    .simulator = DeviceSimulator{
        .name = "xiaomi-s400",
        .summary = "Xiaomi S400: encrypted 0xFE95 adverts (weight, heart rate, 50 and 250 kHz impedance), "
                   "bindkey from --bindkey or a fixed test key",
        .create = simulator,
    },
};

}  // namespace declouder
