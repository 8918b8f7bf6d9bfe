// declouder miband ...: the Xiaomi Mi Band 1 / 1A / 1S.
//   user-info    the 20 bytes the band wants on every connection (pure, offline)
//   heart-rate   pair (tap gate) and measure once, in the order that keeps the 1S connected
// Protocol bytes: devices/miband/protocol.hpp; the order: devices/miband/conversation.hpp.
#include <cstdio>
#include <functional>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "app/store_session.hpp"
#include "devices/miband/protocol.hpp"
#include "devices/miband/session.hpp"
#include "radio/bluez_client.hpp"
#include "store/band_store.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUserInfoUsage = R"(Usage: declouder miband user-info --mac MAC --uid N --sex male|female --age YEARS
                                 --height-cm CM --weight-kg KG --alias TEXT [--model 1|1a|1s]

Prints the 20-byte user info (characteristic FF04) as lowercase hex, checksum
included: uid u32 LE, sex, age, height (low 8 bits), weight, type 0, then for the
1A/1S the feature and appearance bytes (1S: 04 00, 1A: 05 00) and 8 alias bytes,
for the Mi Band 1 10 alias bytes; the last byte is CRC-8/MAXIM of bytes 0-18
XOR the last octet of the band's MAC address.

  --mac MAC        the band's address, AA:BB:CC:DD:EE:FF (its last octet enters the checksum)
  --uid N          user id, 0..4294967295 (a different id than last time makes the band ask for a tap)
  --sex            male or female
  --age YEARS      0..255
  --height-cm CM   centimetres (the band keeps the low 8 bits)
  --weight-kg KG   whole kilograms, 0..255
  --alias TEXT     up to 8 characters (10 on the Mi Band 1), ASCII
  --model          1, 1a or 1s (default 1s)

Example (the worked example of docs/wearables.md):
  declouder miband user-info --mac C8:0F:10:00:00:AB --uid 1550050550 --sex male --age 30 \
      --height-cm 175 --weight-kg 70 --alias 15500505
  f6e4635c011eaf46000400313535303035303564)";

long long require_integer(Args& args, std::string_view name, long long lo, long long hi) {
  auto v = args.integer(name);
  if (!v) throw UsageError(std::string(name) + " is required");
  if (*v < lo || *v > hi)
    throw UsageError(std::string(name) + ": " + std::to_string(*v) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
  return *v;
}

int run_user_info(Args& args) {
  auto mac_text = args.value("--mac");
  auto sex_text = args.value("--sex");
  auto alias = args.value("--alias");
  auto model_text = args.value("--model");
  const auto uid = require_integer(args, "--uid", 0, 0xFFFFFFFFLL);
  const auto age = require_integer(args, "--age", 0, 255);
  const auto height = require_integer(args, "--height-cm", 1, 300);
  const auto weight = require_integer(args, "--weight-kg", 0, 255);
  args.finish();
  if (!mac_text) throw UsageError("--mac is required");
  auto mac = MacAddress::parse(*mac_text);
  if (!mac) throw UsageError("--mac: '" + *mac_text + "' is not a Bluetooth address (AA:BB:CC:DD:EE:FF)");
  if (!sex_text) throw UsageError("--sex is required (male or female)");
  if (*sex_text != "male" && *sex_text != "female") throw UsageError("--sex: '" + *sex_text + "' is not male or female");
  if (!alias) throw UsageError("--alias is required");
  auto model = miband::parse_model(model_text.value_or("1s"));
  if (!model) throw UsageError("--model: '" + *model_text + "' is not 1, 1a or 1s");
  const std::size_t max_alias = *model == miband::Model::mi1 ? 10 : 8;
  if (alias->size() > max_alias)
    throw UsageError("--alias: at most " + std::to_string(max_alias) + " characters on this model");
  for (unsigned char c : *alias)
    if (c < 0x20 || c > 0x7E) throw UsageError("--alias: printable ASCII only");
  miband::UserProfile u;
  u.uid = static_cast<std::uint32_t>(uid);
  u.sex = *sex_text == "male" ? Sex::male : Sex::female;
  u.age_years = static_cast<std::uint8_t>(age);
  u.height_cm = static_cast<std::uint8_t>(height & 0xFF);
  u.weight_kg = static_cast<std::uint8_t>(weight);
  u.alias = *alias;
  std::printf("%s\n", to_hex(miband::build_user_info(u, *mac, *model)).c_str());
  return 0;
}

constexpr std::string_view kHeartRateUsage = R"(Usage: declouder miband heart-rate --address MAC [--json] [--adapter NAME] [--timeout S]
                                  [--wait S] [--uid N] [--sex male|female] [--age YEARS]
                                  [--height-cm CM] [--weight-kg KG] [--alias TEXT] [--model 1a|1s]
                                  [--supervision-timeout-ms MS] [--no-link-tuning]

Connects to a Mi Band 1S, introduces the wearer (user info, on every connection;
the first time the band vibrates and waits for a tap), and measures the heart rate
once. Prints "heart rate N bpm", or {"heart_rate_bpm": N} with --json.

The order is the one that keeps the 1S connected (a band driven without it drops the link at
'15 02 01'): notifications on FF03, the band's low-latency parameters (FF09), a
longer supervision timeout for the link (debugfs, when running as root), user info
and the tap, the 2A37 notifications, the two stop commands, then '15 02 01' as a
write request given 3 s for its answer (the band needs 1.3 s). If the band drops the
link anyway, the reason is printed with what it means.

  --address MAC   the band (declouder scan shows it; a 1S starts with C8:0F:10)
  --json          print {"heart_rate_bpm": N}
  --adapter NAME  the adapter (hci0...); default the first
  --timeout S     finding and connecting (default 20)
  --wait S        how long to wait for the tap and the measurement (default 60)
  --uid N, --sex, --age, --height-cm, --weight-kg, --alias, --model
                  the wearer, as for 'miband user-info' (defaults: uid 1550050550,
                  male, 30, 175 cm, 70 kg, alias "wearer", model 1s). Another uid
                  than last time makes the band ask for a tap again.
  --supervision-timeout-ms MS  asked of the kernel before connecting (default 6000)
  --no-link-tuning             leave the kernel's link defaults alone (the band's FF09
                               request still asks for 5 s)

