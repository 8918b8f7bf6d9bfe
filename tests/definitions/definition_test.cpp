// Definition files: the format's checks (FILE:LINE errors), decoding and encoding frames,
// checksums against their catalogue check values, and a defined device held to the same
// truths as a built-in one (tests/devices/descriptors_test.cpp): its conversation gets a
// reading from its derived simulator, its simulator is heard as it, its readings fill only
// what it reports.
#include <gtest/gtest.h>

#include "definitions/descriptor.hpp"
#include "definitions/loader.hpp"
#include "link/simulator_link.hpp"

namespace declouder::definitions {
namespace {

const std::string kData = std::string(DECLOUDER_TESTDATA_DIR) + "/definitions/";

std::string error_of(const std::string& text) {
  try {
    parse_definition(text, "x.toml");
  } catch (const DefinitionError& e) {
    return e.what();
  }
  return "";
}

constexpr const char* kMinimal = R"([device]
id = "t"
[frame]
characteristic = "fff1"
length = 4
[frame.weight]
offset = 0
type = "u16le"
scale = 0.01
)";

TEST(DefinitionFormat, MistakesNameTheFileAndLine) {
  EXPECT_EQ(error_of(std::string(kMinimal) + "bogus = 1\n"),
            "x.toml:10: unknown key 'bogus' in frame.weight (known: offset, type, width, byte_order, signed, shift, bits, "
            "scale, invalid, unit)");
  EXPECT_EQ(error_of("[device]\nid = \"t\"\n[frame]\ncharacteristic = \"fff1\"\nlength = 4\n[frame.weight]\noffset = 3\ntype = \"u16le\"\n"),
            "x.toml:6: frame.weight (2 bytes at offset 3) lies outside the frame's 4 bytes");
  EXPECT_NE(error_of("[device]\nid = \"T T\"\n").find("x.toml:2: device.id 'T T'"), std::string::npos);
  EXPECT_NE(error_of("[device\n").find("x.toml:1:"), std::string::npos);  // TOML syntax
  EXPECT_NE(error_of(std::string(kMinimal) + "[conversation]\nsteps = [{ wait = \"reading\" }]\n").find("x.toml:10:"),
            std::string::npos);  // a conversation needs a name or service to be recognised
  const std::string no_subscribe = std::string(kMinimal) +
                                   "[match]\nnames = [\"T*\"]\n[conversation]\nsteps = [\n  { write = \"01 {nope}\", to = \"fff2\" },\n]\n";
  EXPECT_EQ(error_of(no_subscribe),
            "x.toml:14: write: unknown placeholder {nope} (known: time_be32, time_le32, height_cm, age, sex, user_slot, sum8, xor8)");
  EXPECT_NE(error_of(std::string(kMinimal) + "[match]\nnames = [\"T*\"]\n[conversation]\nsteps = [{ wait = \"reading\" }]\n")
                .find("no step before it subscribes"),
            std::string::npos);
}

TEST(DefinitionFormat, WrittenDefinitionsReadBackTheSame) {
  auto def = load_definition_file(kData + "acme-gatt.toml");
  const std::string text = definition_toml(*def);
  auto again = parse_definition(text, "again.toml");
  EXPECT_EQ(definition_toml(*again), text);
  ASSERT_TRUE(again->conversation);
  EXPECT_EQ(template_text(again->conversation->steps[1].bytes), "f1 09 3a {time_be32} a5 00");
}

TEST(Checksums, CatalogueCheckValues) {
  const std::string check = "123456789";
  ByteView b(reinterpret_cast<const std::uint8_t*>(check.data()), check.size());
  EXPECT_EQ(compute_checksum(ChecksumAlgorithm::crc8, b), 0xF4u);
  EXPECT_EQ(compute_checksum(ChecksumAlgorithm::crc8_maxim, b), 0xA1u);
  EXPECT_EQ(compute_checksum(ChecksumAlgorithm::crc16_modbus, b), 0x4B37u);
  EXPECT_EQ(compute_checksum(ChecksumAlgorithm::crc16_ccitt_false, b), 0x29B1u);
  EXPECT_EQ(compute_checksum(ChecksumAlgorithm::crc16_xmodem, b), 0x31C3u);
  EXPECT_EQ(compute_checksum(ChecksumAlgorithm::crc16_kermit, b), 0x2189u);
  EXPECT_EQ(compute_checksum(ChecksumAlgorithm::sum8, b), 0xDDu);
  EXPECT_EQ(compute_checksum(ChecksumAlgorithm::xor8, b), 0x31u);
}

TEST(DefinitionDecode, TheMiScale2FrameAsADefinitionDecodesLikeTheDriver) {
  auto def = load_definition_file(kData + "acme-advert.toml");
  // docs/devices.md's Mi Scale 2 vector: 72.45 kg, 503 ohm, stabilized, 2022-02-14 16:41:58.
  DecodeOutcome o = decode_frame(def->frame, *parse_hex("0226e607020e10293af7019a38"), "acme-advert");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
  EXPECT_DOUBLE_EQ(*o.reading.impedance_ohm, 503);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2022-02-14T16:41:58");
  // Settling: not stabilized; no impedance flag: no impedance.
  DecodeOutcome s = decode_frame(def->frame, *parse_hex("0204e607020e10293af7019a38"), "acme-advert");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s.reading.stabilized);
  EXPECT_FALSE(s.reading.impedance_ohm);
  EXPECT_EQ(decode_frame(def->frame, *parse_hex("0226e607"), "x").status, DecodeStatus::wrong_length);
}

