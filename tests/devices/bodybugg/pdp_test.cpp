// The `retrieve PDP` parser against the public BodyBuggBypass dump and that
// project's own decode of it (shared/fixtures/bodybugg/sample.{log,json}).
#include <gtest/gtest.h>

#include "shared_fixtures.hpp"

#include <nlohmann/json.hpp>

#include "devices/bodybugg/channels.hpp"
#include "devices/bodybugg/pdp.hpp"
#include "devices/bodybugg/simulator.hpp"

using namespace declouder;
using namespace declouder::bodybugg;
using declouder::test::read_shared_text;

TEST(BodyBuggPdp, MatchesTheGoldenDecodeExactly) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/sample.log");
  const std::string log = read_shared_text("fixtures/bodybugg/sample.log");
  ASSERT_EQ(log.size(), 42225u);
  const auto golden = nlohmann::json::parse(read_shared_text("fixtures/bodybugg/sample.json"));
  const PdpDump dump = parse_pdp(log);
  ASSERT_FALSE(dump.error) << dump.error->reason << " at line " << dump.error->line;
  ASSERT_EQ(dump.sessions.size(), golden.size());
  ASSERT_EQ(dump.sessions.size(), 29u);
  std::size_t no_data = 0;
  for (std::size_t i = 0; i < golden.size(); ++i) {
    const auto& g = golden[i];
    const PdpSession& s = dump.sessions[i];
    SCOPED_TRACE(s.channel);
    EXPECT_TRUE(s.complete);
    EXPECT_EQ(s.channel, g["Channel"].get<std::string>());
    EXPECT_EQ(s.epoch, g["Epoch"].get<std::int64_t>());
    EXPECT_EQ(s.divisor, g["Divisor"].get<int>());
    EXPECT_EQ(s.format_version, "0502");
    EXPECT_EQ(s.model, "Firefly2");
    EXPECT_EQ(s.device_address, 0x0e00e3ecu);
    const auto& payload = g["Payload"];
    ASSERT_EQ(s.entry_count(), payload.size());
    if (s.is_timestamps()) {
      // The golden decoder drops the milliseconds; we keep them.
      for (std::size_t k = 0; k < payload.size(); ++k) EXPECT_EQ(s.timestamps_ms[k] / 1000, payload[k].get<std::int64_t>());
    } else if (s.is_diagnostics()) {
      for (std::size_t k = 0; k < payload.size(); ++k) {
        EXPECT_EQ(s.diagnostics[k].unix_seconds, payload[k]["Timestamp"].get<std::int64_t>());
        EXPECT_EQ(s.diagnostics[k].i, payload[k]["I"].get<std::int64_t>());
        EXPECT_EQ(s.diagnostics[k].j, payload[k]["J"].get<std::int64_t>());
      }
    } else {
      EXPECT_EQ(s.sample_bits, 12);
      EXPECT_EQ(s.channel_id, *channel_id(s.channel));
      for (std::size_t k = 0; k < payload.size(); ++k) {
        const int want = payload[k].get<int>();
        if (want == 0xFFF) {
          EXPECT_FALSE(s.samples[k].has_value()) << "sample " << k;  // 0xFFF is "no data"
          ++no_data;
        } else {
          ASSERT_TRUE(s.samples[k].has_value()) << "sample " << k;
          EXPECT_EQ(*s.samples[k], want) << "sample " << k;
        }
      }
    }
  }
  EXPECT_GT(no_data, 0u);
}

TEST(BodyBuggPdp, HeaderFieldsAndSampleTimes) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/sample.log");
  const PdpDump dump = parse_pdp(read_shared_text("fixtures/bodybugg/sample.log"));
  ASSERT_FALSE(dump.sessions.empty());
  const PdpSession& ee = dump.sessions[0];
  EXPECT_EQ(ee.channel, "EE");
  EXPECT_EQ(ee.channel_id, 0x08);
  EXPECT_EQ(ee.declared_count, 485u);
  EXPECT_EQ(ee.tick_rate, 32);
  EXPECT_EQ(ee.sample_time_ms(0), 1353335358000);
  EXPECT_EQ(ee.sample_time_ms(2), 1353335358000 + 120000);  // one sample a minute
  EXPECT_EQ(dump.sessions[27].timestamps_ms[0], 1353341145120);
  EXPECT_EQ(dump.sessions[28].declared_count, 17u);
}

TEST(BodyBuggPdp, RoundTripsThroughTheFormatter) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/sample.log");
  const PdpDump dump = parse_pdp(read_shared_text("fixtures/bodybugg/sample.log"));
  std::string again;
  for (const auto& s : dump.sessions) again += format_pdp_session(s);
  EXPECT_EQ(again, read_shared_text("fixtures/bodybugg/sample.log"));
}