Exit status: 0 with a heart rate; 1 when the band could not be read (why on stderr).)";

// What every command that talks to the band takes: the band, the adapter, the wearer.
struct BandOptions {
  MacAddress address;
  std::string adapter;
  std::chrono::milliseconds timeout{20000};
  miband::UserProfile user;
  miband::Model model = miband::Model::mi1s;
  miband::LinkPolicy policy;
  bool tuning = true;
};

BandOptions read_band_options(Args& args) {
  BandOptions o;
  auto address_text = args.value("--address");
  o.adapter = args.value("--adapter").value_or("");
  const double timeout = args.number("--timeout").value_or(20);
  const double wait = args.number("--wait").value_or(60);
  const long long uid = args.integer("--uid").value_or(1550050550);
  const std::string sex = args.value("--sex").value_or("male");
  const long long age = args.integer("--age").value_or(30);
  const long long height = args.integer("--height-cm").value_or(175);
  const long long weight = args.integer("--weight-kg").value_or(70);
  const std::string alias = args.value("--alias").value_or("wearer");
  const std::string model_text = args.value("--model").value_or("1s");
  const long long supervision = args.integer("--supervision-timeout-ms").value_or(6000);
  o.tuning = !args.flag("--no-link-tuning");
  if (!address_text) throw UsageError("--address is required (declouder scan shows the band)");
  auto address = MacAddress::parse(*address_text);
  if (!address) throw UsageError("--address: '" + *address_text + "' is not a Bluetooth address (AA:BB:CC:DD:EE:FF)");
  o.address = *address;
  if (timeout <= 0) throw UsageError("--timeout: expected a positive number of seconds");
  if (wait <= 0) throw UsageError("--wait: expected a positive number of seconds");
  if (uid < 0 || uid > 0xFFFFFFFFLL) throw UsageError("--uid: 0..4294967295");
  if (sex != "male" && sex != "female") throw UsageError("--sex: '" + sex + "' is not male or female");
  if (age < 0 || age > 255 || weight < 0 || weight > 255 || height < 1 || height > 300)
    throw UsageError("--age/--weight-kg: 0..255, --height-cm: 1..300");
  auto model = miband::parse_model(model_text);
  if (!model) throw UsageError("--model: '" + model_text + "' is not 1, 1a or 1s");
  o.model = *model;
  const std::size_t max_alias = o.model == miband::Model::mi1 ? 10 : 8;
  if (alias.size() > max_alias) throw UsageError("--alias: at most " + std::to_string(max_alias) + " characters");
  if (supervision < 100 || supervision > 32000) throw UsageError("--supervision-timeout-ms: 100..32000");
  o.timeout = std::chrono::milliseconds(static_cast<long long>(timeout * 1000));
  o.user.uid = static_cast<std::uint32_t>(uid);
  o.user.sex = sex == "male" ? Sex::male : Sex::female;
  o.user.age_years = static_cast<std::uint8_t>(age);
  o.user.height_cm = static_cast<std::uint8_t>(height & 0xFF);
  o.user.weight_kg = static_cast<std::uint8_t>(weight);
  o.user.alias = alias;
  o.policy.supervision_timeout_ms = static_cast<int>(supervision);
  o.policy.tap_timeout_ms = static_cast<int>(wait * 1000);
  o.policy.measurement_timeout_ms = static_cast<int>(wait * 1000);
  return o;
}

