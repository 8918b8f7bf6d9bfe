// A device family: one protocol, one file in src/devices/, one entry in the registry.
//
// Each family file opens with a comment that documents the bytes and where the
// knowledge came from, defines its pure decode functions, and exports one
// `const DeviceFamily k...;` that registry.cpp lists.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/frame.hpp"
#include "core/reading.hpp"

namespace declouder {

enum class LinkMode : std::uint8_t {
  advertisement,  // everything is in the advertisements: listen only
  gatt,           // connect and talk (a conversation)
  serial,         // a cable (BodyBugg)
};
std::string_view link_mode_name(LinkMode m);

struct DeviceFamily {
  std::string_view id;            // stable id used in JSON and the database: "xiaomi-mi-scale-2"
  std::string_view name;          // for people: "Xiaomi Mi Body Composition Scale 2 (XMTZC02HM, XMTZC05HM)"
  std::string_view recognised_by; // for `declouder devices`: "service data 0x181B (13 bytes)"
  std::string_view reports;       // for `declouder devices`: "weight, impedance, scale clock"
  LinkMode link = LinkMode::advertisement;

  // Dispatch keys: the registry indexes families by these, so an advertisement
  // is only offered to the families that can possibly claim it.
  std::span<const std::uint16_t> service_data_uuids;  // 16-bit UUIDs of service data it decodes
  std::span<const std::uint16_t> company_ids;         // manufacturer data company ids it decodes
  std::span<const std::uint16_t> gatt_characteristics;  // 16-bit characteristic UUIDs it decodes

  // Optional: does this advertisement (by name, service UUIDs, manufacturer data
  // shape...) belong to this family? Used by `scan` to say which driver claims a
  // device, and for families whose adverts carry no decodable data (GATT ones).
  bool (*claims)(const Advertisement& adv) = nullptr;

  // Optional: a manufacturer-data company id predicate, for families whose
  // "company id" is really payload (Chipsea/OKOK). Checked after company_ids.
  bool (*claims_company)(std::uint16_t company) = nullptr;

  // Pure decoders. Null when the family has no such frames.
  DecodeOutcome (*decode_advert)(const Advertisement& adv) = nullptr;
  DecodeOutcome (*decode_gatt)(const GattValue& value) = nullptr;
};

}  // namespace declouder
