// declouder read: connects to a device that must be talked to (Picooc Mini, ICOMON, Mi scale
// history, SIG standard scales), runs its conversation and prints the readings.
#include <cstdio>
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "app/device_choice.hpp"
#include "app/config.hpp"
#include "app/device_lists.hpp"
#include "app/store_session.hpp"
#include "devices/registry.hpp"
#include "outputs/reading_json.hpp"
#include "radio/bluez_client.hpp"
#include "store/device_memory_store.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder read --address MAC [--json] [--adapter NAME] [--timeout S]
                      [--wait S] [--person NAME] [--config FILE] [--database FILE]
                      [--user-id N] [--user-index N] [--consent CODE]

Finds the device (scanning until it is seen), connects, runs the conversation its
protocol needs, and prints each reading it gives. No reading is stored; only what a
scale needs kept between connections is (a Trisa's pairing password), in the database.

  --address MAC     the device, AA:BB:CC:DD:EE:FF (declouder scan shows it)
  --json            one JSON object per reading, with the keys of `declouder decode --json`
                    (model, address, weight_kg, impedance_ohm, stabilized, device_time, unit...)
  --adapter NAME    the adapter to use, by name (hci1) or address; default the first
  --timeout S       how long to look for the device and to connect (default 20)
  --wait S          how long to wait for the person (to step on the scale; default 60)
  --person NAME     who is weighing: a [[person]] of the config file, whose sex, birth
                    date, height and user slot the conversation gives the scales that
                    need them (default: the only person of the config, when there is one)
  --config FILE     the config file to read people from (default ~/.config/declouder/config.toml)
  --database FILE   where what a scale needs between connections is kept (its pairing
                    password; default: [database] path in the config, else
                    ~/.local/share/declouder/declouder.db); opened only for such scales
  --user-id N       Mi scale history: the 16-bit user id to download for (default 17475)
  --user-index N    SIG standard scales: the user slot on the scale (default: the
                    person's user_slot, else 1)
  --consent CODE    SIG standard scales: that slot's consent code (default 0)

Exit status: 0 when a reading was printed; 1 when the device could not be read (the
reason on stderr); 2 for a mistake on the command line.)";


void print_text(const Reading& r) {
  std::cout << r.model;
  if (r.address) std::cout << ' ' << r.address->str();
  if (r.weight_kg) std::cout << "  weight " << round_to(*r.weight_kg, 3) << " kg";
  if (r.impedance_ohm) std::cout << "  impedance " << round_to(*r.impedance_ohm, 1) << " ohm";
  if (r.heart_rate_bpm) std::cout << "  heart rate " << *r.heart_rate_bpm << " bpm";
  if (r.user_slot) std::cout << "  user " << *r.user_slot;
  if (r.battery_percent) std::cout << "  battery " << *r.battery_percent << " %";
  if (r.device_time) std::cout << "  device time " << iso8601(*r.device_time);
  std::cout << '\n';
}

int run_read(Args& args) {
  const bool json = args.flag("--json");
  auto address_text = args.value("--address");
  const std::string adapter_name = args.value("--adapter").value_or("");
  const double timeout = args.number("--timeout").value_or(20);
  const double wait = args.number("--wait").value_or(60);
  const long long user_id = args.integer("--user-id").value_or(0x4443);
  const auto user_index_option = args.integer("--user-index");
  const long long consent = args.integer("--consent").value_or(0);
  const auto person_name = args.value("--person");
  const auto config_path = args.value("--config");
  const auto database_option = args.value("--database");
  const DeviceRegistry devices = device_registry(device_choice_option(args));
  args.finish();
  if (!address_text) throw UsageError("--address is required (declouder scan shows the devices in range)");
  auto address = MacAddress::parse(*address_text);
  if (!address) throw UsageError("--address: '" + *address_text + "' is not a Bluetooth address (AA:BB:CC:DD:EE:FF)");
  if (timeout <= 0) throw UsageError("--timeout: expected a positive number of seconds");
  if (wait <= 0) throw UsageError("--wait: expected a positive number of seconds");
  if (user_id < 0 || user_id > 0xFFFF) throw UsageError("--user-id: expected 0-65535");
  if (user_index_option && (*user_index_option < 0 || *user_index_option > 255))
    throw UsageError("--user-index: expected 0-255");
  if (consent < 0 || consent > 9999) throw UsageError("--consent: expected 0-9999");

  std::optional<Person> person;
  try {
    person = person_for_conversation(load_command_config(config_path), person_name);
  } catch (const ConfigError& e) {
    throw CommandError(e.what());
  }
  const long long user_index = user_index_option.value_or(person && person->scale_user ? *person->scale_user : 1);

  const auto t = std::chrono::milliseconds(static_cast<long long>(timeout * 1000));
  std::size_t printed = 0;
  std::shared_ptr<DeviceMemory> memory;
  auto keep_memory = [&](StoreSession& store) {
    if (!memory || !store.database) return;
    try {
      save_device_memory(*store.database, *address, *memory);
    } catch (const DatabaseError& e) {
      std::fprintf(stderr, "declouder read: %s: what the scale sent to keep is lost\n", e.what());
    }
  };
  try {
    BluezClient client;
    AdapterInfo adapter = client.adapter(adapter_name);
    BluezDevice device(client, adapter, *address);
    device.find(t);
    Advertisement adv = device.advertisement();
    const DeviceDescriptor* driver = devices.conversation_for(adv);
    if (!driver)
      throw CommandError("device " + address->str() + (adv.name.empty() ? "" : " (" + adv.name + ")") +
                         " has no conversation: declouder scan shows whether it is supported (advert-only "
                         "devices need no connection)");
    // A scale that needs something kept between connections (a pairing password): from the
    // database, and back into it whatever happens to the conversation.
    StoreSession store;
    if (driver->conversation->remembers) {
      store = open_store(config_path, database_option);
      try {
        memory = load_device_memory(*store.database, *address);
      } catch (const DatabaseError& e) {
        throw CommandError(e.what());
      }
    }
    ConversationContext context;
    context.memory = memory;
    context.advert = adv;
    context.unix_now = static_cast<std::int64_t>(std::time(nullptr));
    context.person = person;
    context.user.app_user_id = static_cast<std::uint16_t>(user_id);
    context.user.slot = static_cast<int>(user_index);
    context.user.consent_code = static_cast<std::uint16_t>(consent);
    Conversation conversation = driver->conversation->build(context);

    SessionOptions options;
    options.connect_timeout = t;
    options.gate_timeout_scale = wait / 60.0;
    options.tell = [](const std::string& line) { std::fprintf(stderr, "declouder read: %s\n", line.c_str()); };
    FrameHandlers handlers;
    handlers.on_reading = [&](const Reading& reading, const Bytes&, std::int64_t) {
      Reading r = reading;
      if (!r.address) r.address = address;
      if (json)
        std::cout << reading_to_json(r).dump() << std::endl;
      else
        print_text(r);
      ++printed;
    };
    BusLoop::install_stop_signals();
    SessionRunner runner(device, options);
    try {
      runner.run(conversation, handlers);
    } catch (...) {
      keep_memory(store);
      throw;
    }
    keep_memory(store);
  } catch (const BleError& e) {
    throw CommandError(e.what());
  } catch (const SessionError& e) {
    throw CommandError(e.what());
  } catch (const LinkLost& e) {
    throw CommandError(e.what());
  }
  if (printed == 0) throw CommandError("the device answered but gave no reading (none is new for this user?)");
  return 0;
}

}  // namespace

extern const Command kReadCommand = {
    .name = "read",
    .summary = "connect to a scale that needs a conversation and print its reading",
    .usage = kUsage,
    .run = run_read,
    .usage_more = [] { return device_choice_help() + conversations_help(); },
};

}  // namespace declouder
