// declouder run: the gateway service. Sources (BlueZ, a replayed capture,
// simulators) -> drivers -> store -> delivery -> outputs (log, JSON lines, and
// over one MQTT connection this gateway's feed, Home Assistant with discovery,
// Domoticz), coordinated with the other gateways on the broker. This file only
// builds them from the settings (app/config.hpp) and runs them: the delivery
// is gateway/delivery.hpp, the coordination gateway/coordination.hpp, the
// outputs src/outputs/. See docs/gateway.md.
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <atomic>
#include <thread>

#include "app/cli.hpp"
#include "app/device_choice.hpp"
#include "app/device_lists.hpp"
#include "app/store_session.hpp"
#include "app/web_service.hpp"
#include "core/input_files.hpp"
#include "core/time.hpp"
#include "gateway/bluez_source.hpp"
#include "gateway/esphome_source.hpp"
#include "gateway/event_loop.hpp"
#include "gateway/mqtt_advert_source.hpp"
#include "gateway/gateway.hpp"
#include "gateway/settings.hpp"
#include "gateway/simulated_scale.hpp"
#include "gateway/simulator_source.hpp"
#include "gateway/systemd_notify.hpp"
#include "mqtt/connection.hpp"
#include "outputs/domoticz_output.hpp"
#include "outputs/feed_output.hpp"
#include "outputs/home_assistant_output.hpp"
#include "outputs/xiaomi_mi_scale_compat.hpp"
#include "outputs/jsonl_output.hpp"
#include "outputs/log_output.hpp"
#include "radio/esphome_api.hpp"
#include "store/database.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder run [--config FILE] [--database FILE] [--mqtt URL] [--gateway-id NAME]
                     [--jsonl FILE|-] [--adapter NAME] [--replay CAPTURE] [--simulate DEVICE]...
                     [--definitions FILE|DIR]... [--no-builtin]
                     [--esphome HOST[:PORT][,key=BASE64]]... [--mqtt-adverts TOPIC]...

The gateway: listens to the scales (BlueZ), talks to those that must be asked
(the devices with a conversation, listed below: once each time they wake, one
at a time, only by the gateway that owns them), stores every measurement in
SQLite, then hands it to the outputs. Runs until SIGTERM or Ctrl-C, which stop it
cleanly: everything received is stored, and what the broker has not yet
acknowledged stays queued for the next start.

