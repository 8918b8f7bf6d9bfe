// ICOMON 0xFFB0 20-byte frames (Crenot Gofit S2, seed 001; Robi S9 captures from
// openScale RobiS9HandlerTest) and the legacy MGB 8-byte stream (openScale
// MGBHandlerStreamingTest). Synthetic frames are marked; their checksums were
// computed by hand from the rule sum(bytes 3..18) & 0x1F.
#include "device_test_util.hpp"
#include "devices/icomon/protocol.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome ffb2(std::string_view h, std::string name = "Crenot Gofit S2") { return gatt("icomon-ffb0", 0xFFB2, h, name); }
DecodeOutcome ffb3(std::string_view h, std::string name = "Crenot Gofit S2") { return gatt("icomon-ffb0", 0xFFB3, h, name); }
}  // namespace

TEST(Icomon, RobiS9FinalFrame) {
  auto o = ffb3("030800a300012dc2000000000000000000000013");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 77.25);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.impedance_ohm);  // zeros: no BIA in this frame
  EXPECT_FALSE(o.reading.heart_rate_bpm);
}

TEST(Icomon, RobiS9LiveFrameIsNotStable) {
  auto o = ffb2("1d0700a20400012c000000000000000000000013");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 76.8);
  EXPECT_FALSE(o.reading.stabilized);  // state 04 is not the Crenot's "stable"
}

TEST(Icomon, CrenotStableLiveFrame) {
  auto o = ffb2("060700a20200011b020000000000000000000002");  // synthetic: state 02, 72450 g
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(ffb2("070700a20100010a00000000000000000000000e").reading.stabilized);  // state 01: measuring
}

