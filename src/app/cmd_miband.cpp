// declouder miband ...: the Xiaomi Mi Band 1 / 1A / 1S.
//   user-info    the 20 bytes the band wants on every connection (pure, offline)
// Protocol bytes: wearables/miband_protocol.hpp.
#include <cstdio>

#include "app/cli.hpp"
#include "wearables/miband_protocol.hpp"

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

Example (research notes test vector):
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
  u.sex = *sex_text == "male" ? miband::Sex::male : miband::Sex::female;
  u.age_years = static_cast<std::uint8_t>(age);
  u.height_cm = static_cast<std::uint8_t>(height & 0xFF);
  u.weight_kg = static_cast<std::uint8_t>(weight);
  u.alias = *alias;
  std::printf("%s\n", to_hex(miband::build_user_info(u, *mac, *model)).c_str());
  return 0;
}

const CommandRegistration reg_user_info{{
    .name = "miband user-info",
    .summary = "print the Mi Band's 20-byte user info (with its CRC-8) as hex",
    .usage = kUserInfoUsage,
    .run = run_user_info,
}};

}  // namespace
}  // namespace declouder
