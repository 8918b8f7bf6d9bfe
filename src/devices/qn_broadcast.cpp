// QN broadcast scales (non-connectable adverts; FITINDEX FT-26R-W, Renpho
// ES-26M-W and other QN/Yolanda weight-only units): weight from manufacturer data.
//
// Manufacturer data with company id 0xFFFF; the value after the id:
//
//   bytes 0-1    magic AA BB
//   bytes 2-7    the scale's MAC
//   byte 15      status: bit5 = stable on most models, bit0 = stable on the
//                FT-26R (which latches 0x14 -> 0x15 when it settles)
//   bytes 17-18  weight u16 little-endian / 100 kg (0 in idle adverts)
//   at least 19 bytes
//
// Vectors (openScale QNHandlerBroadcastFT26RTest, captured from a real FT-26R-W;
// its display read 155.0 lb): aabb00005e00530172000000ffffff1500761b510e032300
// = stable 70.30 kg; ...ffffff1400671b... = 70.15 kg still moving; the idle
// advert ...15a00000... has weight 0 and is rejected.
//
// Bytes 19-20 carry an impedance on some models (Renpho ES-26M-W) but model
// bytes on the FT-26R, so they are not decoded.
//
// Sources: openScale QNHandlerBroadcast.kt and its FT-26R test.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {

namespace {

constexpr const char* kModel = "qn-broadcast";

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() < 2 || b[0] != 0xAA || b[1] != 0xBB)
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "QN broadcast data starts with AA BB");
  if (b.size() < 19) return DecodeOutcome::reject(DecodeStatus::wrong_length, "QN broadcast data needs 19 bytes");
  const std::uint16_t raw = le16(&b[17]);
  if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight (idle advertisement)");
  Reading r;
  r.model = kModel;
  r.weight_kg = raw / 100.0;
  r.stabilized = (b[15] & 0x20) || (b[15] & 0x01);
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_advert(const Advertisement& adv) {
  const Bytes* data = adv.manufacturer_data_for(0xFFFF);
  if (!data) return DecodeOutcome::reject(DecodeStatus::not_this_device, "no manufacturer data for company 0xFFFF");
  return decode_frame(*data);
}

bool claims(const Advertisement& adv) {
  const Bytes* data = adv.manufacturer_data_for(0xFFFF);
  return data && data->size() >= 2 && (*data)[0] == 0xAA && (*data)[1] == 0xBB;
}

// An FT-26R-W's side: the weight moving (status 0x14), then settled (0x15), the bytes the
// weight does not use as in the captured adverts. No name: the 24 bytes fill the advert.
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  BroadcastScale s;
  s.kind = "qn-broadcast";
  s.default_address = "ED:67:39:26:00:01";
  s.frames = [](const SimOptions& o, const MacAddress& mac) {
    auto frame = [&](double kg, bool stable) {
      Bytes b{0xAA, 0xBB};
      b.insert(b.end(), mac.bytes.begin(), mac.bytes.end());
      for (std::uint8_t x : {0x72, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF}) b.push_back(x);
      b.push_back(stable ? 0x15 : 0x14);
      b.push_back(0x00);
      put_u16le(b, static_cast<std::uint16_t>(std::lround(kg * 100)));
      for (std::uint8_t x : {0x51, 0x0E, 0x03, 0x23, 0x00}) b.push_back(x);
      return std::make_pair(std::uint16_t{0xFFFF}, b);
    };
    return std::vector<std::pair<std::uint16_t, Bytes>>{frame(o.weight_kg * 0.6, false), frame(o.weight_kg, false),
                                                        frame(o.weight_kg, true)};
  };
  return broadcast_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kQnBroadcast = {
    .id = kModel,
    .name = "QN broadcast scales (FITINDEX FT-26R-W, Renpho ES-26M-W and other weight-only QN units)",
    .manufacturer = kVariousMakers,
    .names = {},
    .recognised_by = "manufacturer data company 0xFFFF starting AA BB, at least 19 bytes",
    .reports = {"weight_kg"},
    .link = LinkMode::advertisement,
    .company_ids = {0xFFFF},
    .claims = claims,
    .decode_advert = decode_advert,
    .simulator = DeviceSimulator{
        .name = "qn-broadcast",
        .summary = "QN broadcast scale (FITINDEX FT-26R-W): AA BB adverts, the weight moving, then settled",
        .create = simulator,
    },
};

}  // namespace declouder