TEST(DefinitionDecode, ChecksumsBitFieldsAndPlaceholders) {
  auto def = parse_definition(R"([device]
id = "bits"
[frame]
company_id = 0x1234
length = 5
constants = [{ offset = 0, hex = "a5" }]
checksum = { algorithm = "xor8", from = 0, to = 3, at = 4 }
[frame.weight]
offset = 1
type = "u16be"
shift = 0
bits = 14
scale = 0.1
invalid = [0x3FFF]
[frame.flags]
stabilized = { offset = 1, mask = 0x80, value = 0x00 }
unit_lb = { offset = 1, mask = 0x40 }
)", "bits.toml");
  Bytes f{0xA5, 0x03, 0x2A, 0x00};  // 0x032A = 810 -> 81.0 kg, bit 7 clear = stable
  f.push_back(xor8(f));
  DecodeOutcome o = decode_frame(def->frame, f, "bits");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 81.0);
  EXPECT_TRUE(o.reading.stabilized);
  f[1] |= 0x40;  // pounds
  f[4] = xor8(ByteView(f).first(4));
  o = decode_frame(def->frame, f, "bits");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reading.unit, WeightUnit::lb);
  EXPECT_NEAR(*o.reading.weight_kg, 81.0 * 0.45359237, 1e-9);
  f[4] ^= 1;
  EXPECT_EQ(decode_frame(def->frame, f, "bits").status, DecodeStatus::bad_checksum);
  Bytes placeholder{0xA5, 0x3F, 0xFF, 0x00};
  placeholder.push_back(xor8(placeholder));
  EXPECT_EQ(decode_frame(def->frame, placeholder, "bits").status, DecodeStatus::invalid_value);
  // encode_frame is decode_frame backwards.
  EncodeValues v;
  v.weight_kg = 64.2;
  DecodeOutcome back = decode_frame(def->frame, encode_frame(def->frame, v), "bits");
  ASSERT_TRUE(back.ok()) << back.detail;
  EXPECT_DOUBLE_EQ(*back.reading.weight_kg, 64.2);
  EXPECT_TRUE(back.reading.stabilized);
}

