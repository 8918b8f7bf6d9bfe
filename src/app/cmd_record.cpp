// declouder record: put one weighing into the store from the command line: a
// manual entry (a scale with no radio, a doctor's scale) or the bytes of an
// advertisement / characteristic value, decoded and stored exactly as the
// gateway would store what it hears.
#include <cstdio>
#include <iostream>

#include "app/cli.hpp"
#include "app/store_session.hpp"
#include "body/metrics_json.hpp"
#include "devices/registry.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder record (--weight-kg KG | --weight VALUE --unit kg|lb|st|jin)
                        [--impedance-ohm OHM] [options]
       declouder record [--service-data UUID=HEX]... [--manufacturer-data ID=HEX]...
                        [--gatt UUID=HEX] [--name NAME] [--address MAC] [options]
  options: [--time ISO8601] [--person NAME] [--json] [--database FILE] [--config FILE]

Stores one weighing. The first form is a manual entry (model "manual"); the
second decodes advertisement data or a characteristic value like
'declouder decode' and stores every reading, as the gateway does: every frame
is kept with its bytes, a repeated frame of a weighing already stored is not
stored twice, a frame that is not stabilized is a reading but no measurement.
The weighing is then assigned to a person by the usual rules (see
'declouder assign --help') and its body composition computed.

  --weight-kg KG        a manual weight in kg (or --weight VALUE --unit U)
  --impedance-ohm OHM   with a manual weight, the impedance, if known
  --time ISO8601        when it was measured/heard (default: now); a manual
                        entry with the same time and weight is the same weighing
  --person NAME         assign a new measurement to NAME instead of the rules
  --json                one JSON object per reading: result (new, updated,
                        repeat, reading only), reading_id, note, measurement
  --database FILE, --config FILE   see 'declouder history --help'

Exit status: 0 when something was stored (even a repeat); 1 when the bytes are
not a reading of any supported device; 2 for a mistake on the command line.

Examples:
  declouder record --weight 165.2 --unit lb --person alice
  declouder record --service-data 181b=0226e607020e10293af7019a38 --address C8:47:8C:00:00:01)";

