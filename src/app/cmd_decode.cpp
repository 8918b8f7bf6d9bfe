// declouder decode: one advertisement or one characteristic value, given as hex
// on the command line, through every driver that can claim it.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "app/device_choice.hpp"
#include "app/frame_arguments.hpp"
#include "devices/registry.hpp"
#include "outputs/reading_json.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder decode [--name NAME] [--address MAC]
                        [--service-data UUID=HEX]... [--manufacturer-data ID=HEX]...
                        [--gatt UUID=HEX] [--bindkey HEX] [--definitions FILE|DIR]... [--no-builtin]
                        [--json]

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
  --bindkey HEX               the 16-byte key (32 hex digits) of a scale that encrypts
                              its adverts (Xiaomi S400, S200, S800 MiBeacon); the
                              address is needed too unless the frame carries it
  --json                      one JSON object per reading, with the keys model,
                              address, weight_kg, impedance_ohm, stabilized,
                              device_time, unit (and impedance_low_ohm,
                              impedance_high_ohm, heart_rate_bpm, profile_id, ...
                              when the device reports them)

Exit status: 0 when at least one reading was decoded; 1 when the bytes are not a
reading (the reasons go to stderr); 2 for a mistake on the command line.

Example:
  declouder decode --service-data 181b=0226e607020e10293af7019a38 --json)";

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
  if (r.impedance_low_ohm) std::cout << "  50 kHz " << *r.impedance_low_ohm << " ohm";
  if (r.impedance_high_ohm) std::cout << "  250 kHz " << *r.impedance_high_ohm << " ohm";
  if (r.profile_id) std::cout << "  profile " << *r.profile_id;
  if (r.heart_rate_bpm) std::cout << "  heart rate " << *r.heart_rate_bpm << " bpm";
  std::cout << (r.stabilized ? "  stabilized" : "  not stabilized");
  if (r.load_removed) std::cout << ", removed";
  if (r.device_time) std::cout << "  device time " << iso8601(*r.device_time) << (r.device_time->unset ? " (clock not set)" : "");
  std::cout << '\n';
}

int run_decode(Args& args) {
  const bool json = args.flag("--json");
  FrameArguments frame = read_frame_arguments(args, "decodes");
  const DeviceRegistry devices = device_registry(device_choice_option(args));
  args.finish();
  if (!frame.has_data() && frame.name.empty())
    throw UsageError("nothing to decode: give --service-data, --manufacturer-data, --name or --gatt");

  std::vector<std::string> rejections;
  int ok = frame.decode(devices, [&](const DeviceDescriptor& f, const DecodeOutcome& o) {
    if (o.ok()) {
      Reading r = o.reading;
      if (!r.address) r.address = frame.address;
      print_reading(r, json);
    } else {
      rejections.push_back(rejection_text(f, o));
    }
  });
  if (ok == 0 && rejections.empty() && !frame.gatt) {
    // Nothing decoded, but a connect-and-ask device may still be recognised.
    for (const DeviceDescriptor* f : devices.claimants(frame.advert))
      rejections.push_back(std::string(f->id) + ": recognised, but it reports over a " +
                           std::string(link_mode_name(f->link)) +
                           " connection, not in advertisements (decode its values with --gatt)");
  }
  if (ok > 0) return 0;
  if (rejections.empty()) {
    std::fprintf(stderr, "declouder decode: no supported device claims these bytes\n");
  } else {
    for (const auto& r : rejections) std::fprintf(stderr, "declouder decode: %s\n", r.c_str());
  }
  return 1;
}

}  // namespace

extern const Command kDecodeCommand = {
    .name = "decode",
    .summary = "decode one advertisement or characteristic value given as hex",
    .usage = kUsage,
    .run = run_decode,
    .usage_more = device_choice_help,
};

}  // namespace declouder
