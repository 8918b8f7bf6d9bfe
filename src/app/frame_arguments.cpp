#include "app/frame_arguments.hpp"

namespace declouder {

namespace {

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

}  // namespace

FrameArguments read_frame_arguments(Args& args, const std::string& what) {
  FrameArguments f;
  auto address_text = args.value("--address");
  f.name = args.value("--name").value_or("");
  auto service_data = args.values("--service-data");
  auto manufacturer_data = args.values("--manufacturer-data");
  auto gatt = args.value("--gatt");
  auto bindkey = args.value("--bindkey");

  if (address_text) {
    f.address = MacAddress::parse(*address_text);
    if (!f.address) throw UsageError("--address: '" + *address_text + "' is not a Bluetooth address (AA:BB:CC:DD:EE:FF)");
  }
  if (gatt) {
    if (bindkey) throw UsageError("--bindkey opens encrypted advertisements; it cannot be combined with --gatt");
    if (!service_data.empty() || !manufacturer_data.empty())
      throw UsageError("--gatt " + what + " a characteristic value; it cannot be combined with advertisement data");
    auto [uuid, hex] = split_key_hex("--gatt", *gatt);
    GattValue v;
    v.characteristic = uuid_argument("--gatt", uuid);
    v.value = hex_argument("--gatt", hex);
    v.device_name = f.name;
    v.address = f.address;
    f.gatt = std::move(v);
    return f;
  }
  f.advert.address = f.address;
  f.advert.name = f.name;
  if (bindkey) {
    f.advert.bindkey = parse_bindkey(*bindkey);
    if (!f.advert.bindkey) throw UsageError("--bindkey: '" + *bindkey + "' is not a 16-byte key (32 hex digits)");
  }
  for (const auto& sd : service_data) {
    auto [uuid, hex] = split_key_hex("--service-data", sd);
    f.advert.service_data.emplace_back(uuid_argument("--service-data", uuid), hex_argument("--service-data", hex));
  }
  for (const auto& md : manufacturer_data) {
    auto [id, hex] = split_key_hex("--manufacturer-data", md);
    f.advert.manufacturer_data.emplace_back(company_argument("--manufacturer-data", id),
                                            hex_argument("--manufacturer-data", hex));
  }
  return f;
}

Bytes FrameArguments::raw() const {
  if (gatt) return gatt->value;
  Bytes raw;
  for (const auto& [u, b] : advert.service_data) raw.insert(raw.end(), b.begin(), b.end());
  for (const auto& [c, b] : advert.manufacturer_data) raw.insert(raw.end(), b.begin(), b.end());
  return raw;
}

int FrameArguments::decode(const DeviceRegistry& devices,
                           const std::function<void(const DeviceDescriptor&, const DecodeOutcome&)>& on_outcome) const {
  return gatt ? devices.decode_gatt(*gatt, on_outcome) : devices.decode_advertisement(advert, on_outcome);
}

std::string rejection_text(const DeviceDescriptor& family, const DecodeOutcome& outcome) {
  std::string why = std::string(family.id) + ": " + std::string(status_name(outcome.status));
  if (outcome.detail && *outcome.detail) why += " (" + std::string(outcome.detail) + ")";
  return why;
}

}  // namespace declouder