TEST(BodyBuggPdp, TruncatedDumpKeepsWhatCameBeforeAndSaysWhere) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/sample.log");
  std::string log = read_shared_text("fixtures/bodybugg/sample.log");
  const std::size_t cut = 5000;  // inside the 4th session's payload
  const PdpDump dump = parse_pdp(std::string_view(log).substr(0, cut));
  ASSERT_TRUE(dump.error);
  // The last 1-2 digits are a partial sample: the error points at them.
  EXPECT_GE(dump.error->byte_offset, cut - 2);
  EXPECT_LT(dump.error->byte_offset, cut);
  EXPECT_NE(dump.error->reason.find("MOVACCTR"), std::string::npos) << dump.error->reason;
  ASSERT_EQ(dump.sessions.size(), 4u);
  EXPECT_TRUE(dump.sessions[2].complete);
  EXPECT_FALSE(dump.sessions[3].complete);
  EXPECT_EQ(dump.sessions[3].samples.size(), 93u);
}

TEST(BodyBuggPdp, ATimestampBeyondThirtyTwoBitsIsRejectedNotOverflowed) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/sample.log");
  // Found by the wearables fuzzer: nineteen digits of seconds overflowed when
  // turned into milliseconds. The armband's clock is 32-bit Unix seconds.
  std::string log = read_shared_text("fixtures/bodybugg/sample.log");
  const std::string good = "1353341145.120";
  const std::size_t at = log.find(good);
  ASSERT_NE(at, std::string::npos);
  log.replace(at, good.size(), "3333333333333333333");
  const PdpDump dump = parse_pdp(log);
  ASSERT_TRUE(dump.error);
  EXPECT_EQ(dump.error->byte_offset, at);
  EXPECT_NE(dump.error->reason.find("32-bit Unix seconds"), std::string::npos) << dump.error->reason;
  std::size_t headers_before = 0;
  for (std::size_t p = log.find("SESSION-BEGIN"); p < at; p = log.find("SESSION-BEGIN", p + 1)) ++headers_before;
  EXPECT_EQ(dump.sessions.size(), headers_before) << "the sessions before the bad line are kept";
}

TEST(BodyBuggPdp, BadDigitsAndOrphanDataAreRejectedWithAReason) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/sample.log");
  auto d1 = parse_pdp("fff123\r\n");
  ASSERT_TRUE(d1.error);
  EXPECT_EQ(d1.error->line, 1u);
  std::string log = read_shared_text("fixtures/bodybugg/sample.log");
  log[90] = 'x';  // in the EE payload
  auto d2 = parse_pdp(log);
  ASSERT_TRUE(d2.error);
  EXPECT_EQ(d2.error->byte_offset, 90u);
  EXPECT_EQ(d2.error->line, 2u);
  EXPECT_NE(d2.error->reason.find("not a hex digit"), std::string::npos);
}

TEST(BodyBuggPdp, TheSimulatorsBuiltInDayParsesBackComplete) {
  // What `bodybugg simulate` serves without a file: it must be a dump our own parser (and so
  // the download) reads whole, sessions and times included.
  const PdpDump d = parse_pdp(sim::synthetic_pdp_dump(1353312000));
  ASSERT_FALSE(d.error) << d.error->reason;
  ASSERT_EQ(d.sessions.size(), 8u);
  for (const PdpSession& s : d.sessions) {
    EXPECT_TRUE(s.complete) << s.channel;
    EXPECT_EQ(s.epoch, 1353312000) << s.channel;
  }
  EXPECT_EQ(d.sessions[0].channel, "MOVTSKIN");
  EXPECT_EQ(d.sessions[0].samples.size(), 480u);
  EXPECT_EQ(d.sessions[0].sample_time_ms(1) - d.sessions[0].sample_time_ms(0), 60000);
  EXPECT_EQ(d.sessions[6].timestamps_ms.size(), 2u);
  EXPECT_EQ(sim::synthetic_pdp_dump(1353312000), sim::synthetic_pdp_dump(1353312000)) << "deterministic";
}

TEST(BodyBuggChannels, NibblePackingBothWays) {
  auto dec = samples_from_hex_digits("fff0bf232");
  ASSERT_EQ(dec.error_at, std::string_view::npos);
  ASSERT_EQ(dec.samples.size(), 3u);
  EXPECT_FALSE(dec.samples[0]);
  EXPECT_EQ(dec.samples[1], 0x0bf);
  EXPECT_EQ(dec.samples[2], 0x232);
  EXPECT_EQ(to_hex(samples_to_bytes(dec.samples)), "fff0bf232f");
  auto back = samples_from_bytes(samples_to_bytes(dec.samples), 3);
  EXPECT_EQ(back, dec.samples);
  EXPECT_EQ(channel_name(40), "COMPGSR");
  EXPECT_EQ(channel_name(0xF9), "TIMESTMP");
  EXPECT_EQ(channel_id("F0CROSS"), 18);
}
