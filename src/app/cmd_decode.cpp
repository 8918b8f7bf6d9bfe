// declouder decode: one advertisement or one characteristic value, given as hex
// on the command line, through every driver that can claim it.
#include <cstdio>
#include <iostream>

#include "app/cli.hpp"
#include "devices/registry.hpp"
#include "outputs/reading_json.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder decode [--name NAME] [--address MAC]
                        [--service-data UUID=HEX]... [--manufacturer-data ID=HEX]...
                        [--gatt UUID=HEX] [--json]

Decodes one advertisement, or one characteristic value, with every device driver
that can claim it, and prints each reading. Nothing is stored.

  --name NAME                 the advertised local name (some drivers match on it)
  --address MAC               the device address, AA:BB:CC:DD:EE:FF
  --service-data UUID=HEX     advertised service data; UUID as 4 hex digits (181b)
                              or the full form. Repeatable.
  --manufacturer-data ID=HEX  advertised manufacturer data; ID is the company id,
                              decimal or 0x-prefixed hex. Repeatable.
  --gatt UUID=HEX             a characteristic value (read, notified or indicated)
                              instead of an advertisement
  --json                      one JSON object per reading, with the keys model,
                              address, weight_kg, impedance_ohm, stabilized,
                              device_time, unit

Exit status: 0 when at least one reading was decoded; 1 when the bytes are not a
reading (the reasons go to stderr); 2 for a mistake on the command line.

Example:
  declouder decode --service-data 181b=0226e607020e10293af7019a38 --json)";

std::pair<std::string, std::string> split_assignment(const std::string& option, const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 > text.size())
    throw UsageError(option + " " + text + ": expected KEY=HEX");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Bytes parse_hex_argument(const std::string& option, const std::string& hex) {
  auto b = parse_hex(hex);
  if (!b) throw UsageError(option + ": '" + hex + "' is not hex bytes (pairs of 0-9a-f)");
  return *b;
}

Uuid parse_uuid_argument(const std::string& option, const std::string& text) {
  auto u = Uuid::parse(text);
  if (!u) throw UsageError(option + ": '" + text + "' is not a UUID (4 hex digits like 181b, or the full form)");
  return *u;
}

std::uint16_t parse_company(const std::string& option, const std::string& text) {
  try {
    std::size_t used = 0;
    unsigned long v = std::stoul(text, &used, 0);
    if (used == text.size() && v <= 0xFFFF) return static_cast<std::uint16_t>(v);
  } catch (const std::exception&) {
  }
  throw UsageError(option + ": '" + text + "' is not a company id (0-65535, decimal or 0x hex)");
}

void print_reading(const Reading& r, bool json) {
  if (json) {
    std::cout << reading_to_json(r).dump() << '\n';
    return;
  }
  std::cout << r.model;
  if (r.address) std::cout << ' ' << r.address->str();
  if (r.weight_kg) std::cout << "  weight " << round_to(*r.weight_kg, 3) << " kg";
  if (r.unit != WeightUnit::kg) std::cout << " (shown in " << unit_name(r.unit) << ")";
  if (r.impedance_ohm) std::cout << "  impedance " << *r.impedance_ohm << " ohm";
  if (r.heart_rate_bpm) std::cout << "  heart rate " << *r.heart_rate_bpm << " bpm";
  std::cout << (r.stabilized ? "  stabilized" : "  not stabilized");
  if (r.load_removed) std::cout << ", removed";
  if (r.device_time) std::cout << "  device time " << iso8601(*r.device_time) << (r.device_time->unset ? " (clock not set)" : "");
  std::cout << '\n';
}

int run_decode(Args& args) {
  const bool json = args.flag("--json");
  auto name = args.value("--name");
  auto address_text = args.value("--address");
  auto service_data = args.values("--service-data");
  auto manufacturer_data = args.values("--manufacturer-data");
  auto gatt = args.value("--gatt");
  args.finish();

  std::optional<MacAddress> address;
  if (address_text) {
    address = MacAddress::parse(*address_text);
    if (!address) throw UsageError("--address: '" + *address_text + "' is not a Bluetooth address (AA:BB:CC:DD:EE:FF)");
  }
  if (gatt && (!service_data.empty() || !manufacturer_data.empty()))
    throw UsageError("--gatt decodes a characteristic value; it cannot be combined with advertisement data");
  if (!gatt && service_data.empty() && manufacturer_data.empty() && !name)
    throw UsageError("nothing to decode: give --service-data, --manufacturer-data, --name or --gatt");

  std::vector<std::string> rejections;
  auto on_outcome = [&](const DeviceFamily& f, const DecodeOutcome& o) {
    if (o.ok()) {
      Reading r = o.reading;
      if (!r.address) r.address = address;
      print_reading(r, json);
    } else {
      std::string why = std::string(f.id) + ": " + std::string(status_name(o.status));
      if (o.detail && *o.detail) why += " (" + std::string(o.detail) + ")";
      rejections.push_back(why);
    }
  };

  int ok = 0;
  if (gatt) {
    auto [uuid_text, hex] = split_assignment("--gatt", *gatt);
    GattValue v;
    v.characteristic = parse_uuid_argument("--gatt", uuid_text);
    v.value = parse_hex_argument("--gatt", hex);
    v.device_name = name.value_or("");
    v.address = address;
    ok = registry().decode_gatt(v, on_outcome);
  } else {
    Advertisement adv;
    adv.address = address;
    adv.name = name.value_or("");
    for (const auto& sd : service_data) {
      auto [uuid_text, hex] = split_assignment("--service-data", sd);
      adv.service_data.emplace_back(parse_uuid_argument("--service-data", uuid_text),
                                    parse_hex_argument("--service-data", hex));
    }
    for (const auto& md : manufacturer_data) {
      auto [id_text, hex] = split_assignment("--manufacturer-data", md);
      adv.manufacturer_data.emplace_back(parse_company("--manufacturer-data", id_text),
                                         parse_hex_argument("--manufacturer-data", hex));
    }
    ok = registry().decode_advertisement(adv, on_outcome);
    if (ok == 0 && rejections.empty()) {
      // Nothing decoded, but a connect-and-ask device may still be recognised.
      for (const DeviceFamily* f : registry().claimants(adv))
        rejections.push_back(std::string(f->id) + ": recognised, but it reports over a " +
                             std::string(link_mode_name(f->link)) +
                             " connection, not in advertisements (decode its values with --gatt)");
    }
  }
  if (ok > 0) return 0;
  if (rejections.empty()) {
    std::fprintf(stderr, "declouder decode: no supported device claims these bytes\n");
  } else {
    for (const auto& r : rejections) std::fprintf(stderr, "declouder decode: %s\n", r.c_str());
  }
  return 1;
}

const CommandRegistration reg{{
    .name = "decode",
    .summary = "decode one advertisement or characteristic value given as hex",
    .usage = kUsage,
    .run = run_decode,
}};

}  // namespace
}  // namespace declouder