TEST(DefinitionDevice, ItsConversationGetsAReadingFromItsSimulator) {
  DeviceRegistry registry = make_registry({load_definition_file(kData + "acme-gatt.toml")}, true);
  const DeviceDescriptor* d = registry.find("acme-gatt");
  ASSERT_NE(d, nullptr);
  SimOptions o;
  o.weight_kg = 77.7;
  SimulatorLink link(d->simulator->create(o));
  const Advertisement advert = heard_advertisement(link.device().advert(), link.device().address());
  ASSERT_EQ(registry.conversation_for(advert), d);
  ConversationContext context;
  context.advert = advert;
  context.unix_now = link.unix_now();
  SessionRunner runner(link);
  const SessionResult r = runner.run(d->conversation->build(context));
  ASSERT_EQ(r.readings.size(), 1u);
  EXPECT_STREQ(r.readings[0].reading.model, "acme-gatt");
  EXPECT_DOUBLE_EQ(*r.readings[0].reading.weight_kg, 77.7);
  ASSERT_EQ(link.writes().size(), 2u);  // the request with the time, then the acknowledgement
  EXPECT_EQ(to_hex(link.writes()[0].value).substr(0, 6), "f1093a");
  EXPECT_EQ(be32(&link.writes()[0].value[3]), static_cast<std::uint32_t>(context.unix_now));
  EXPECT_EQ(to_hex(link.writes()[1].value), "f10339");
  for (const auto& key : {"weight_kg", "device_time"})
    EXPECT_NE(std::find(d->reports.begin(), d->reports.end(), key), d->reports.end());
}

TEST(DefinitionDevice, ItsBroadcastingSimulatorIsHeardAsItAlone) {
  DeviceRegistry registry = make_registry({load_definition_file(kData + "acme-advert.toml")}, false);
  const DeviceDescriptor* d = registry.find("acme-advert");
  SimOptions o;
  o.weight_kg = 81.3;
  o.impedance_ohm = 512;
  SimulatorLink link(d->simulator->create(o));
  link.advance(std::chrono::seconds(3));
  int stable = 0, settling = 0;
  for (const auto& sent : link.adverts()) {
    registry.decode_advertisement(heard_advertisement(sent.data, link.device().address()),
                                  [&](const DeviceDescriptor& by, const DecodeOutcome& out) {
                                    EXPECT_EQ(&by, d);
                                    if (!out.ok()) return;
                                    if (out.reading.stabilized) {
                                      ++stable;
                                      EXPECT_DOUBLE_EQ(*out.reading.weight_kg, 81.3);
                                      EXPECT_DOUBLE_EQ(*out.reading.impedance_ohm, 512);
                                    } else {
                                      ++settling;
                                    }
                                  });
  }
  EXPECT_GE(stable, 1);
  EXPECT_EQ(settling, 3);
  EXPECT_EQ(registry.claimants(heard_advertisement(link.device().advert(), link.device().address())).size(), 1u);
}

TEST(DefinitionLoading, IdsMustNotClashAndFilesMustExist) {
  DeviceChoice c;
  c.standard_dirs = false;
  c.paths = {kData + "acme-gatt.toml", kData};  // the file twice: loaded once
  const auto defs = load_definitions(c);
  ASSERT_EQ(defs.size(), 4u);  // the folder's four definitions
  EXPECT_EQ(defs[0]->id, "acme-gatt");
  c.builtin = true;
  c.paths = {kData + "acme-gatt.toml", kData + "acme-gatt.toml"};
  EXPECT_EQ(load_definitions(c).size(), 1u);
  c.paths = {kData + "missing.toml"};
  EXPECT_THROW(load_definitions(c), DefinitionError);
}

TEST(Glob, CaseInsensitiveStarsAndQuestionMarks) {
  EXPECT_TRUE(glob_match("PICOOC-*", "picooc-cq"));
  EXPECT_TRUE(glob_match("a?c", "ABC"));
  EXPECT_FALSE(glob_match("a?c", "ac"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("MIBFS", "MIBFS2"));
}

}  // namespace
}  // namespace declouder::definitions
