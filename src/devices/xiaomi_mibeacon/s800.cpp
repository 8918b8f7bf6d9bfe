// Xiaomi Mijia 8-electrode Body Composition Scale S800 (xiaomi.scales.ms116): encrypted MiBeacon
// adverts, weight.
//
// Service data 0xFE95, MiBeacon v5, AES-CCM with the scale's bindkey (mibeacon.hpp), product id
// 0x51E2. The weighing is object 0x4E16 (9 bytes or more): bytes 7-8 the weight u16 LE, kg x 100;
// the bytes before it are not decoded. Its segmental body composition travels only over the
// encrypted Mi GATT link, which declouder does not speak.
//
// Sources: openScale libs/XiaomiS800Lib.kt and its test XiaomiS800LibTest.kt (ported there from
// ble-scale-sync src/scales/xiaomi-s800.ts; the test frames are built the same way, with a
// made-up key), scales/XiaomiS800Handler.kt (names "MIJIA SCALE S800", "MS116").
#include <array>
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/xiaomi_mibeacon/mibeacon.hpp"
#include "devices/xiaomi_mibeacon/simulator.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "xiaomi-s800";
constexpr std::array<std::uint16_t, 1> kProducts{0x51E2};
constexpr std::uint16_t kWeighing = 0x4E16;

DecodeOutcome decode_advert(const Advertisement& adv) {
  mibeacon::Objects objects;
  if (const mibeacon::Opened o = mibeacon::open_advert(adv, kProducts, objects); !o.ok()) return o.outcome();
  const auto v = mibeacon::find_object(objects.view(), kWeighing);
  if (!v) return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "no weighing object (0x4E16)");
  if (v->size() < 9) return DecodeOutcome::reject(DecodeStatus::wrong_length, "the weighing object has 9 bytes or more");
  const double kg = le16(v->data() + 7) / 100.0;
  if (kg < 10 || kg > 250) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 10-250 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = kg;
  r.stabilized = true;
  return DecodeOutcome::success(r);
}

bool claims(const Advertisement& adv) {
  using decode_util::contains_ci;
  return mibeacon::from_product(adv, kProducts) || contains_ci(adv.name, "MIJIA SCALE S800") ||
         contains_ci(adv.name, "MS116");
}

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  mibeacon::ScaleModel m;
  m.kind = "xiaomi-s800";
  m.product_id = 0x51E2;
  m.default_address = "04:AE:47:8F:00:08";
  // No name in the advert: with the encrypted frame it would not fit 31 bytes (scan response).
  m.frames = [](const SimOptions& o) {
    Bytes obj{0x16, 0x4E, 0x09, 0x90, 0x00, 0x00, 0x05, 0x2B, 0x00, 0x00};
    put_u16le(obj, static_cast<std::uint16_t>(std::lround(o.weight_kg * 100)));
    return std::vector<Bytes>{obj};
  };
  return mibeacon::scale_simulator(std::move(m), options);
}

}  // namespace

extern const DeviceDescriptor kXiaomiS800 = {
    .id = kModel,
    .name = "Xiaomi Mijia Body Composition Scale S800 (MS116)",
    .manufacturer = "Xiaomi",
    .names = {"MIJIA SCALE S800", "MS116"},
    .recognised_by = "service data 0xFE95 (MiBeacon v5, encrypted: needs the bindkey), product 0x51E2; "
                     "names MIJIA SCALE S800, MS116",
    .reports = {"weight_kg"},
    .link = LinkMode::advertisement,
    .service_data_uuids = {mibeacon::kServiceUuid},
    .claims = claims,
    .prefilter = [](const Advertisement& adv) { return mibeacon::from_product(adv, kProducts); },
    .decode_advert = decode_advert,
    .simulator = DeviceSimulator{
        .name = "xiaomi-s800",
        .summary = "Xiaomi S800: encrypted 0xFE95 adverts with the weight, bindkey from --bindkey or a fixed test key",
        .create = simulator,
    },
};

}  // namespace declouder
