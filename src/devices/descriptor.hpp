// A device declouder knows, as one value: who it is, how it is recognised, its pure decoders,
// the conversation that asks it for a reading (when it must be asked), the simulator that plays
// it (when there is one), and what it reports.
//
// Each device lives in one place: a folder src/devices/<device>/ (protocol.hpp/.cpp with the
// decoders, conversation.cpp, simulator.cpp, descriptor.cpp), or one file where the device is
// only a decoder. Its descriptor is listed once, in src/devices/registry.cpp; that list feeds
// the dispatch index, `declouder devices`, the help of `read`, `run` and `simulate`, and the
// fuzz dictionary. docs/adding-a-device.md walks through adding one.
//
// Decoders never throw and never do I/O. The members are std::function so that a device
// described by a definition file can become a descriptor like any built-in one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/frame.hpp"
#include "core/person.hpp"
#include "core/reading.hpp"
#include "devices/device_memory.hpp"
#include "link/session.hpp"
#include "link/simulated_device.hpp"

namespace declouder {

enum class LinkMode : std::uint8_t {
  advertisement,  // everything is in the advertisements: listen only
  gatt,           // connect and talk (a conversation), or at least decode its characteristics
  serial,         // a cable (BodyBugg)
};
std::string_view link_mode_name(LinkMode m);  // "advertisement", "gatt", "serial"

// How a scale knows the person on the other side of a conversation.
struct ScaleUser {
  int slot = 1;                        // the scale's user number (SIG User Data Service user index)
  std::uint16_t consent_code = 0;      // the code that slot was registered with (SIG)
  std::uint16_t app_user_id = 0x4443;  // the vendor app's user id (Mi scale history: "DC")
};

// What a conversation starts from.
struct ConversationContext {
  Advertisement advert;          // what the device advertised (name, address, data)
  std::int64_t unix_now = 0;     // for requests that carry the time
  std::optional<Person> person;  // who is weighing, when known: sex, birth date, height, unit
  ScaleUser user;                // their slot and codes on the scale
  // What is kept for this device between connections (DeviceConversation::remembers); null
  // where nothing is kept (a test, `run --simulate` without a database): the conversation
  // then starts from an empty memory of its own.
  std::shared_ptr<DeviceMemory> memory;
};

struct DeviceConversation {
  std::string summary;  // for `declouder read --help` and logs
  std::function<Conversation(const ConversationContext&)> build;
  // `declouder run` starts it by itself each time the device wakes. False for conversations
  // only a person asks for with `declouder read`.
  bool unattended = true;
  // The scale cannot weigh without the person's data (height, age, sex) written to it.
  bool needs_person = false;
  // The conversation keeps values in ConversationContext::memory that a later connection
  // needs (a pairing password): `read` and `run` load and store them in the database.
  bool remembers = false;
};

struct DeviceSimulator {
  std::string name;     // what `declouder simulate` and `run --simulate` take: "mi-scale-2"
  std::string summary;  // one line for `declouder simulate --list`
  std::function<std::unique_ptr<SimulatedDevice>(const SimOptions&)> create;
};

// DeviceDescriptor::manufacturer of a protocol many makers share (the SIG standard scale,
// the QN modules in a dozen brands): no one maker to name.
inline constexpr const char* kVariousMakers = "various";

struct DeviceDescriptor {
  std::string id;             // stable, in JSON and the database: "xiaomi-mi-scale-2"
  std::string name;           // for people: "Xiaomi Mi Body Composition Scale 2 (XMTZC05HM)"
  // Who makes it, as Home Assistant's device page and `declouder devices --json` show it:
  // "Xiaomi", or the brands that sell the same scale ("Beurer, Sanitas"); kVariousMakers
  // for a shared protocol; empty (a definition file without the key): the first word of
  // `name`. Read it through manufacturer_of().
  std::string manufacturer;
  std::vector<std::string> names;  // names it advertises, exact or as a prefix (claims() decides)
  std::string recognised_by;       // for `declouder devices`: "service data 0x181B (13 bytes)"
  std::vector<std::string> reports;  // what its readings hold: "weight", "impedance", ...
  LinkMode link = LinkMode::advertisement;

  // Dispatch keys: an advertisement or a value is only offered to the devices that list
  // its service-data UUID, company id or characteristic.
  std::vector<std::uint16_t> service_data_uuids;    // 16-bit UUIDs of service data it decodes
  std::vector<std::uint16_t> company_ids;           // manufacturer-data company ids it decodes
  std::vector<std::uint16_t> gatt_characteristics;  // 16-bit characteristic UUIDs it decodes
  std::vector<Uuid> gatt_uuids;                     // 128-bit (vendor) characteristic UUIDs it decodes

  // Does this advertisement (by name, service UUIDs, data shape) come from this device?
  // Says which driver claims a device in `scan`, chooses the conversation, and offers
  // advertisements without a dispatch key to the device's advert decoder.
  std::function<bool(const Advertisement&)> claims;
  // For devices whose "company id" is really payload (Chipsea/OKOK). Checked after company_ids.
  std::function<bool(std::uint16_t company)> claims_company;
  // For devices that share a dispatch key with others (Xiaomi's 0xFE95 MiBeacon: every product
  // of theirs): a cheap look at the advert (the product id) before decode_advert is called.
  // False: the advert is not offered to this device at all (no outcome is reported for it).
  std::function<bool(const Advertisement&)> prefilter;

  // Pure decoders; empty when the device has no such frames.
  std::function<DecodeOutcome(const Advertisement&)> decode_advert;
  std::function<DecodeOutcome(const GattValue&)> decode_gatt;

  std::optional<DeviceConversation> conversation;  // when `read` and `run` can talk to it
  std::optional<DeviceSimulator> simulator;        // when `declouder simulate` can play it
  // The declouder subcommand that talks to it when `read` and `run` do not ("miband",
  // "bodybugg"): its link needs a person at hand (tap to pair) or a cable.
  std::string own_command;

  bool listens() const { return static_cast<bool>(decode_advert); }
  bool converses() const { return conversation.has_value(); }
};

// The maker to show: `manufacturer`, else the first word of `name` (up to a space or '/':
// "ICOMON/Lefu ..." -> "ICOMON"); empty for kVariousMakers.
inline std::string manufacturer_of(const DeviceDescriptor& d) {
  if (d.manufacturer == kVariousMakers) return {};
  if (!d.manufacturer.empty()) return d.manufacturer;
  return d.name.substr(0, d.name.find_first_of(" /"));
}

}  // namespace declouder
