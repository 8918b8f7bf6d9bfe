// declouder capture decode: every device driver over a capture.
#include <iostream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "app/cmd_capture.hpp"
#include "app/config.hpp"
#include "app/device_choice.hpp"
#include "devices/registry.hpp"
#include "outputs/reading_json.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder capture decode FILE [--map HANDLE=UUID]... [--bindkey HEX] [--config FILE]
                                [--definitions FILE|DIR]... [--no-builtin] [--json]

Replays the capture's advertisements and the values its devices sent over GATT
(notifications, indications, read responses on handles whose characteristic
the capture's discovery revealed) through every device driver, and prints each
new reading. A frame that is not stabilized, or that repeats the device's
previous reading (scales advertise the same weighing many times), is not a new
reading.

  --map H=UUID   name a handle the capture's discovery does not (a capture
                 started after discovery): --map 0x004b=2a37. Repeatable.
  --bindkey HEX  the 16-byte key (32 hex digits) of a scale that encrypts its
                 adverts (Xiaomi S400, S200, S800), as `declouder decode
                 --bindkey` takes it: opens the capture's encrypted adverts of
                 every device the config names no key for
  --config FILE  the config whose [[device]] address/bindkey open those
                 devices' adverts (default: the default config file, when
                 there is one)
  --json   one JSON object per reading: the keys of `declouder decode --json`
           (model, address, weight_kg, impedance_ohm, stabilized, device_time,
           unit, ...) plus time (when the capture saw it, ISO 8601 UTC)

Exit status: 0 when records were read (even if no reading was found), 1 when
none could be, 2 for a mistake on the command line.)";

int run(Args& args) {
  const bool json = args.flag("--json");
  const auto map = capture_map_option(args);
  std::optional<Bindkey> bindkey;
  if (auto key = args.value("--bindkey")) {
    bindkey = parse_bindkey(*key);
    if (!bindkey) throw UsageError("--bindkey: '" + *key + "' is not a 16-byte key (32 hex digits)");
  }
  const auto config_path = args.value("--config");
  const DeviceRegistry devices = device_registry(device_choice_option(args));
  const std::string path = capture_single_file(args);
  DeviceKeys keys;  // [[device]] bindkey, by address
  try {
    keys = load_command_config(config_path).device_keys;
  } catch (const ConfigError& e) {
    throw CommandError(e.what());
  }
  // Encrypted adverts that could not be opened, said once per device at the end.
  std::map<std::string, std::string> locked;  // address -> why

  std::map<std::pair<std::string, std::string>, std::string> last_reading;  // (model, address) -> reading
  std::uint64_t readings = 0;
  auto on_outcome_at = [&](std::int64_t time_us, bool keyed = false) {
    return [&, time_us, keyed](const DeviceDescriptor& d, const DecodeOutcome& o) {
      if (o.status == DecodeStatus::needs_key || (keyed && o.status == DecodeStatus::bad_checksum)) {
        locked.try_emplace(std::string(d.id), o.detail);
        return;
      }
      if (!o.ok()) return;
      const Reading& r = o.reading;
      if (r.weight_kg && !r.stabilized) return;  // still settling: not a reading yet
      // Stepping off: a Mi Scale v1 repeats the weighing without a valid date, a Mi Scale 2
      // with its date; either way the same weighing, not a new reading (as the store sees it).
      if (r.weight_kg && r.load_removed && !r.device_time) return;
      Json j = reading_to_json(r);
      Json same = j;
      same.erase("load_removed");
      std::string key = same.dump();
      auto& last = last_reading[{r.model ? r.model : "", r.address ? r.address->str() : ""}];
      if (last == key) return;  // the same weighing advertised again
      last = key;
      ++readings;
      if (json) {
        j["time"] = iso8601_utc_us(time_us);
        std::cout << j.dump() << '\n';
      } else {
        std::cout << iso8601_utc_us(time_us) << ' ' << (r.model ? r.model : "?");
        if (r.address) std::cout << ' ' << r.address->str();
        if (r.weight_kg) std::cout << "  weight " << round_to(*r.weight_kg, 3) << " kg";
        if (r.impedance_ohm) std::cout << "  impedance " << *r.impedance_ohm << " ohm";
        if (r.impedance_high_ohm) std::cout << "  250 kHz " << *r.impedance_high_ohm << " ohm";
        if (r.profile_id) std::cout << "  profile " << *r.profile_id;
        if (r.heart_rate_bpm) std::cout << "  heart rate " << *r.heart_rate_bpm << " bpm";
        if (r.steps) std::cout << "  steps " << *r.steps;
        if (r.device_time) std::cout << "  device time " << iso8601(*r.device_time);
        std::cout << '\n';
      }
    };
  };

  FrameHandlers frames;
  frames.on_advertisement = [&](const Advertisement& a) {
    // A device whose key we hold: its advert is decoded with it (a copy only for those).
    const Bindkey* key = a.address ? keys.find(*a.address) : nullptr;
    if (!key && bindkey) key = &*bindkey;
    if (!key || a.bindkey) {
      devices.decode_advertisement(a, on_outcome_at(a.time_us));
      return;
    }
    Advertisement keyed = a;
    keyed.bindkey = *key;
    devices.decode_advertisement(keyed, on_outcome_at(a.time_us, true));
  };
  frames.on_gatt_value = [&](const GattValue& v) { devices.decode_gatt(v, on_outcome_at(v.time_us)); };
  capture::CaptureSummary summary;
  try {
    summary = capture::replay_capture(path, frames, map);
  } catch (const capture::CaptureError& e) {
    throw CommandError(e.what());
  }
  std::cout.flush();
  for (const auto& [model, why] : locked)
    std::cerr << "declouder capture decode: " << model << " adverts not opened: " << why << '\n';
  if (readings == 0 && !json) std::cerr << "declouder capture decode: no readings in " << path << '\n';
  return capture_exit_status("capture decode", path, summary);
}

}  // namespace

extern const Command kCaptureDecodeCommand = {
    .name = "capture decode",
    .summary = "run every device driver over a capture and print the readings",
    .usage = kUsage,
    .run = run,
    .usage_more = device_choice_help,
};

}  // namespace declouder
