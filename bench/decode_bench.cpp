// How long decoding one advertisement takes (issue 2: the Theengs Decoder takes
// 130-900 us per advertisement on this kind of machine; the aim is < 1 us).
// Figures are recorded in docs/benchmarks.md. Run: build/bench/declouder_bench
#include <benchmark/benchmark.h>

#include <array>
#include <string>

#include <functional>

#include "devices/registry.hpp"

using namespace declouder;

namespace {

using Callback = std::function<void(const DeviceDescriptor&, const DecodeOutcome&)>;

Advertisement advert_with_service_data(std::uint16_t uuid, const char* hex) {
  Advertisement adv;
  adv.address = MacAddress::parse("C8:47:8C:00:00:01");
  adv.service_data.emplace_back(Uuid::from16(uuid), *parse_hex(hex));
  return adv;
}

void run(benchmark::State& state, const Advertisement& adv, int expected_readings) {
  double weight = 0;
  const Callback on_outcome = [&](const DeviceDescriptor&, const DecodeOutcome& o) {
    if (o.ok()) weight = *o.reading.weight_kg;
  };
  for (auto _ : state) {
    int n = builtin_registry().decode_advertisement(adv, on_outcome);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(weight);
    if (n != expected_readings) state.SkipWithError("unexpected number of readings");
  }
  state.SetItemsProcessed(state.iterations());
}

// A Xiaomi Mi Body Composition Scale 2 frame (weight + impedance), the common case.
void BM_DecodeAdvert_MiScale2(benchmark::State& state) {
  const Advertisement adv = advert_with_service_data(0x181B, "0226e607020e10293af7019a38");
  run(state, adv, 1);
}
BENCHMARK(BM_DecodeAdvert_MiScale2);

// A Xiaomi Mi Scale v1 frame.
void BM_DecodeAdvert_MiScale(benchmark::State& state) {
  const Advertisement adv = advert_with_service_data(0x181D, "62AC49E0070C140D1C04");
  run(state, adv, 1);
}
BENCHMARK(BM_DecodeAdvert_MiScale);

// What a gateway mostly sees: a phone or a beacon that matches no device.
void BM_DecodeAdvert_NoDevice(benchmark::State& state) {
  Advertisement adv;
  adv.address = MacAddress::parse("4C:00:00:00:00:01");
  adv.name = "iPhone";
  adv.manufacturer_data.emplace_back(0x004C, *parse_hex("0215f7826da64fa24e988024bc5b71e0893e"));
  adv.service_data.emplace_back(Uuid::from16(0xFE9F), *parse_hex("0000000000000000"));
  run(state, adv, 0);
}
BENCHMARK(BM_DecodeAdvert_NoDevice);

// A broadcast scale found by a company-id predicate (Chipsea OKOK V20, XOR checksum).
void BM_DecodeAdvert_ChipseaOkok(benchmark::State& state) {
  Advertisement adv;
  adv.manufacturer_data.emplace_back(0x20CA, *parse_hex("11223344556605001c4d138898aabbccddeeff"));
  run(state, adv, 1);
}
BENCHMARK(BM_DecodeAdvert_ChipseaOkok);

// A Chipsea OKOK VF0 scale (company 0xF0FF, no checksum: its start and its MAC are the guards;
// a real advert from openScale issue #930).
void BM_DecodeAdvert_ChipseaOkokVf0(benchmark::State& state) {
  Advertisement adv;
  adv.name = "Chipsea-BLE";
  adv.address = MacAddress::parse("50:FB:19:C0:1C:6D");
  adv.manufacturer_data.emplace_back(0xF0FF, *parse_hex("0204db03000000000000000050fb19c01c6d"));
  run(state, adv, 1);
}
BENCHMARK(BM_DecodeAdvert_ChipseaOkokVf0);

// A broadcast scale with no dispatch key (Yunmai X: its company id is its MAC), found by its
// claim: signature, XOR and the MAC echo checked against the address (openScale's test frame).
void BM_DecodeAdvert_YunmaiX(benchmark::State& state) {
  Advertisement adv;
  adv.address = MacAddress::parse("C0:FF:EE:12:34:56");
  adv.service_uuids = {Uuid::from16(0x1320)};
  adv.manufacturer_data.emplace_back(0x3456, *parse_hex("12eeffc00b741704031f4001f4ad"));
  run(state, adv, 1);
}
BENCHMARK(BM_DecodeAdvert_YunmaiX);

// An encrypted Xiaomi S400 weighing (a real frame and its key, from Home Assistant's xiaomi-ble
// tests): MiBeacon header, AES-CCM decryption with the bindkey (OpenSSL), object decoding.
void BM_DecodeAdvert_XiaomiS400Encrypted(benchmark::State& state) {
  Advertisement adv = advert_with_service_data(0xFE95, "4859d53b0abc078ff2348c844138e930220000009e538599");
  adv.address = MacAddress::parse("8C:D0:B2:F6:BE:EF");
  adv.bindkey = parse_bindkey("0728974d657a4b60964c1b1677f35f7c");
  run(state, adv, 1);
}
BENCHMARK(BM_DecodeAdvert_XiaomiS400Encrypted);

// The same frame heard without its key (every 0xFE95 family tried, none can open it).
void BM_DecodeAdvert_XiaomiS400NoKey(benchmark::State& state) {
  Advertisement adv = advert_with_service_data(0xFE95, "4859d53b0abc078ff2348c844138e930220000009e538599");
  run(state, adv, 0);
}
BENCHMARK(BM_DecodeAdvert_XiaomiS400NoKey);

// Another Xiaomi device's MiBeacon (a thermometer's product id): a miss on a key three families share.
void BM_DecodeAdvert_OtherMiBeacon(benchmark::State& state) {
  Advertisement adv = advert_with_service_data(0xFE95, "5020aa01da8c4d6f38c1a40d1004d9006b02");
  run(state, adv, 0);
}
BENCHMARK(BM_DecodeAdvert_OtherMiBeacon);

// A broadcast scale found by its company id (Eufy C20, 0xBC64).
void BM_DecodeAdvert_EufyC20(benchmark::State& state) {
  Advertisement adv;
  adv.manufacturer_data.emplace_back(0xBC64, *parse_hex("00000000000000000000c100441c004400c012"));
  run(state, adv, 1);
}
BENCHMARK(BM_DecodeAdvert_EufyC20);

// A characteristic value (Picooc Mini response), with the name narrowing the families.
void BM_DecodeGatt_PicoocMini(benchmark::State& state) {
  GattValue v;
  v.characteristic = Uuid::from16(0xFFF1);
  v.value = *parse_hex("390d65f74ba50656150486fc00");
  v.device_name = "PICOOC-CQ";
  const Callback on_outcome = [](const DeviceDescriptor&, const DecodeOutcome&) {};
  for (auto _ : state) {
    int n = builtin_registry().decode_gatt(v, on_outcome);
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeGatt_PicoocMini);

// The same value, but each from another device name (five, one more than the registry's per-thread
// memo of names keeps): every value asks the claims of the seven 0xFFF1 families again, as the
// first value of each conversation does.
void BM_DecodeGatt_PicoocMini_NewName(benchmark::State& state) {
  GattValue v;
  v.characteristic = Uuid::from16(0xFFF1);
  v.value = *parse_hex("390d65f74ba50656150486fc00");
  const std::array<std::string, 5> names{"PICOOC-CQ", "PICOOC-C1", "PICOOC-C2", "PICOOC-C3", "PICOOC-C4"};
  const Callback on_outcome = [](const DeviceDescriptor&, const DecodeOutcome&) {};
  std::size_t i = 0;
  for (auto _ : state) {
    v.device_name = names[i++ % names.size()];
    int n = builtin_registry().decode_gatt(v, on_outcome);
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeGatt_PicoocMini_NewName);

// One GATT value through the registry's dispatch, as a conversation hands it over.
void decode_value(benchmark::State& state, const GattValue& v) {
  const Callback on_outcome = [](const DeviceDescriptor&, const DecodeOutcome&) {};
  for (auto _ : state) {
    int n = builtin_registry().decode_gatt(v, on_outcome);
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations());
}

// A Huawei AH100 measurement heard alone (a capture, `decode --address`): XORed with the address
// and AES-CTR-encrypted under a key made of the user id's token, so each user id's key is tried
// until one opens it. openScale's vector for user 1 (the first key), then the same frame under
// another address: no key opens it, all 255 are tried.
void decode_ah100(benchmark::State& state, const char* address) {
  GattValue v;
  v.characteristic = Uuid::from16(0xFAA2);
  v.value = *parse_hex("bc100edef702c9bbf2176c755b6eccdd5b92b0");
  v.device_name = "AH100";
  v.address = MacAddress::parse(address);
  decode_value(state, v);
}
void BM_DecodeGatt_HuaweiAh100(benchmark::State& state) { decode_ah100(state, "5C:CA:D3:08:7B:4F"); }
BENCHMARK(BM_DecodeGatt_HuaweiAh100);
void BM_DecodeGatt_HuaweiAh100_NoKeyOpensIt(benchmark::State& state) { decode_ah100(state, "5C:CA:D3:08:7B:40"); }
BENCHMARK(BM_DecodeGatt_HuaweiAh100_NoKeyOpensIt);

// A Dr. Trust SSW532 result (0x23 part 00 on 0xFFB3, the real FG2211WBF frame), a characteristic
// three families share: with its name (only drtrust-ssw532 is tried) and without (icomon-ffb0
// and drtrust-ssw532 both read it; icomon refuses it).
void decode_ssw532(benchmark::State& state, const char* name) {
  GattValue v;
  v.characteristic = Uuid::from16(0xFFB3);
  v.value = *parse_hex("4d2300a76a96d1ff25012a3e000a00ce0b970b2a");
  v.device_name = name;
  decode_value(state, v);
}
void BM_DecodeGatt_DrTrustSsw532(benchmark::State& state) { decode_ssw532(state, "SSW532"); }
void BM_DecodeGatt_DrTrustSsw532_Nameless(benchmark::State& state) { decode_ssw532(state, ""); }
BENCHMARK(BM_DecodeGatt_DrTrustSsw532);
BENCHMARK(BM_DecodeGatt_DrTrustSsw532_Nameless);

// The Weight Gurus 0376's weight frame on 0x8A24 (its family alone) and its body-composition
// frame on 0x8A22, which medisana-bs44x lists too (both asked; Medisana refuses the name): the
// frames of the protocol write-up of openScale pull request #1467.
void decode_weight_gurus(benchmark::State& state, std::uint16_t characteristic, const char* value) {
  GattValue v;
  v.characteristic = Uuid::from16(characteristic);
  v.value = *parse_hex(value);
  v.device_name = "00376B251016AA";
  decode_value(state, v);
}
void BM_DecodeGatt_WeightGurusWeight(benchmark::State& state) {
  decode_weight_gurus(state, 0x8A24, "3f581b00fe1020401f00000000881300ff0119");
}
void BM_DecodeGatt_WeightGurusComposition(benchmark::State& state) {
  decode_weight_gurus(state, 0x8A22, "6d1020401f01b7f058f290f123f0");
}
BENCHMARK(BM_DecodeGatt_WeightGurusWeight);
BENCHMARK(BM_DecodeGatt_WeightGurusComposition);

}  // namespace
