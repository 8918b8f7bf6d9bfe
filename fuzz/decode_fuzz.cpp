// libFuzzer target over every decode entry point: advertisement service data,
// manufacturer data (with and without the names that select devices), GATT values on
// any characteristic, and the exported frame parsers that conversations call directly.
// A successful reading's device clock is also rendered, so odd clocks exercise the time
// code. It links only the devices layer and what that stands on (core, link).
//
// Input layout (fuzz/make_seeds.py writes the seed corpus from the test vectors):
//   byte 0     mode: 0 service data, 1 manufacturer data, 2 GATT value, 3 direct parsers
//   bytes 1-2  key, u16 little-endian: the service-data UUID, company id or
//              characteristic (mode 3: flags for the parsers' state)
//   byte 3     name length n (mod 32), then n bytes: the advertised name ("" = none)
//   rest       the bytes
// The device registry feeds the dictionary (fuzz/decode_dictionary.cpp writes it:
// every device's names and dispatch keys), so mutations reach every device.
#include <cstddef>
#include <cstdint>
#include <string>

#include "devices/bluetooth_sig_scale/protocol.hpp"
#include "devices/excelvan_cf36x/protocol.hpp"
#include "devices/icomon/protocol.hpp"
#include "devices/medisana_bs44x/protocol.hpp"
#include "devices/one_byone/protocol.hpp"
#include "devices/picooc_mini/protocol.hpp"
#include "devices/qn_scale/protocol.hpp"
#include "devices/registry.hpp"
#include "devices/yunmai/protocol.hpp"

using namespace declouder;

namespace {

void render(const DecodeOutcome& o) {
  if (o.ok() && o.reading.device_time) (void)iso8601(*o.reading.device_time);
  (void)status_name(o.status);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const std::uint8_t mode = data[0] % 4;
  const std::uint16_t key = static_cast<std::uint16_t>(data[1] | (data[2] << 8));
  const std::size_t name_size = std::min<std::size_t>(data[3] % 32, size - 4);
  const std::string name(reinterpret_cast<const char*>(data + 4), name_size);
  const ByteView bytes(data + 4 + name_size, size - 4 - name_size);
  auto on_outcome = [](const DeviceDescriptor&, const DecodeOutcome& o) { render(o); };

  switch (mode) {
    case 0: {
      Advertisement adv;
      adv.name = name;
      adv.service_data.emplace_back(Uuid::from16(key), Bytes(bytes.begin(), bytes.end()));
      builtin_registry().decode_advertisement(adv, on_outcome);
      (void)builtin_registry().claimants(adv);
      break;
    }
    case 1: {
      Advertisement adv;
      adv.name = name;
      adv.manufacturer_data.emplace_back(key, Bytes(bytes.begin(), bytes.end()));
      builtin_registry().decode_advertisement(adv, on_outcome);
      (void)builtin_registry().claimants(adv);
      (void)picooc::mac_from_advert(adv);
      break;
    }
    case 2: {
      GattValue v;
      v.characteristic = Uuid::from16(key);
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
