// libFuzzer target over every decode entry point: advertisement service data,
// manufacturer data (with and without the names that select families), GATT
// values on every characteristic a family listens to, and the exported frame
// parsers that conversations call directly. Every successful reading is also
// rendered as JSON, so odd clocks and values exercise the output path.
//
// Input layout (see fuzz/make_seeds.py, which writes the seed corpus from the
// test vectors):
//   byte 0   mode: 0 service data, 1 manufacturer data, 2 GATT value, 3 direct parsers
//   byte 1   name index into kNames (0 = no name)
//   byte 2-3 key, u16 little-endian: bit 15 clear -> index into the mode's list of
//            known UUIDs / company ids; set -> its low 15 bits used as the UUID/id
//   rest     the bytes
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "devices/excelvan.hpp"
#include "devices/icomon/protocol.hpp"
#include "devices/medisana.hpp"
#include "devices/one_byone.hpp"
#include "devices/picooc_mini/protocol.hpp"
#include "devices/qn.hpp"
#include "devices/registry.hpp"
#include "devices/bluetooth_sig_scale/protocol.hpp"
#include "devices/yunmai.hpp"
#include "outputs/reading_json.hpp"

using namespace declouder;

namespace {

constexpr std::array<std::string_view, 16> kNames = {
    "", "MIBFS", "MI SCALE2", "PICOOC-CQ", "PICOOC-L", "Crenot Gofit S2", "Swan", "QN-Scale",
    "YUNMAI-ISM2", "Health Scale", "Electronic Scale", "0202B6FF", "Chipsea-BLE", "BF600", "Acme", "0203B1"};
constexpr std::array<std::uint16_t, 4> kServiceData = {0x181D, 0x181B, 0xFE95, 0x181C};
constexpr std::array<std::uint16_t, 8> kCompanies = {0xFFFF, 0x20CA, 0x11CA, 0x12C0, 0x49D0, 10, 0xF0FF, 0x004C};
constexpr std::array<std::uint16_t, 14> kCharacteristics = {0x2A9D, 0x2A9C, 0xFFF1, 0xFFB2, 0xFFB3, 0xFFE1, 0xFFE4,
                                                            0xFFF4, 0x8A21, 0x8A22, 0x2A19, 0x2A2F, 0xFFF2, 0x0000};

template <std::size_t N>
std::uint16_t pick(const std::array<std::uint16_t, N>& known, std::uint16_t key) {
  return (key & 0x8000) ? static_cast<std::uint16_t>(key & 0x7FFF) : known[key % N];
}

void render(const DecodeOutcome& o) {
  if (o.ok()) (void)reading_to_json(o.reading).dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const std::uint8_t mode = data[0] % 4;
  const std::string_view name = kNames[data[1] % kNames.size()];
  const std::uint16_t key = static_cast<std::uint16_t>(data[2] | (data[3] << 8));
  const ByteView bytes(data + 4, size - 4);
  auto on_outcome = [](const DeviceDescriptor&, const DecodeOutcome& o) { render(o); };

  switch (mode) {
    case 0: {
      Advertisement adv;
      adv.name = name;
      adv.service_data.emplace_back(Uuid::from16(pick(kServiceData, key)), Bytes(bytes.begin(), bytes.end()));
      builtin_registry().decode_advertisement(adv, on_outcome);
      (void)builtin_registry().claimants(adv);
      break;
    }
    case 1: {
      Advertisement adv;
      adv.name = name;
      adv.manufacturer_data.emplace_back(pick(kCompanies, key), Bytes(bytes.begin(), bytes.end()));
      builtin_registry().decode_advertisement(adv, on_outcome);
      (void)builtin_registry().claimants(adv);
      (void)picooc::mac_from_advert(adv);
      break;
    }
    case 2: {
      GattValue v;
      v.characteristic = Uuid::from16(pick(kCharacteristics, key));
      v.value.assign(bytes.begin(), bytes.end());
      v.device_name = name;
      builtin_registry().decode_gatt(v, on_outcome);
      break;
    }
    case 3: {
      // The parsers conversations call directly, with the state they pass.
      std::optional<qn::ScaleInfo> info;
      if (key & 1) info = qn::ScaleInfo{0xFF, (key & 2) ? 100 : 10};
      (void)qn::parse_scale_info(bytes);
      render(qn::decode_live(bytes, info));
      render(picooc::parse_response(bytes));
      render(picooc::decode_mini_lite_frame(bytes));
      render(icomon::decode_frame(bytes));
      render(icomon::decode_mgb_stream(bytes));
      render(yunmai::decode_frame(bytes));
      render(one_byone::decode_frame(bytes));
      render(excelvan::decode_result(bytes, (key & 4) ? WeightUnit::st : WeightUnit::kg));
      render(medisana::decode_weight(bytes));
      render(medisana::decode_body(bytes));
      render(sig_scale::decode_weight_measurement(bytes, "fuzz"));
      render(sig_scale::decode_body_composition(bytes, "fuzz"));
      (void)sig_scale::parse_user_control_response(bytes);
      break;
    }
  }
  return 0;
}
