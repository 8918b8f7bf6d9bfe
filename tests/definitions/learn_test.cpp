// capture learn, proved on devices nobody wrote a driver for and on known ones: captures of
// simulators (written as a phone's btsnoop and PacketLogger logs would hold them) are learned
// back into definitions, and the learned definitions decode new frames, and the families'
// published test vectors, as the original definition or the built-in driver does.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "definitions/descriptor.hpp"
#include "definitions/learn.hpp"
#include "definitions/loader.hpp"
#include "definitions/session_capture.hpp"
#include "link/simulator_link.hpp"
#include "shared_fixtures.hpp"

namespace declouder::definitions {
namespace {

namespace fs = std::filesystem;
using capture::CaptureFormat;

const std::string kData = std::string(DECLOUDER_TESTDATA_DIR) + "/definitions/";
constexpr std::int64_t kMonday = 1'767'596'400;  // 2026-01-05T07:00:00Z

// The captures these tests make, removed when the test program ends.
const fs::path& temp_dir() {
  static const struct Dir {
    fs::path path = fs::temp_directory_path() / ("declouder-learn-test-" + std::to_string(getpid()));
    Dir() { fs::create_directories(path); }
    ~Dir() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } dir;
  return dir.path;
}

std::string temp_path(const std::string& name) { return (temp_dir() / name).string(); }

// A capture of `device` weighing `kg`, as a phone's log in `format` would hold it.
std::string record(const DeviceDescriptor& device, double kg, double ohm, std::int64_t start, CaptureFormat format,
                   const std::string& name) {
  const std::string path = temp_path(name);
  auto writer = capture::CaptureWriter::to_file(path, format);
  SimOptions sim;
  sim.weight_kg = kg;
  sim.impedance_ohm = ohm;
  SessionCaptureOptions options;
  options.unix_start = start;
  record_session(device, sim, options, writer);
  writer.close();
  return path;
}

LearnWeighing weighing(double kg, int decimals, std::optional<double> ohm = std::nullopt) {
  LearnWeighing w;
  w.weight = kg;
  w.decimals = decimals;
  w.impedance = ohm;
  return w;
}

const DeviceDescriptor& builtin_with_simulator(const std::string& name) {
  for (const DeviceDescriptor* d : builtin_devices())
    if (d->simulator && d->simulator->name == name) return *d;
  throw std::runtime_error("no built-in simulator " + name);
}

std::shared_ptr<const Definition> reload(const LearnResult& r) { return parse_definition(r.toml, "learned.toml"); }

TEST(LearnUnknownDevice, AnAskedScaleIsLearnedFromBtsnoopAndPacketLoggerCaptures) {
  auto original = load_definition_file(kData + "unknown-asked.toml");
  auto device = make_descriptor(original);
  LearnInput in;
  in.captures = {record(*device, 81.3, 512, kMonday, CaptureFormat::btsnoop_h4, "ua1.btsnoop"),
                 record(*device, 77.9, 509, kMonday + 86400, CaptureFormat::pklg_le, "ua2.pklg")};
  in.weighings = {weighing(81.3, 1, 512), weighing(77.9, 1, 509)};
  in.id = "learned-ua";
  const LearnResult r = learn_definition(in);
  ASSERT_TRUE(r.verified) << r.toml;
  auto learned = reload(r);
  ASSERT_TRUE(learned->conversation);
  const auto& steps = learned->conversation->steps;
  ASSERT_EQ(steps.size(), 4u) << r.toml;
  EXPECT_EQ(template_text(steps[1].bytes), "a5 01 {time_le32} {sum8}");  // which bytes are the time
  EXPECT_EQ(steps[1].mode, WriteMode::with_response);
  EXPECT_EQ(steps[2].kind, ConversationStep::Kind::wait_reading);
  EXPECT_EQ(template_text(steps[3].bytes), "a5 02");
  ASSERT_TRUE(learned->frame.checksum);
  EXPECT_EQ(learned->frame.checksum->algorithm, ChecksumAlgorithm::xor8);

  // New frames, made by the original definition, decode alike through the learned one.
  for (double kg : {42.7, 99.9, 150.2}) {
    EncodeValues v;
    v.weight_kg = kg;
    v.impedance_ohm = 433;
    for (bool stable : {true, false}) {
      v.stabilized = stable;
      const Bytes frame = encode_frame(original->frame, v);
      const DecodeOutcome a = decode_frame(original->frame, frame, "a"), b = decode_frame(learned->frame, frame, "b");
      ASSERT_TRUE(b.ok()) << to_hex(frame) << ": " << b.detail;
      EXPECT_DOUBLE_EQ(*b.reading.weight_kg, *a.reading.weight_kg);
      EXPECT_EQ(b.reading.stabilized, stable);
      EXPECT_EQ(b.reading.impedance_ohm, a.reading.impedance_ohm);
    }
    Bytes broken = encode_frame(original->frame, v);
    broken[3] ^= 0x01;
    EXPECT_EQ(decode_frame(learned->frame, broken, "b").status, DecodeStatus::bad_checksum);
  }

  // And the learned conversation weighs with the device the captures came from.
  auto learned_device = make_descriptor(learned);
  SimOptions sim;
  sim.weight_kg = 66.6;
  SimulatorLink link(device->simulator->create(sim));
  ConversationContext context;
  context.advert = heard_advertisement(link.device().advert(), link.device().address());
  context.unix_now = link.unix_now();
  ASSERT_TRUE(learned_device->claims(context.advert));
  SessionRunner runner(link);
  const SessionResult s = runner.run(learned_device->conversation->build(context));
  ASSERT_EQ(s.readings.size(), 1u);
  EXPECT_STREQ(s.readings[0].reading.model, "learned-ua");
  EXPECT_DOUBLE_EQ(*s.readings[0].reading.weight_kg, 66.6);
}

TEST(LearnUnknownDevice, ABroadcastingScaleIsLearnedWithItsStableFlagAndChecksum) {
  auto original = load_definition_file(kData + "unknown-broadcast.toml");
  auto device = make_descriptor(original);
  LearnInput in;
  in.captures = {record(*device, 81.3, 0, kMonday, CaptureFormat::btsnoop_hci, "ub1.btsnoop"),
                 record(*device, 77.95, 0, kMonday + 86400, CaptureFormat::pklg_be, "ub2.pklg")};
  in.weighings = {weighing(81.3, 1), weighing(77.95, 2)};
  const LearnResult r = learn_definition(in);
  ASSERT_TRUE(r.verified) << r.toml;
  auto learned = reload(r);
  EXPECT_EQ(learned->frame.source, FrameSource::manufacturer_data);
  EXPECT_EQ(learned->frame.company, 0x0A55);
  ASSERT_TRUE(learned->frame.stabilized);
  EXPECT_EQ(learned->frame.stabilized->offset, 1);
  EXPECT_EQ(learned->frame.stabilized->mask, 0x01);
  ASSERT_TRUE(learned->frame.checksum);
  EXPECT_EQ(learned->frame.checksum->algorithm, ChecksumAlgorithm::crc8_maxim);
  ASSERT_TRUE(learned->frame.time);
  EXPECT_EQ(learned->frame.time->encoding, TimeEncoding::unix32_le);
  for (double kg : {50.05, 123.45}) {
    EncodeValues v;
    v.weight_kg = kg;
    v.unix_now = kMonday + 12345;
    v.stabilized = kg > 100;
    const Bytes frame = encode_frame(original->frame, v);
    const DecodeOutcome b = decode_frame(learned->frame, frame, "b");
    ASSERT_TRUE(b.ok()) << b.detail;
    EXPECT_DOUBLE_EQ(*b.reading.weight_kg, kg);
    EXPECT_EQ(b.reading.stabilized, v.stabilized);
    EXPECT_EQ(unix_from_civil(b.reading.device_time->civil), kMonday + 12345);
  }
}

struct FamilyCase {
  const char* simulator;
  bool impedance;
  const char* vector_hex;    // a published frame of the family (docs/devices.md)
  std::uint16_t uuid;        // its characteristic or service data UUID
  bool advert;
};

class LearnKnownFamily : public ::testing::TestWithParam<FamilyCase> {};

TEST_P(LearnKnownFamily, TheLearnedDefinitionDecodesTheFamilysVectorAsTheBuiltInDriverDoes) {
  const FamilyCase c = GetParam();
  const DeviceDescriptor& device = builtin_with_simulator(c.simulator);
  LearnInput in;
  in.captures = {record(device, 80.5, 480, kMonday, CaptureFormat::btsnoop_h4, std::string(c.simulator) + "1.btsnoop"),
                 record(device, 76.25, 512, kMonday + 86400, CaptureFormat::pklg_le, std::string(c.simulator) + "2.pklg")};
  in.weighings = {weighing(80.5, 2, c.impedance ? std::optional<double>(480) : std::nullopt),
                  weighing(76.25, 2, c.impedance ? std::optional<double>(512) : std::nullopt)};
  const LearnResult r = learn_definition(in);
  ASSERT_TRUE(r.verified) << r.toml;
  DeviceRegistry learned = make_registry({reload(r)}, false);
  const Bytes frame = *parse_hex(c.vector_hex);
  auto decode = [&](const DeviceRegistry& registry, const std::string& only) {
    std::optional<Reading> out;
    auto keep = [&](const DeviceDescriptor& d, const DecodeOutcome& o) {
      if (o.ok() && d.id == only) out = o.reading;
    };
    if (c.advert) {
      Advertisement a;
      a.service_data.emplace_back(Uuid::from16(c.uuid), frame);
      registry.decode_advertisement(a, keep);
    } else {
      GattValue v;
      v.characteristic = Uuid::from16(c.uuid);
      v.value = frame;
      registry.decode_gatt(v, keep);
    }
    return out;
  };
  const auto ours = decode(learned, r.definition->id), theirs = decode(builtin_registry(), device.id);
  ASSERT_TRUE(theirs);
  ASSERT_TRUE(ours) << c.vector_hex << " is not decoded by\n" << r.toml;
  EXPECT_DOUBLE_EQ(*ours->weight_kg, *theirs->weight_kg);
  EXPECT_EQ(ours->impedance_ohm, theirs->impedance_ohm);
  EXPECT_EQ(ours->stabilized, theirs->stabilized);
  if (theirs->device_time && ours->device_time) EXPECT_EQ(iso8601(*ours->device_time), iso8601(*theirs->device_time));
}

INSTANTIATE_TEST_SUITE_P(
    Families, LearnKnownFamily,
    ::testing::Values(
        // lynx.st's Picooc capture: 81.1 kg, 538 ohm, 2024-03-17T19:59:33Z.
        FamilyCase{"picooc-mini", true, "390d65f74ba50656150486fc00", 0xFFF1, false},
        // The Mi Body Composition Scale 2's stabilized frame: 72.45 kg, 503 ohm.
        FamilyCase{"mi-scale-2", true, "0226e607020e10293af7019a38", 0x181B, true},
        // The Robi S9 A3 result from openScale's RobiS9HandlerTest: 77.25 kg.
        FamilyCase{"crenot-gofit-s2", false, "030800a300012dc2000000000000000000000013", 0xFFB3, false}),
    [](const auto& info) {
      std::string n = info.param.simulator;
      for (char& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

TEST(LearnQn, QnScales) {
  for (const DeviceDescriptor* d : builtin_devices())
    if (d->simulator && d->simulator->name.rfind("qn", 0) == 0) {
      const LearnResult r = learn_definition(
          {{record(*d, 80.5, 480, kMonday, CaptureFormat::btsnoop_h4, "qn1.btsnoop"),
            record(*d, 76.25, 512, kMonday + 86400, CaptureFormat::btsnoop_h4, "qn2.btsnoop")},
           {weighing(80.5, 2), weighing(76.25, 2)},
           ""});
      EXPECT_TRUE(r.verified) << r.toml;
      return;
    }
  GTEST_SKIP() << "no QN simulator is built in yet (src/devices/qn.cpp is decode only)";
}

TEST(Learn, SaysWhatOneWeighingCannotDecide) {
  const DeviceDescriptor& device = builtin_with_simulator("picooc-mini");
  const LearnResult r = learn_definition(
      {{record(device, 80.5, 480, kMonday, CaptureFormat::btsnoop_h4, "one.btsnoop")}, {weighing(80.5, 1)}, "one"});
  EXPECT_TRUE(r.verified);
  bool said = false;
  for (const auto& a : r.advice) said = said || a.find("a second, different weight") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(Learn, AValueNoFieldHoldsIsAClearError) {
  const DeviceDescriptor& device = builtin_with_simulator("picooc-mini");
  try {
    learn_definition({{record(device, 80.5, 480, kMonday, CaptureFormat::btsnoop_h4, "wrong.btsnoop")}, {weighing(91.7, 1)}, ""});
    FAIL() << "learned a weight that is in no frame";
  } catch (const LearnError& e) {
    EXPECT_NE(std::string(e.what()).find("no field holds the weight"), std::string::npos);
  }
}

TEST(Learn, ARealCaptureWithoutDiscoverySaysWhatIsMissing) {
  // The Mi Fit app's heart-rate measurement (a public Gadgetbridge issue): the band notifies
  // 06 46 on handle 0x004b, but the capture began after discovery, so nothing names it.
  SKIP_WITHOUT_SHARED("fixtures/captures/miband1s_heartrate_mifit.btsnoop");
  try {
    learn_definition({{test::shared_path("fixtures/captures/miband1s_heartrate_mifit.btsnoop")}, {weighing(70, 0)}, ""});
    FAIL() << "learned from handles nothing names";
  } catch (const LearnError& e) {
    EXPECT_NE(std::string(e.what()).find("handle 0x004b"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no GATT discovery"), std::string::npos) << e.what();
  }
  // Naming the handle (--map) finds the value, but nothing in the capture says whose it is.
  LearnInput in{{test::shared_path("fixtures/captures/miband1s_heartrate_mifit.btsnoop")}, {weighing(70, 0)}, ""};
  in.assumed_uuids = {{0x004b, Uuid::from16(0x2a37)}};
  try {
    learn_definition(in);
    FAIL() << "learned a device it cannot recognise";
  } catch (const LearnError& e) {
    EXPECT_NE(std::string(e.what()).find("neither a name nor a service"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace declouder::definitions
