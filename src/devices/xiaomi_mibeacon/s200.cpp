// Xiaomi Smart Scale S200 (MJTZC02YM): encrypted MiBeacon adverts, weight only.
//
// Service data 0xFE95, MiBeacon v5, AES-CCM with the scale's bindkey (mibeacon.hpp), product
// ids 0x45C9, 0x4C04, 0x4DCB. The weighing is object 0x4E16, 9 bytes:
//   0     profile id (the Mi Home profile; 0: none), also the reading's user slot
//   1-4   weight u32 LE, kg x 100 (0: no weighing)
//   5-8   u32 LE, not decoded (xiaomi-ble calls it a timestamp and does not use it)
// The scale broadcasts a weighing once it is finished.
//
// Sources: Home Assistant's xiaomi-ble (Bluetooth-Devices/xiaomi-ble): parser.py obj4e16,
// devices.py (the product ids), tests/test_parser.py test_Xiaomi_Scale_S200_MJTZC02YM (a real
// frame and its key, which our test decodes).
#include <array>
#include <cmath>

#include "devices/descriptor.hpp"
#include "devices/xiaomi_mibeacon/mibeacon.hpp"
#include "devices/xiaomi_mibeacon/simulator.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "xiaomi-s200";
constexpr std::array<std::uint16_t, 3> kProducts{0x45C9, 0x4C04, 0x4DCB};
constexpr std::uint16_t kWeighing = 0x4E16;

DecodeOutcome decode_advert(const Advertisement& adv) {
  mibeacon::Objects objects;
  if (const mibeacon::Opened o = mibeacon::open_advert(adv, kProducts, objects); !o.ok()) return o.outcome();
  const auto v = mibeacon::find_object(objects.view(), kWeighing);
  if (!v) return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "no weighing object (0x4E16)");
  if (v->size() != 9) return DecodeOutcome::reject(DecodeStatus::wrong_length, "the weighing object is 9 bytes");
  const std::uint32_t raw = le32(v->data() + 1);
  if (raw == 0) return DecodeOutcome::reject(DecodeStatus::not_stabilized, "no weighing (zero weight)");
  if (raw > 30000) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight above 300 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = raw / 100.0;
  r.stabilized = true;
  if ((*v)[0] != 0) r.profile_id = r.user_slot = (*v)[0];
  return DecodeOutcome::success(r);
}

bool claims(const Advertisement& adv) { return mibeacon::from_product(adv, kProducts); }

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  mibeacon::ScaleModel m;
  m.kind = "xiaomi-s200";
  m.product_id = 0x4C04;
  m.default_address = "D0:7B:6F:27:00:02";
  m.frames = [](const SimOptions& o) {
    Bytes obj{0x16, 0x4E, 0x09, 0x01};
    put_u32le(obj, static_cast<std::uint32_t>(std::lround(o.weight_kg * 100)));
    put_u32le(obj, 0);
    return std::vector<Bytes>{obj};
  };
  return mibeacon::scale_simulator(std::move(m), options);
}

}  // namespace

extern const DeviceDescriptor kXiaomiS200 = {
    .id = kModel,
    .name = "Xiaomi Smart Scale S200 (MJTZC02YM)",
    .manufacturer = "Xiaomi",
    .recognised_by = "service data 0xFE95 (MiBeacon v5, encrypted: needs the bindkey), product 0x45C9, 0x4C04 or 0x4DCB",
    .reports = {"weight_kg", "profile_id", "user_slot"},
    .link = LinkMode::advertisement,
    .service_data_uuids = {mibeacon::kServiceUuid},
    .claims = claims,
    .prefilter = claims,  // the product id is the whole claim, and cheap
    .decode_advert = decode_advert,
    .simulator = DeviceSimulator{
        .name = "xiaomi-s200",
        .summary = "Xiaomi S200: encrypted 0xFE95 adverts with the weight, bindkey from --bindkey or a fixed test key",
        .create = simulator,
    },
};

}  // namespace declouder
