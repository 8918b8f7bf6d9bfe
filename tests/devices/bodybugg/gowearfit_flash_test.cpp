// The binary memory download of a GoWearFit armband (RawBodyBugg's capture),
// through the frame decoder and the flash-image parser, against that project's
// own per-minute decode (gowearfit_ftest.csv, 856 minutes).
#include <gtest/gtest.h>

#include "shared_fixtures.hpp"

#include <map>
#include <sstream>

#include "devices/bodybugg/armband_frame.hpp"
#include "devices/bodybugg/armband_memory.hpp"
#include "devices/bodybugg/channels.hpp"
#include "devices/bodybugg/gowearfit_flash.hpp"

using namespace declouder;
using namespace declouder::bodybugg;
using namespace declouder::test;

namespace {

Bytes image_from_capture() {
  auto frames = read_length_prefixed_frames("fixtures/bodybugg/gowearfit_ftest.frames");
  EXPECT_EQ(frames.size(), 10u);
  armband::MemoryAssembler asm_;
  for (std::size_t i = 1; i < frames.size(); i += 2) {
    armband::FrameDecoder dec;
    dec.feed(frames[i]);
    while (auto f = dec.next()) EXPECT_FALSE(asm_.add(*f)) << "frame rejected";
    EXPECT_EQ(dec.skipped_bytes(), 0u);
  }
  return asm_.image();
}

}  // namespace

TEST(GoWearFitFlash, CaptureReassemblesTo44000Bytes) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/gowearfit_ftest.frames");
  Bytes img = image_from_capture();
  EXPECT_EQ(img.size(), 44000u);
}

TEST(GoWearFitFlash, MatchesTheGoldenPerMinuteDecodeExactly) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/gowearfit_ftest.csv");
  const FlashImage fi = parse_flash_image(image_from_capture());
  ASSERT_FALSE(fi.error) << *fi.error;
  EXPECT_TRUE(fi.ended);
  EXPECT_EQ(fi.end_offset, 40619u);
  ASSERT_EQ(fi.definitions.size(), 4u);
  EXPECT_EQ(fi.definitions[0].name, "V6RES1");
  EXPECT_EQ(fi.definitions[0].divisor, 1920);
  EXPECT_EQ(fi.channel_table.size(), 42u);
  for (const auto& [id, name] : fi.channel_table) EXPECT_EQ(channel_name(id), name);

  // time -> channel name -> value (4095 for no data, as the golden file writes it)
  std::map<std::int64_t, std::map<std::string, int>> got;
  for (const auto& s : fi.samples) got[s.unix_seconds][std::string(channel_name(s.channel_id))] = s.value.value_or(0xFFF);

  std::istringstream csv(read_shared_text("fixtures/bodybugg/gowearfit_ftest.csv"));
  std::string line;
  std::getline(csv, line);
  std::vector<std::string> columns;
  {
    std::istringstream h(line);
    for (std::string c; std::getline(h, c, '\t');) columns.push_back(c);
  }
  ASSERT_EQ(columns.size(), 29u);
  std::size_t rows = 0;
  while (std::getline(csv, line)) {
    if (line.empty()) continue;
    std::istringstream r(line);
    std::vector<std::string> cells;
    for (std::string c; std::getline(r, c, '\t');) cells.push_back(c);
    const std::int64_t t = std::stoll(cells[0]);
    auto it = got.find(t);
    ASSERT_NE(it, got.end()) << "minute " << t << " missing";
    ASSERT_EQ(it->second.size(), 27u);
    for (std::size_t c = 2; c < columns.size(); ++c)
      ASSERT_EQ(it->second.at(columns[c]), std::stoi(cells[c])) << columns[c] << " at " << t;
    ++rows;
  }
  EXPECT_EQ(rows, 856u);
  EXPECT_EQ(got.size(), 856u);
}

TEST(GoWearFitFlash, TruncatedImageKeepsEarlierMinutesAndSaysWhere) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/gowearfit_ftest.frames");
  Bytes img = image_from_capture();
  img.resize(1000);
  const FlashImage fi = parse_flash_image(img);
  ASSERT_TRUE(fi.error);
  EXPECT_NE(fi.error->find("offset"), std::string::npos);
  EXPECT_FALSE(fi.ended);
  EXPECT_GT(fi.samples.size(), 0u);
  EXPECT_EQ(fi.samples.front().unix_seconds, 1304661517);
}

TEST(GoWearFitFlash, UndefinedRecordTypeStopsWithItsOffset) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/gowearfit_ftest.frames");
  Bytes img = image_from_capture();
  img[645 + 5] = 0x77;  // the first minute record after the session start
  const FlashImage fi = parse_flash_image(img);
  ASSERT_TRUE(fi.error);
  EXPECT_EQ(*fi.error, "record type 0x77 is not defined at offset 650");
}
