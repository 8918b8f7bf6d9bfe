// Chipsea "OKOK" broadcast scales (countless no-name scales; names "ADV",
// "Chipsea-BLE", "Yoda0…", "Yoda1…", or none; Xiaogui TZC4, MaxxMee QJ-J): weight (and
// impedance on V20 and C0)
// from manufacturer data, no connection.
//
// The 16-bit "company id" of the manufacturer data is really payload: on air
// the id bytes are CA 20 (V20), CA 11 (V11) or <xx> C0 (C0), and the version
// byte enters the checksum. So we dispatch on the id's shape, not on a
// registered company.
//
// V20 (company 0x20CA), 19 bytes after the id:
//   6 flags: bit0 final, bit2 divisor 100 (else 10); 8-9 weight u16 big-endian;
//   10-11 impedance u16 BE / 10 ohm; 12 = 0x20 XOR bytes 0..11
// V11 (company 0x11CA), 23 bytes after the id:
//   3-4 weight u16 BE; 9 properties: bits 1-2 resolution (0 /10, 1 /1, 2 /100),
//   bits 3-4 unit (0 kg, 1 jin, 2 lb, 3 st:lb); 16 = 0xCA XOR 0x11 XOR bytes 0..15
// C0 (any company whose low byte is 0xC0; its high byte is a frame counter), 13+ bytes:
//   0-1 weight u16 BE; 2-3 impedance u16 BE / 10 ohm (stable frames); 4-5 control;
//   6 attributes: bit0 stable, bits 1-2 resolution, bits 3-4 unit as V11; 7-12 the
//   scale's MAC (no checksum: the MAC, which must be the sender's, and the length are the guard).
//   Xiaogui TZC4 and MaxxMee QJ-J scales send these: C0A3 0276 138B 0002 21 <MAC> is 63.0 kg
//   and 500.3 ohm, stable; C07D 2C47 0000 0A01 25 <MAC> is 113.35 kg (resolution /100)
//   without impedance (ble_monitor ble_parser/xiaogui.py and test_xiaogui_parser.py, real
//   advertisements).
// For st:lb the high byte is stones and the low byte pounds / divisor.
//
// VF0 (company 0xF0FF; Tristar WG-2440 and other scales named "Chipsea-BLE") is a device of its
// own below, chipsea-okok-vf0: a frame without checksum or flags, 18 bytes after the id:
//   0-1 02 04; 2-3 weight u16 little-endian / 10 kg; 4-11 zero; 12-17 the scale's MAC.
//   Three real adverts (openScale issue #930, the reporter's Chipsea-BLE scale):
//   0204DB03 0000000000000000 50FB19C01C6D is 98.7 kg, 02047804… 114.4 kg, 0204D703… 98.3 kg;
//   "byte 2 and 3 are the only bytes that change".
//   - The 02 04 start is Home Assistant's match for these scales (homeassistant-okokscale
//     manifest.json: manufacturer_id 61695, manufacturer_data_start [2, 4]).
//   - The last six bytes are the scale's address, most significant first (50:FB:19 is
//     Chipsea's OUI), as in the C0 frames. With no checksum, the start, the length and that
//     address are the frame's guards; a frame that carries another device's address is refused.
//   - No stable flag: the scale broadcasts the weight it has locked. openScale's VF0 parser,
//     written by the same reporter, stores the first frame it hears and stops listening, and
//     the reported frames are all final weights. So every VF0 frame is a stabilized weighing;
//     its repeats are one weighing to the store.
//
// Sources: openScale OkOkHandler.kt and issue #930; homeassistant-okokscale (the VF0 match);
// ble_monitor xiaogui.py (the C0 frames' impedance).
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {

namespace {

constexpr const char* kModel = "chipsea-okok";
constexpr const char* kVf0Model = "chipsea-okok-vf0";
constexpr std::uint16_t kV20 = 0x20CA, kV11 = 0x11CA, kVf0 = 0xF0FF;
constexpr std::size_t kVf0Size = 18, kVf0Mac = 12;

bool is_okok_company(std::uint16_t company) { return company == kV20 || company == kV11 || (company & 0xFF) == 0xC0; }

double divisor_for(std::uint8_t props) {
  switch ((props >> 1) & 0x03) {
    case 1: return 1.0;
    case 2: return 100.0;
    default: return 10.0;
  }
}

// Weight in the frame's own unit (bits 3-4 of `props`); hi/lo are the two weight bytes.
void set_unit_weight(Reading& r, std::uint8_t hi, std::uint8_t lo, std::uint8_t props) {
  const double div = divisor_for(props);
  const double raw = (hi << 8) | lo;
  switch ((props >> 3) & 0x03) {
    case 0: decode_util::set_weight(r, raw / div, WeightUnit::kg); break;
    case 1: decode_util::set_weight(r, raw / div, WeightUnit::jin); break;
    case 2: decode_util::set_weight(r, raw / div, WeightUnit::lb); break;
    case 3:
      r.unit = WeightUnit::st;
      r.weight_kg = to_kg(hi, WeightUnit::st) + to_kg(lo / div, WeightUnit::lb);
      break;
  }
}

DecodeOutcome decode_v20(ByteView b) {
  if (b.size() != 19) return DecodeOutcome::reject(DecodeStatus::wrong_length, "OKOK V20 data is 19 bytes");
  if (static_cast<std::uint8_t>(0x20 ^ xor8(b.first(12))) != b[12])
    return DecodeOutcome::reject(DecodeStatus::bad_checksum, "0x20 XOR bytes 0..11 differs from byte 12");
  const std::uint16_t raw = be16(&b[8]);
  if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
  Reading r;
  r.model = kModel;
  r.stabilized = b[6] & 0x01;
  r.weight_kg = raw / ((b[6] & 0x04) ? 100.0 : 10.0);
  const double ohm = be16(&b[10]) / 10.0;
  if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_v11(ByteView b) {
  if (b.size() != 23) return DecodeOutcome::reject(DecodeStatus::wrong_length, "OKOK V11 data is 23 bytes");
  if (static_cast<std::uint8_t>(0xCA ^ 0x11 ^ xor8(b.first(16))) != b[16])
    return DecodeOutcome::reject(DecodeStatus::bad_checksum, "0xCA XOR 0x11 XOR bytes 0..15 differs from byte 16");
  if (be16(&b[3]) == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
  Reading r;
  r.model = kModel;
  r.stabilized = true;  // V11 carries no stable flag; the scale sends its result
  set_unit_weight(r, b[3], b[4], b[9]);
  return DecodeOutcome::success(r);
}

// The MAC a C0 or VF0 frame carries at `at` (most significant octet first) is `address`.
bool carries(ByteView b, std::size_t at, const MacAddress& address) { return MacAddress::from_be(&b[at]) == address; }

// `address`: the advertiser's, when known. A C0 frame has no checksum; the MAC it carries at 7-12
// is its one guard, and ble_monitor (xiaogui.py) refuses a frame whose MAC is not the sender's.
// Without that check any advert whose company id ends in C0 is a weighing: a Yunmai X whose
// address ends in C0 (its company id is its address) read as 219.81 kg.
DecodeOutcome decode_c0(ByteView b, const std::optional<MacAddress>& address) {
  if (b.size() < 13) return DecodeOutcome::reject(DecodeStatus::wrong_length, "OKOK C0 data has 13 bytes or more");
  if (address && !carries(b, 7, *address))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "the C0 frame carries another device's address");
  if (be16(&b[0]) == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
  Reading r;
  r.model = kModel;
  r.stabilized = b[6] & 0x01;
  set_unit_weight(r, b[0], b[1], b[6]);
  if (r.stabilized) {
    const double ohm = be16(&b[2]) / 10.0;
    if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  }
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_advert(const Advertisement& adv) {
  DecodeOutcome last = DecodeOutcome::reject(DecodeStatus::not_this_device, "no OKOK manufacturer data");
  for (const auto& [company, data] : adv.manufacturer_data) {
    if (company == kV20)
      last = decode_v20(data);
    else if (company == kV11)
      last = decode_v11(data);
    else if ((company & 0xFF) == 0xC0)
      last = decode_c0(data, adv.address);
    else
      continue;
    if (last.ok()) return last;
  }
  return last;
}

// The VF0 frame's shape (its only guard besides the address): 18 bytes starting 02 04.
bool is_vf0_frame(const Bytes* b) { return b && b->size() == kVf0Size && (*b)[0] == 0x02 && (*b)[1] == 0x04; }

bool claims(const Advertisement& adv) {
  using decode_util::starts_with_ci;
  // A "Chipsea-BLE" scale sending VF0 frames is chipsea-okok-vf0's.
  if (is_vf0_frame(adv.manufacturer_data_for(kVf0))) return false;
  return adv.name == "ADV" || adv.name == "Chipsea-BLE" || starts_with_ci(adv.name, "Yoda0") ||
         starts_with_ci(adv.name, "Yoda1");
}

DecodeOutcome decode_vf0(const Advertisement& adv) {
  const Bytes* data = adv.manufacturer_data_for(kVf0);
  if (!data) return DecodeOutcome::reject(DecodeStatus::not_this_device, "no manufacturer data with company 0xF0FF");
  ByteView b(*data);
  if (b.size() < 2 || b[0] != 0x02 || b[1] != 0x04)
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "an OKOK VF0 frame starts 02 04");
  if (b.size() != kVf0Size) return DecodeOutcome::reject(DecodeStatus::wrong_length, "OKOK VF0 data is 18 bytes");
  if (adv.address && !carries(b, kVf0Mac, *adv.address))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "the VF0 frame carries another device's address");
  const std::uint16_t raw = le16(&b[2]);
  if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
  Reading r;
  r.model = kVf0Model;
  r.stabilized = true;  // the scale broadcasts the weight it locked (see the opening comment)
  r.weight_kg = raw / 10.0;
  return DecodeOutcome::success(r);
}

// A VF0 scale is recognised by its frame: by name ("Chipsea-BLE") or, nameless, by the address
// the frame carries being its own.
bool claims_vf0(const Advertisement& adv) {
  const Bytes* b = adv.manufacturer_data_for(kVf0);
  if (!is_vf0_frame(b)) return false;
  if (adv.name == "Chipsea-BLE") return true;
  return adv.name.empty() && adv.address && carries(*b, kVf0Mac, *adv.address);
}

// A Xiaogui TZC4's side, in C0 frames: the weight climbing (attributes 0x20: not stable, no
// impedance), then the stable weighing with its impedance (0x21), kg to the tenth; the frame
// counter in the company id's high byte goes up with each frame, as in the captured adverts.
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  BroadcastScale s;
  s.kind = "chipsea-okok";
  s.name = "ADV";
  s.default_address = "A4:C1:38:0C:00:01";
  s.frames = [](const SimOptions& o, const MacAddress& mac) {
    std::uint8_t counter = 0xA0;
    auto frame = [&](double kg, bool stable) {
      Bytes b;
      put_u16be(b, static_cast<std::uint16_t>(std::lround(kg * 10)));
      put_u16be(b, stable ? static_cast<std::uint16_t>(std::lround(o.impedance_ohm * 10)) : 0);
      put_u16be(b, 0x0002);  // control, as captured
      b.push_back(stable ? 0x21 : 0x20);
      b.insert(b.end(), mac.bytes.begin(), mac.bytes.end());
      return std::make_pair(static_cast<std::uint16_t>((counter++ << 8) | 0xC0), b);
    };
    return std::vector<std::pair<std::uint16_t, Bytes>>{frame(o.weight_kg * 0.6, false), frame(o.weight_kg, false),
                                                        frame(o.weight_kg, true)};
  };
  return broadcast_simulator(std::move(s), options);
}

// A Tristar WG-2440's side: the weight it locked, in VF0 frames carrying its address, repeated
// while it advertises (its reporter saw no other frames). Nameless: flags, the name and the
// 20-byte manufacturer field do not fit one 31-byte advertisement, so a real scale's name
// comes in its scan response, which the simulators do not send; the address the frame
// carries names it.
std::unique_ptr<SimulatedDevice> vf0_simulator(const SimOptions& options) {
  BroadcastScale s;
  s.kind = "chipsea-okok-vf0";
  s.default_address = "50:FB:19:C0:00:01";  // Chipsea's OUI, as the real scale's
  s.frames = [](const SimOptions& o, const MacAddress& mac) {
    Bytes b{0x02, 0x04};
    put_u16le(b, static_cast<std::uint16_t>(std::lround(o.weight_kg * 10)));
    b.resize(kVf0Mac, 0x00);
    b.insert(b.end(), mac.bytes.begin(), mac.bytes.end());
    return std::vector<std::pair<std::uint16_t, Bytes>>{{kVf0, b}};
  };
  return broadcast_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kChipseaOkok = {
    .id = kModel,
    .name = "Chipsea \"OKOK\" broadcast scales (V20, V11, C0 frames; many no-name scales)",
    .manufacturer = kVariousMakers,
    .names = {"ADV", "Chipsea-BLE", "Yoda0", "Yoda1"},
    .recognised_by = "names ADV, Chipsea-BLE (without VF0 frames), Yoda0…, Yoda1…; manufacturer data with company "
                     "0x20CA, 0x11CA or low byte 0xC0 (the id is payload), XOR checksums",
    .reports = {"weight_kg", "impedance_ohm"},
    .link = LinkMode::advertisement,
    .claims = claims,
    .claims_company = is_okok_company,
    .decode_advert = decode_advert,
    .simulator = DeviceSimulator{
        .name = "chipsea-okok",
        .summary = "Chipsea OKOK scale (Xiaogui TZC4, C0 frames): the weight climbing, then stable with impedance",
        .create = simulator,
    },
};

extern const DeviceDescriptor kChipseaOkokVf0 = {
    .id = kVf0Model,
    .name = "Chipsea \"OKOK\" VF0 broadcast scales (Tristar WG-2440 and other \"Chipsea-BLE\" scales)",
    .manufacturer = kVariousMakers,
    // No .names: the name "Chipsea-BLE" is chipsea-okok's too; this one is known by its frame.
    .recognised_by = "manufacturer data company 0xF0FF, 18 bytes starting 02 04 and ending with the scale's MAC; "
                     "name Chipsea-BLE or none",
    .reports = {"weight_kg"},
    .link = LinkMode::advertisement,
    .company_ids = {kVf0},
    .claims = claims_vf0,
    .decode_advert = decode_vf0,
    .simulator = DeviceSimulator{
        .name = "chipsea-okok-vf0",
        .summary = "Chipsea OKOK VF0 scale (Tristar WG-2440): the locked weight, repeated",
        .create = vf0_simulator,
    },
};

}  // namespace declouder
