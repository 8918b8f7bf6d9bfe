// declouder record: put one weighing into the store from the command line: a
// manual entry (a scale with no radio, a doctor's scale) or the bytes of an
// advertisement / characteristic value, decoded and stored exactly as the
// gateway would store what it hears.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "app/device_choice.hpp"
#include "app/frame_arguments.hpp"
#include "app/store_session.hpp"
#include "devices/registry.hpp"
#include "outputs/measurement_json.hpp"

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
  FrameArguments frame = read_frame_arguments(args, "records");
  auto time_text = args.value("--time");
  auto person = args.value("--person");
  auto database = args.value("--database");
  auto config = args.value("--config");
  const definitions::DeviceChoice device_choice = device_choice_option(args);
  args.finish();

  std::int64_t when = now_unix_us();
  if (time_text) {
    auto t = parse_iso8601_us(*time_text);
    if (!t) throw UsageError("--time: '" + *time_text + "' is not an ISO 8601 time (2024-03-17T07:30:00Z)");
    when = *t;
  }
  const std::optional<MacAddress>& address = frame.address;
  const bool manual = weight_kg || weight;
  const bool frames = frame.has_data();
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
    const Bytes raw = frame.raw();
    if (frame.gatt) frame.gatt->time_us = when;
    frame.advert.time_us = when;
    frame.decode(device_registry(device_choice), [&](const DeviceDescriptor& f, const DecodeOutcome& o) {
      if (o.ok()) {
        Reading r = o.reading;
        if (!r.address) r.address = address;
        readings.push_back({r, raw});
      } else {
        rejections.push_back(rejection_text(f, o));
      }
    });
    if (readings.empty()) {
      if (rejections.empty()) std::fprintf(stderr, "declouder record: no supported device claims these bytes\n");
      for (const auto& r : rejections) std::fprintf(stderr, "declouder record: %s\n", r.c_str());
      return 1;
    }
  }

  StoreSession store = open_store(config, database);
  // A typed weight nobody can weigh is a typo (1e308, 80 "st" meant as kg): refused, nothing stored.
  if (manual)
    if (auto why = implausible_weighing(*readings.front().reading.weight_kg, readings.front().reading.impedance_ohm,
                                        store.config.recorder))
      throw CommandError("not recorded: " + *why);
  Recorder& rec = *store.recorder;
  if (person) person = person_option(store, "--person", *person);  // a name or an id
  for (const Decoded& d : readings) {
    RecordResult r = rec.record(d.reading, d.raw, when, manual ? "cli:manual" : "cli", frame.name);
    if (person && r.kind == RecordResult::Kind::new_measurement) {
      r.measurement = rec.assign(r.measurement->id, *person);
      r.note = "assigned by --person";
    }
    report(rec, r, json);
  }
  return 0;
}

}  // namespace

extern const Command kRecordCommand = {
    .name = "record",
    .summary = "store a manual weighing, or a device frame given as hex, in the database",
    .usage = kUsage,
    .run = run_record,
    .usage_more = device_choice_help,
};

}  // namespace declouder