With no configuration it stores locally and logs each measurement. On a machine
without a Bluetooth adapter it says so and runs against simulated devices,
labelled SIMULATED everywhere.

  --config FILE       configuration file (TOML: people, [gateway], [mqtt],
                      [domoticz]; default ~/.config/declouder/config.toml when it
                      exists; the service's is /etc/declouder/config.toml). Every
                      key is documented in the installed example,
                      /usr/share/doc/declouder/examples/config.toml (config/example.toml
                      in the source tree)
  --database FILE     the SQLite file (default: [database] path, else
                      ~/.local/share/declouder/declouder.db)
  --mqtt URL          mqtt://HOST:PORT or mqtts://HOST:PORT (also mqtt://USER:PASSWORD@HOST):
                      publish to this broker, with Home Assistant discovery under
                      homeassistant/ (overrides [mqtt] url)
  --mqtt-ca FILE      CA certificate for mqtts:// (overrides [mqtt] ca_file)
  --gateway-id NAME   this gateway's name on MQTT (default: the host name); with
                      several gateways on one broker each needs its own
  --jsonl FILE|-      also write each measurement as one JSON line (- = stdout)
  --adapter NAME      listen with this Bluetooth adapter (hci1, or its address);
                      default the first one
  --replay CAPTURE    feed a capture file (btsnoop, PacketLogger, btmon text)
                      through the same pipeline instead of BlueZ; run stops
                      once it is replayed and everything is delivered
  --simulate DEVICE   run against a simulated device instead of BlueZ (repeatable).
                      DEVICE is mi-scale-2[:key=value,...]; keys: address, rssi,
                      weighings (0 = forever), interval (s), frame_ms, weights
                      (72.45/58.2), impedances (503/0), clock, clock_step,
                      repeat, skip.
                      With a number of weighings, run stops once all are delivered.
                      Any other simulator of `declouder simulate --list` works too
                      (its advertisements, and its GATT side for the scales that
                      must be asked): NAME[:weight=KG,impedance=OHM,address=MAC,
                      rssi=DBM], e.g. picooc-mini:weight=80.5
  --esphome HOST[:PORT][,key=BASE64]
                      also listen through this ESPHome Bluetooth proxy (repeatable; port
                      default 6053; key: the node's API encryption key, as in its YAML).
                      Its advertisements join the pipeline and the scales that must be
                      asked are talked to through it. A node serves one Bluetooth
                      subscriber at a time: not one Home Assistant's Bluetooth
                      integration also uses. Replaces the config's [[esphome]] tables
  --mqtt-adverts TOPIC
                      also decode the undecoded advertisements OpenMQTTGateway or
                      Theengs Gateway publish on this topic pattern of the broker of
                      --mqtt / [mqtt] (repeatable; e.g. home/+/BTtoMQTT/undecoded).
                      Replaces the config's [[mqtt_adverts]] tables
  --stop-timeout S    how long a stop waits for the broker's acknowledgements (default 5)

With a [web] table in the config, run also serves the web page of 'declouder web'
([web] listen, token; 'declouder web --help').

Exit status: 0 after a clean stop; 1 when it cannot start or its source fails
(database, config, BlueZ unusable, capture unreadable: the reason on stderr);
2 for a mistake on the command line.

Examples:
  declouder run
  declouder run --simulate mi-scale-2 --mqtt mqtt://127.0.0.1:1883 --database a.db
  declouder run --replay morning.btsnoop --jsonl -
  declouder run --esphome proxy-bathroom.local,key=BASE64 --mqtt mqtt://127.0.0.1:1883
  declouder run --config /etc/declouder/config.toml)";

void log_line(const std::string& line) {
  const std::int64_t us = now_unix_us();
  const std::string t = iso8601_utc_s(us / 1000000);
  std::fprintf(stderr, "declouder: %s %s\n", t.substr(11, 8).c_str(), line.c_str());
  std::fflush(stderr);
}

// The Bluetooth adapters the kernel knows (hci0, ...).
std::vector<std::string> bluetooth_adapters() {
  std::vector<std::string> out;
  if (DIR* d = opendir("/sys/class/bluetooth")) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.rfind("hci", 0) == 0 && n.find(':') == std::string::npos) out.push_back(n);
    }
    closedir(d);
  }
  return out;
}

// Who the gateway's conversations weigh for: the person registered on the scale user slot
// the gateway logs in with, else the only person configured, else nobody (a scale that
// needs the person's height then cannot be asked).
std::optional<Person> person_on_scale_slot(const std::vector<Person>& people, int slot) {
  for (const Person& p : people)
    if (p.scale_user && *p.scale_user == slot) return p;
  if (people.size() == 1) return people.front();
  return std::nullopt;
}

// [mqtt] password_file: its first line, without the line end.
std::string read_password_file(const std::string& path) {
  std::string text;
  try {
    text = read_input_file(path, false);
  } catch (const InputFileError& e) {
    throw CommandError(std::string("[mqtt] password_file ") + e.what());
  }
  std::string line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) throw CommandError("[mqtt] password_file " + path + ": its first line is empty");
  return line;
}