// Finds the band, tunes the link, runs the conversation `build` makes; failures
// become a CommandError that explains the disconnect reason.
void run_with_band(const BandOptions& o, const char* command,
                   const std::function<Conversation(const miband::SupervisionTuner&)>& build, const FrameHandlers& handlers) {
  auto tell = [command](const std::string& line) { std::fprintf(stderr, "declouder %s: %s\n", command, line.c_str()); };
  try {
    BluezClient client;
    AdapterInfo adapter = client.adapter(o.adapter);
    // Before connecting: the kernel applies its defaults to new connections.
    const std::string hci = adapter.name.empty() ? "hci0" : adapter.name;
    std::string tuning;
    if (!o.tuning)
      tuning = "kernel link defaults left alone (--no-link-tuning); the band's FF09 request asks for 5 s";
    else if (auto why = miband::raise_supervision_timeout(hci, o.policy.supervision_timeout_ms))
      tuning = "could not raise the supervision timeout (" + *why + "); relying on the band's own FF09 request";
    else
      tuning = "supervision timeout for new connections on " + hci + " raised to " +
               std::to_string(o.policy.supervision_timeout_ms) + " ms";
    BluezDevice device(client, adapter, o.address);
    device.find(o.timeout);
    Conversation conversation = build([tuning](int) { return tuning; });
    SessionOptions options;
    options.connect_timeout = o.timeout;
    options.tell = tell;
    BusLoop::install_stop_signals();
    SessionRunner runner(device, options);
    runner.run(conversation, handlers);
  } catch (const BleError& e) {
    throw CommandError(e.what());
  } catch (const CommandError&) {
    throw;
  } catch (const std::exception& e) {
    // SessionError / LinkLost: say what the disconnect reason means.
    std::string msg = e.what();
    if (auto code = miband::hci_reason_of(msg)) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", *code);
      msg += std::string("; HCI reason ") + hex + " = " + std::string(miband::disconnect_reason_name(*code)) + ": " +
             std::string(miband::disconnect_advice(*code));
    }
    throw CommandError(msg);
  }
}

int run_heart_rate(Args& args) {
  const bool json = args.flag("--json");
  BandOptions o = read_band_options(args);
  args.finish();
  if (o.model == miband::Model::mi1) throw UsageError("--model: heart rate needs a 1a or 1s");
  std::optional<int> bpm;
  FrameHandlers handlers;
  handlers.on_reading = [&](const Reading& r, const Bytes&, std::int64_t) {
    if (r.heart_rate_bpm) bpm = r.heart_rate_bpm;
  };
  run_with_band(o, "miband heart-rate", [&](const miband::SupervisionTuner& t) {
    return miband::heart_rate_conversation(o.user, o.address, o.model, o.policy, t);
  }, handlers);
  if (!bpm) throw CommandError("the band gave no heart rate");
  if (json) {
    nlohmann::ordered_json j;
    j["heart_rate_bpm"] = *bpm;
    std::cout << j.dump() << std::endl;
  } else {
    std::cout << "heart rate " << *bpm << " bpm" << std::endl;
  }
  return 0;
}

constexpr std::string_view kActivityUsage = R"(Usage: declouder miband activity --address MAC [--database FILE] [--config FILE] [--json]
                                [wearer and link options of 'miband heart-rate']