std::pair<std::string, std::string> split_key_hex(const std::string& option, const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw UsageError(option + " " + text + ": expected KEY=HEX");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Bytes hex_argument(const std::string& option, const std::string& hex) {
  auto b = parse_hex(hex);
  if (!b) throw UsageError(option + ": '" + hex + "' is not hex bytes (pairs of 0-9a-f)");
  return *b;
}

Uuid uuid_argument(const std::string& option, const std::string& text) {
  auto u = Uuid::parse(text);
  if (!u) throw UsageError(option + ": '" + text + "' is not a UUID (4 hex digits like 181b, or the full form)");
  return *u;
}

std::uint16_t company_argument(const std::string& option, const std::string& text) {
  try {
    std::size_t used = 0;
    unsigned long v = std::stoul(text, &used, 0);
    if (used == text.size() && v <= 0xFFFF) return static_cast<std::uint16_t>(v);
  } catch (const std::exception&) {
  }
  throw UsageError(option + ": '" + text + "' is not a company id (0-65535, decimal or 0x hex)");
}

struct Decoded {
  Reading reading;
  Bytes raw;
};

void report(Recorder& rec, const RecordResult& r, bool json) {
  if (json) {
    Json j;
    j["result"] = std::string(kind_name(r.kind));
    j["reading_id"] = r.reading_id;
    j["note"] = r.note;
    if (r.measurement) j["measurement"] = measurement_to_json(*r.measurement, display_unit(rec, *r.measurement));
    std::cout << j.dump() << '\n';
    return;
  }
  switch (r.kind) {
    case RecordResult::Kind::new_measurement:
    case RecordResult::Kind::updated_measurement: {
      const Measurement& m = *r.measurement;
      std::printf("%s measurement %lld (uid %s): %s, %s (%s)\n",
                  r.kind == RecordResult::Kind::new_measurement ? "new" : "updated", static_cast<long long>(m.id),
                  m.uid.c_str(), format_weight(m.weight_kg, display_unit(rec, m)).c_str(),
                  m.person.empty() ? "unassigned" : m.person.c_str(), r.note.c_str());
      break;
    }
    case RecordResult::Kind::repeat:
      std::printf("%s: nothing new stored (reading %lld)\n", r.note.c_str(), static_cast<long long>(r.reading_id));
      break;
    case RecordResult::Kind::not_a_measurement:
      std::printf("stored reading %lld only: %s\n", static_cast<long long>(r.reading_id), r.note.c_str());
      break;
  }
}

int run_record(Args& args) {
  const bool json = args.flag("--json");
  auto weight_kg = args.number("--weight-kg");
  auto weight = args.number("--weight");
  auto unit_text = args.value("--unit");
  auto impedance = args.number("--impedance-ohm");
  auto service_data = args.values("--service-data");
  auto manufacturer_data = args.values("--manufacturer-data");
  auto gatt = args.value("--gatt");
  auto name = args.value("--name");
  auto address_text = args.value("--address");
  auto time_text = args.value("--time");
  auto person = args.value("--person");
  auto database = args.value("--database");
  auto config = args.value("--config");
  args.finish();

  std::int64_t when = now_unix_us();
  if (time_text) {
    auto t = parse_iso8601_us(*time_text);
    if (!t) throw UsageError("--time: '" + *time_text + "' is not an ISO 8601 time (2024-03-17T07:30:00Z)");
    when = *t;
  }
  std::optional<MacAddress> address;
  if (address_text) {
    address = MacAddress::parse(*address_text);
    if (!address) throw UsageError("--address: '" + *address_text + "' is not a Bluetooth address (AA:BB:CC:DD:EE:FF)");
  }
  const bool manual = weight_kg || weight;
  const bool frames = !service_data.empty() || !manufacturer_data.empty() || gatt;
  if (manual == frames)
    throw UsageError(manual ? "give either a manual weight or device bytes, not both"
                            : "nothing to record: give --weight-kg (or --weight/--unit) or device bytes");

  std::vector<Decoded> readings;
  if (manual) {
    if (weight_kg && weight) throw UsageError("--weight-kg and --weight: give only one");
    Reading r;
    r.model = "manual";
    r.address = address;
    r.stabilized = true;
    if (weight) {
      if (!unit_text) throw UsageError("--weight needs --unit (kg, lb, st or jin)");
      auto unit = parse_unit(*unit_text);
      if (!unit) throw UsageError("--unit: '" + *unit_text + "' is not kg, lb, st or jin");
      r.unit = *unit;
      r.weight_kg = to_kg(*weight, *unit);
    } else {
      r.weight_kg = *weight_kg;
    }
    r.impedance_ohm = impedance;
    r.device_time = DeviceClock{civil_from_unix(when / 1000000), true, false};
    // The "raw bytes" of a manual entry: what was typed, canonically.
    char raw[160];
    std::snprintf(raw, sizeof raw, "manual weight_kg=%.3f impedance_ohm=%s time=%s", *r.weight_kg,
                  impedance ? std::to_string(*impedance).c_str() : "-", iso8601_utc_s(when / 1000000).c_str());
    std::string_view text(raw);
    readings.push_back({r, Bytes(text.begin(), text.end())});
  } else {
    if (impedance || unit_text) throw UsageError("--impedance-ohm and --unit go with a manual weight");
    std::vector<std::string> rejections;
    auto collect = [&](const Bytes& raw) {
      return [&, raw](const DeviceFamily& f, const DecodeOutcome& o) {
        if (o.ok()) {
          Reading r = o.reading;
          if (!r.address) r.address = address;
          readings.push_back({r, raw});
        } else {
          rejections.push_back(std::string(f.id) + ": " + std::string(status_name(o.status)) +
                               (o.detail && *o.detail ? " (" + std::string(o.detail) + ")" : ""));
        }
      };
    };
    if (gatt) {
      if (!service_data.empty() || !manufacturer_data.empty())
        throw UsageError("--gatt records a characteristic value; it cannot be combined with advertisement data");
      auto [uuid, hex] = split_key_hex("--gatt", *gatt);
      GattValue v;
      v.characteristic = uuid_argument("--gatt", uuid);
      v.value = hex_argument("--gatt", hex);
      v.device_name = name.value_or("");
      v.address = address;
      v.time_us = when;
      registry().decode_gatt(v, collect(v.value));
    } else {
      Advertisement adv;
      adv.address = address;
      adv.name = name.value_or("");
      adv.time_us = when;
      for (const auto& sd : service_data) {
        auto [uuid, hex] = split_key_hex("--service-data", sd);
        adv.service_data.emplace_back(uuid_argument("--service-data", uuid), hex_argument("--service-data", hex));
      }
      for (const auto& md : manufacturer_data) {
        auto [id, hex] = split_key_hex("--manufacturer-data", md);
        adv.manufacturer_data.emplace_back(company_argument("--manufacturer-data", id),
                                           hex_argument("--manufacturer-data", hex));
      }
      // The raw bytes kept for a reading: the payload its family decoded. With
      // several payloads in one advert, all of them, in order.
      Bytes raw;
      for (const auto& [u, b] : adv.service_data) raw.insert(raw.end(), b.begin(), b.end());
      for (const auto& [c, b] : adv.manufacturer_data) raw.insert(raw.end(), b.begin(), b.end());
      registry().decode_advertisement(adv, collect(raw));
    }
    if (readings.empty()) {
      if (rejections.empty()) std::fprintf(stderr, "declouder record: no supported device claims these bytes\n");
      for (const auto& r : rejections) std::fprintf(stderr, "declouder record: %s\n", r.c_str());
      return 1;
    }
  }

  StoreSession store = open_store(config, database);
  Recorder& rec = *store.recorder;
  if (person && !rec.stored_person(*person))
    throw CommandError("no person named '" + *person + "' (people come from [[person]] in the config file)");
  for (const Decoded& d : readings) {
    RecordResult r = rec.record(d.reading, d.raw, when, manual ? "cli:manual" : "cli", name.value_or(""));
    if (person && r.kind == RecordResult::Kind::new_measurement) {
      r.measurement = rec.assign(r.measurement->id, *person);
      r.note = "assigned by --person";
    }
    report(rec, r, json);
  }
  return 0;
}

const CommandRegistration reg{{
    .name = "record",
    .summary = "store a manual weighing, or a device frame given as hex, in the database",
    .usage = kUsage,
    .run = run_record,
}};

}  // namespace
}  // namespace declouder