int run_run(Args& args) {
  const auto config_path = args.value("--config");
  auto database_path = args.value("--database");
  const auto mqtt_url = args.value("--mqtt");
  const auto mqtt_ca = args.value("--mqtt-ca");
  const auto gateway_id = args.value("--gateway-id");
  const auto jsonl = args.value("--jsonl");
  const auto replay = args.value("--replay");
  const auto adapter = args.value("--adapter");
  auto simulate = args.values("--simulate");
  const auto stop_timeout = args.number("--stop-timeout", 0, 3600);
  const definitions::DeviceChoice device_choice = device_choice_option(args);
  auto esphome_specs = args.values("--esphome");
  auto mqtt_adverts = args.values("--mqtt-adverts");
  args.finish();
  const DeviceRegistry devices = device_registry(device_choice);
  const DeviceRegistry simulators = simulator_registry(device_choice);

  // The config, the database and the Recorder (people mirrored into it).
  StoreSession store = open_store(config_path, database_path);
  GatewaySettings settings;
  try {
    settings = gateway_settings(store.config);
  } catch (const ConfigError& e) {
    throw CommandError(e.what());
  }
  if (gateway_id) settings.gateway_id = *gateway_id;
  if (settings.gateway_id.empty()) settings.gateway_id = default_gateway_id();
  if (settings.gateway_id.find_first_of("/+#") != std::string::npos || settings.gateway_id.empty())
    throw UsageError("--gateway-id: '" + settings.gateway_id + "' may not contain / + or #");
  if (mqtt_url) settings.mqtt.url = *mqtt_url;
  // The password: $DECLOUDER_MQTT_PASSWORD, else [mqtt] password_file, else [mqtt]
  // password (a password in the --mqtt URL beats them all, and is visible in `ps`).
  if (const char* env = std::getenv("DECLOUDER_MQTT_PASSWORD"); env && *env) {
    settings.mqtt.connection.password = env;
  } else if (settings.mqtt.password_file) {
    settings.mqtt.connection.password = read_password_file(*settings.mqtt.password_file);
  }
  if (mqtt_ca) settings.mqtt.connection.ca_file = *mqtt_ca;
  if (jsonl) settings.jsonl = *jsonl;
  if (simulate.empty()) simulate = settings.simulate;
  if (stop_timeout && *stop_timeout < 0) throw UsageError("--stop-timeout: must not be negative");
  // More radios: ESPHome proxies and MQTT advert gateways (the command line replaces the config's).
  std::vector<esphome::Endpoint> proxies;
  if (esphome_specs.empty()) {
    for (const EsphomeProxySettings& e : settings.esphome) {
      esphome::Endpoint ep;
      ep.host = e.host;
      ep.port = e.port;
      if (!e.key.empty()) ep.key = esphome::parse_key(e.key);  // checked by the config reader
      proxies.push_back(ep);
    }
  }
  for (const std::string& spec : esphome_specs) {
    try {
      proxies.push_back(esphome::parse_endpoint(spec));
    } catch (const std::invalid_argument& e) {
      throw UsageError("--esphome " + spec + ": " + e.what());
    }
  }
  if (mqtt_adverts.empty()) mqtt_adverts = settings.mqtt_adverts;
  for (const std::string& t : mqtt_adverts)
    if (t.empty()) throw UsageError("--mqtt-adverts: empty topic");
  if (!mqtt_adverts.empty() && !settings.mqtt.url)
    throw UsageError("--mqtt-adverts: needs the broker the gateways publish to (--mqtt URL or [mqtt] url)");

  // Sources.
  std::vector<std::unique_ptr<Source>> sources;
  DeviceKeys keys = store.config.device_keys;  // [[device]] bindkey
  bool finite = false;
  for (const std::string& spec : simulate) {
    try {
      if (is_simulated_device(spec)) {
        auto s = parse_simulated_scale_spec(spec);
        finite |= s.weighings > 0;
        sources.push_back(std::make_unique<SimulatedScaleSource>(s));
      } else {
        auto source = std::make_unique<SimulatorSource>(parse_simulator_spec(spec, simulators));
        // A simulated scale that encrypts its adverts: its owner holds its key, as if configured.
        if (auto key = source->device_key(); key && !keys.find(key->first)) keys.set(key->first, key->second);
        sources.push_back(std::move(source));
      }
    } catch (const std::invalid_argument& e) {
      throw UsageError("--simulate " + spec + ": " + e.what());
    }
  }
  if (replay) {
    if (!std::filesystem::exists(*replay)) throw CommandError("--replay " + *replay + ": no such file");
    sources.push_back(std::make_unique<ReplaySource>(*replay, log_line));
    finite = true;
  }
  if (adapter || (sources.empty() && !bluetooth_adapters().empty())) {
    sources.push_back(std::make_unique<BluezSource>(adapter.value_or("")));
    finite = false;
  }
  const bool remote_radios = !proxies.empty() || !mqtt_adverts.empty();
  for (const esphome::Endpoint& e : proxies) {
    sources.push_back(std::make_unique<EsphomeSource>(e, log_line));
    finite = false;
  }
  if (remote_radios) finite = false;
  if (sources.empty() && !remote_radios) {
    log_line("no Bluetooth adapter found (/sys/class/bluetooth is empty): running against SIMULATED devices "
             "(mi-scale-2); give --adapter, --replay or --simulate to change this");
    sources.push_back(std::make_unique<SimulatedScaleSource>(parse_simulated_scale_spec("mi-scale-2")));
  }

  Recorder& recorder = *store.recorder;
  const std::string db_path = store.database->path();
  WebSettings web_config;
  try {
    web_config = web_settings(store.config);
  } catch (const ConfigError& e) {
    throw CommandError(e.what());
  }
  if (settings.settle_seconds < 0) throw CommandError("[gateway] settle_seconds must not be negative");

  // Signals: blocked in every thread (threads inherit the mask), taken by one.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  EventLoop loop;
  // The outputs, in the order they are handed each measurement.
  std::vector<std::unique_ptr<Output>> owned;
  owned.push_back(std::make_unique<LogOutput>(log_line));
  if (settings.jsonl) {
    try {
      owned.push_back(std::make_unique<JsonLinesOutput>(*settings.jsonl, log_line));
    } catch (const std::exception& e) {
      throw CommandError(e.what());
    }
  }
  // With a broker: one connection, shared by the coordination and the MQTT outputs.
  std::string mqtt_text = "no MQTT";
  std::unique_ptr<MqttConnection> mqtt;
  std::unique_ptr<GatewayCoordination> coordination;
  Outbox outbox(*store.database);
  if (settings.mqtt.url) {
    CoordinationSettings cs;
    cs.gateway_id = settings.gateway_id;
    cs.base = settings.mqtt.base;
    cs.standby_us = settings.standby_us;
    cs.ownership = settings.ownership;
    MqttSettings session = settings.mqtt.connection;
    try {
      const std::string before = session.password;
      apply_mqtt_url(*settings.mqtt.url, session);
      if (mqtt_url && session.password != before && !session.password.empty())
        log_line("warning: the password in --mqtt is visible to every user of this machine (ps, /proc); keep it in "
                 "[mqtt] password_file or $DECLOUDER_MQTT_PASSWORD");
    } catch (const MqttError& e) {
      throw UsageError(std::string("--mqtt: ") + e.what());
    }
    prepare_gateway_session(session, cs);
    mqtt = std::make_unique<MqttConnection>(session, [&loop](std::function<void()> f) { loop.post(std::move(f)); },
                                            log_line);
    coordination = std::make_unique<GatewayCoordination>(*mqtt, outbox, cs, log_line);
    owned.push_back(std::make_unique<FeedOutput>(*mqtt, settings.mqtt.base, settings.gateway_id));
    if (settings.mqtt.home_assistant) {
      HomeAssistantSettings ha;
      ha.discovery_prefix = settings.mqtt.discovery_prefix;
      ha.base = settings.mqtt.base;
      ha.assign_offer_us = static_cast<std::int64_t>(settings.mqtt.assign_offer_hours * 3600e6);
      ha.gateway_id = settings.gateway_id;
      owned.push_back(std::make_unique<HomeAssistantOutput>(*mqtt, ha, log_line));
    }
    if (settings.domoticz) owned.push_back(std::make_unique<DomoticzOutput>(*mqtt, *settings.domoticz));
    for (const std::string& program : settings.mqtt.compat)
      if (program == "xiaomi_mi_scale") owned.push_back(std::make_unique<XiaomiMiScaleCompatOutput>(*mqtt));
    mqtt_text = "MQTT " + mqtt_broker_url(session) + " as gateway '" + settings.gateway_id + "'" +
                (settings.mqtt.home_assistant ? " with Home Assistant discovery" : "");
  }
  // The MQTT advert gateways are heard on the same connection (listening before it starts).
  if (mqtt)
    for (const std::string& topic : mqtt_adverts) sources.push_back(std::make_unique<MqttAdvertSource>(*mqtt, topic, log_line));
  std::vector<Output*> outputs;
  for (auto& o : owned) outputs.push_back(o.get());
  Delivery delivery(outbox, &recorder, outputs, settings.gateway_id, log_line);
  if (coordination) delivery.use_claims(coordination.get());

  std::vector<PipelineListener*> listeners{&delivery};
  if (coordination) listeners.push_back(coordination.get());
  Pipeline pipeline(recorder, listeners, static_cast<std::int64_t>(settings.settle_seconds * 1e6));
  pipeline.use_keys(std::move(keys));
  pipeline.use_devices(devices);
  Gateway gateway(loop, pipeline, delivery, coordination.get(), log_line);
  if (stop_timeout) gateway.set_stop_timeout_us(static_cast<std::int64_t>(*stop_timeout * 1e6));
  gateway.set_exit_when_done(finite);
  ConversationContext conversation;
  conversation.user.slot = settings.standard_scale_user;
  conversation.user.consent_code = static_cast<std::uint16_t>(settings.standard_scale_consent);
  conversation.person = person_on_scale_slot(store.config.people, conversation.user.slot);
  gateway.set_conversation_defaults(conversation);
  gateway.use_device_memory(store.database.get());  // a Trisa's pairing password, kept between runs
  // [web]: the page beside the gateway, on its own connection to the database.
  std::unique_ptr<WebService> web;
  if (web_config.configured && web_config.enabled) {
    try {
      web = start_web_service(store.config, db_path, web_config);
    } catch (const CommandError& e) {
      throw CommandError(std::string("[web]: ") + e.what());
    }
    log_line("web page: " + web->server->url());
  }
  std::string source_text;
  for (auto& s : sources) {
    source_text += (source_text.empty() ? "" : ", ") + s->describe();
    gateway.add_source(std::move(s));
  }

  std::atomic<bool> finished{false};
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (finished) return;
    systemd_notify("STOPPING=1");
    if (sig == SIGTERM || sig == SIGINT) gateway.request_stop(sig == SIGTERM ? "SIGTERM" : "SIGINT");
  });
  // Nothing may escape while the signal thread runs (std::terminate): the
  // gateway turns storage errors into a stop itself; anything else ends the run here.
  bool crashed = false;
  try {
    gateway.run([&] {
      log_line("listening: " + source_text + "; database " + db_path + "; " + mqtt_text +
               (settings.jsonl ? "; JSON lines to " + (*settings.jsonl == "-" ? std::string("stdout") : *settings.jsonl) : ""));
      systemd_notify("READY=1");
    });
  } catch (const std::exception& e) {
    log_line(std::string("the gateway failed: ") + e.what());
    crashed = true;
  }
  finished = true;
  // Wake the signal thread if the run ended by itself.
  pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();

  const PipelineCounts& c = pipeline.counts();
  log_line("stopped: " + std::to_string(c.frames) + " frames, " + std::to_string(c.measurements) +
           " new measurements stored");
  return gateway.failed() || crashed ? 1 : 0;
}

}  // namespace

extern const Command kRunCommand = {
    .name = "run",
    .summary = "the gateway: listen, store every measurement, publish to MQTT/Home Assistant/Domoticz",
    .usage = kUsage,
    .run = run_run,
    .usage_more = [] { return device_choice_help() + conversations_help() + simulators_help(); },
};

}  // namespace declouder