Downloads the band's per-minute activity history (FF07), acknowledging each block
so the band frees it, and stores the minutes in the database (table band_activity;
the default database like every other command). Prints a summary, or with --json
one object per minute: {"time","kind","intensity","steps","heart_rate_bpm"} (time
on the band's own clock, without zone; heart_rate_bpm null when the minute has none).)";

int run_activity(Args& args) {
  const bool json = args.flag("--json");
  auto database_option = args.value("--database");
  auto config_option = args.value("--config");
  BandOptions o = read_band_options(args);
  args.finish();
  StoreSession store = open_store(config_option, database_option);
  std::vector<miband::ActivityMinute> minutes;
  FrameHandlers handlers;
  handlers.on_reading = [&](const Reading& r, const Bytes&, std::int64_t) {
    if (!r.device_time) return;
    miband::ActivityMinute m;
    m.time = r.device_time->civil;
    m.steps = static_cast<std::uint8_t>(r.steps.value_or(0));
    if (r.heart_rate_bpm) m.heart_rate = static_cast<std::uint8_t>(*r.heart_rate_bpm);
    for (std::size_t i = 0; i < r.device_metric_count; ++i) {
      const auto& dm = r.device_metrics[i];
      if (std::string_view(dm.name) == "activity_kind") m.kind = static_cast<std::uint8_t>(dm.value);
      if (std::string_view(dm.name) == "intensity") m.intensity = static_cast<std::uint8_t>(dm.value);
    }
    minutes.push_back(m);
  };
  run_with_band(o, "miband activity", [&](const miband::SupervisionTuner& t) {
    return miband::activity_conversation(o.user, o.address, o.model, o.policy, t);
  }, handlers);
  auto sum = miband::store_activity(*store.database, o.address, minutes);
  if (json) {
    for (const auto& m : minutes) {
      char t[32];
      std::snprintf(t, sizeof t, "%04d-%02d-%02dT%02d:%02d:00", m.time.year, m.time.month, m.time.day, m.time.hour, m.time.minute);
      nlohmann::ordered_json j;
      j["time"] = t;
      j["kind"] = m.kind;
      j["intensity"] = m.intensity;
      j["steps"] = m.steps;
      j["heart_rate_bpm"] = m.heart_rate ? nlohmann::ordered_json(*m.heart_rate) : nlohmann::ordered_json(nullptr);
      std::cout << j.dump() << '\n';
    }
  } else {
    std::cout << minutes.size() << " minutes";
    if (!minutes.empty()) std::cout << " from " << iso8601(DeviceClock{minutes.front().time}) << " to " << iso8601(DeviceClock{minutes.back().time});
    std::cout << "; stored " << sum.added << " new, " << sum.already_stored << " already in " << store.database->path() << '\n';
  }
  std::cout.flush();
  return 0;
}

constexpr std::string_view kInfoUsage = R"(Usage: declouder miband info --address MAC [wearer and link options of 'miband heart-rate']

Connects (user info and, for a new wearer, the tap), then reads the device info
(model, firmware), the battery and today's steps.)";

int run_band_info(Args& args) {
  BandOptions o = read_band_options(args);
  args.finish();
  miband::BandStatus st;
  run_with_band(o, "miband info", [&](const miband::SupervisionTuner& t) {
    return miband::status_conversation(o.user, o.address, o.model, st, o.policy, t);
  }, {});
  if (st.info) {
    char fw[16];
    std::snprintf(fw, sizeof fw, "%u.%u.%u.%u", st.info->firmware_version >> 24, (st.info->firmware_version >> 16) & 0xFF,
                  (st.info->firmware_version >> 8) & 0xFF, st.info->firmware_version & 0xFF);
    std::printf("%-10s Mi Band %s (hardware %u, firmware %s%s)\n", "model", std::string(miband::model_name(st.info->model)).c_str(),
                st.info->hardware, fw, st.info->heart_rate_firmware ? ", heart-rate sensor" : "");
  } else {
    std::printf("%-10s (device info missing or its check byte is wrong)\n", "model");
  }
  if (st.battery)
    std::printf("%-10s %d %% (%s, charged %d times, last %s)\n", "battery", st.battery->level_percent,
                std::string(miband::battery_status_name(st.battery->status)).c_str(), st.battery->charge_count,
                iso8601(DeviceClock{st.battery->last_charge}).c_str());
  if (st.steps) std::printf("%-10s %u today\n", "steps", *st.steps);
  return 0;
}

}  // namespace

extern const Command kMibandHeartRateCommand = {
    .name = "miband heart-rate",
    .summary = "pair with a Mi Band 1S if needed and measure the heart rate once",
    .usage = kHeartRateUsage,
    .run = run_heart_rate,
};
extern const Command kMibandActivityCommand = {
    .name = "miband activity",
    .summary = "download the Mi Band's per-minute activity history into the database",
    .usage = kActivityUsage,
    .run = run_activity,
};
extern const Command kMibandInfoCommand = {
    .name = "miband info",
    .summary = "read the Mi Band's model, firmware, battery and steps",
    .usage = kInfoUsage,
    .run = run_band_info,
};
extern const Command kMibandUserInfoCommand = {
    .name = "miband user-info",
    .summary = "print the Mi Band's 20-byte user info (with its CRC-8) as hex",
    .usage = kUserInfoUsage,
    .run = run_user_info,
};

}  // namespace declouder