// The weight is ICOMON's packed word: grams in 18 bits, the display precision above them. A
// frame whose top byte carries the precision (0x69, the Runstar R5's in openScale
// RunstarR5Handler.kt, which subtracts 0x680000) is 81.1 kg, not 6896.84 kg.
TEST(Icomon, TheWeightIsTheLow18BitsOfThePackedWord) {
  auto o = ffb2("000700a20200693ccc0000000000000000000015", "Runstar R6");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(*o.reading.weight_kg, 81.1, 1e-9);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(Icomon, FinalWithHeartRateAndImpedance) {
  auto o = ffb3("050800a300011b024801f400000000000000001e");  // synthetic: 72.45 kg, 72 bpm, 500 ohm
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_EQ(o.reading.heart_rate_bpm, 72);
  EXPECT_EQ(o.reading.impedance_ohm, 500.0);
}

TEST(Icomon, HistoryEntryCarriesUnixTime) {
  auto o = ffb3("080900a465f74ba500011b02000000000000000e");  // synthetic
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2024-03-17T19:59:33Z");
}

TEST(Icomon, Rejects) {
  EXPECT_EQ(ffb3("030800a300012dc2000000000000000000000014").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(ffb3("0308ffa300012dc2000000000000000000000013").status, DecodeStatus::not_this_device);  // byte 2
  EXPECT_EQ(ffb3("030800a300012dc200000000").status, DecodeStatus::wrong_length);
  EXPECT_EQ(ffb3("000300b000000000000000000000000000000010").status, DecodeStatus::unsupported_frame);  // B0 hello
  EXPECT_EQ(ffb2("000300a100000000000000000000000000000001").status, DecodeStatus::unsupported_frame);  // device info
  EXPECT_EQ(ffb2("070700a20200000000000000000000000000000004").status, DecodeStatus::wrong_length);
}

TEST(Icomon, Builders) {
  // The Robi S9 hello is exactly a B0 frame acknowledging sequence 0.
  EXPECT_EQ(icomon::build_ack(0, 0), hex("000300b000000000000000000000000000000010"));
  EXPECT_EQ(icomon::build_ack(9, 8), hex("090300b008000000000000000000000000000018"));
  const std::uint8_t payload[] = {0x00, 0x01, 0x2d, 0xc2};
  auto frame = icomon::build_frame(3, icomon::kTypeResult, payload);
  EXPECT_EQ(frame.size(), 20u);
  EXPECT_EQ(icomon::decode_frame(frame).reading.weight_kg, 77.25);
}

TEST(Mgb, StreamingVector) {
  auto o = gatt("mgb", 0xFFB2, "AC 02 26 B6 00 00 CA A6", "Swan");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 99.10);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(Mgb, LiveAndImpedance) {
  auto live = icomon::decode_mgb_stream(hex("ac021c4d0000ce37"));
  ASSERT_TRUE(live.ok());
  EXPECT_DOUBLE_EQ(*live.reading.weight_kg, 72.45);
  EXPECT_FALSE(live.reading.stabilized);
  auto imp = icomon::decode_mgb_stream(hex("ac02fd0101f4cbbe"));
  ASSERT_TRUE(imp.ok());
  EXPECT_EQ(imp.reading.impedance_ohm, 500.0);
  EXPECT_FALSE(imp.reading.weight_kg);
}

TEST(Mgb, Rejects) {
  EXPECT_EQ(icomon::decode_mgb_stream(hex("AC 02 26 B6 00 00 CA A7")).status, DecodeStatus::bad_checksum);
  EXPECT_EQ(icomon::decode_mgb_stream(hex("AC 02 26 B6 00 00 CA")).status, DecodeStatus::wrong_length);
  EXPECT_EQ(icomon::decode_mgb_stream(hex("AD 02 26 B6 00 00 CA A6")).status, DecodeStatus::not_this_device);
  EXPECT_EQ(icomon::decode_mgb_stream(hex("AC 02 26 B6 00 00 CC A8")).status, DecodeStatus::unsupported_frame);
}

TEST(Icomon, FramesOfTheOtherProtocolOnFfb2AreToldApart) {
  // Nameless: both FFB0 families are tried; each decodes only its own frames.
  int readings = 0;
  GattValue v;
  v.characteristic = Uuid::from16(0xFFB2);
  v.value = hex("AC 02 26 B6 00 00 CA A6");
  builtin_registry().decode_gatt(v, [&](const DeviceDescriptor& f, const DecodeOutcome& o) {
    if (o.ok()) {
      ++readings;
      EXPECT_EQ(f.id, "mgb");
    }
  });
  EXPECT_EQ(readings, 1);
}

TEST(Icomon, ResultFlagByteIsNotAStatus) {
  // Byte 4 of the A3 result is a flag neither openScale nor ble-scale-sync checks; Fitdays
  // units send other values than 00 there, and the result is still the weighing.
  auto o = ffb3("030800a301012dc2000000000000000000000014");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 77.25);
}

TEST(Mgb, LefuUnitsSendTenths) {
  // Hutbit (Lefu stock, also sold as SWAN): AC 02 03 49 00 00 CA 16 is 84.1 kg, stable
  // (ble-scale-sync hutbit.ts, two known-weight HCI snoops).
  for (const char* name : {"Hutbit Scale", "SWAN", ""}) {
    auto o = gatt("mgb", 0xFFB2, "ac0203490000ca16", name);
    ASSERT_TRUE(o.ok()) << name << ": " << o.detail;
    EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 84.1);
    EXPECT_TRUE(o.reading.stabilized);
  }
  // In the display unit the app set: 185.4 lb.
  auto lb = icomon::decode_mgb_stream(hex("ac02073e0000ca0f"), WeightUnit::lb);
  ASSERT_TRUE(lb.ok()) << lb.detail;
  EXPECT_EQ(lb.reading.unit, WeightUnit::lb);
  EXPECT_NEAR(*lb.reading.weight_kg, 185.4 * 0.45359237, 1e-9);
  // The impedance block's markers are not values: FD 00 opens it, FD FF is "no contact".
  EXPECT_FALSE(icomon::decode_mgb_stream(hex("AC 02 FD 00 00 00 CB C8")).ok());
  EXPECT_FALSE(icomon::decode_mgb_stream(hex("AC 02 FD FF 00 00 CB C7")).ok());
  // The app's commands: the captured Hutbit handshake (FB: female, 31 y, 165 cm).
  EXPECT_EQ(icomon::build_mgb_command(0xFB, 0x02, 0x1F, 0xA5), hex("ac02fb021fa5cc8d"));
  EXPECT_EQ(icomon::build_mgb_command(0xFE, 0x06, icomon::mgb_unit_code(WeightUnit::kg), 0), hex("ac02fe060000ccd0"));
}
