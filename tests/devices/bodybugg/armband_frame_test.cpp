// The 0xAB ... checksum ... 0xBA frame codec against the captured GoWearFit
// download: our requests must equal the vendor software's byte for byte.
#include <gtest/gtest.h>

#include "shared_fixtures.hpp"

#include "devices/bodybugg/armband_frame.hpp"

using namespace declouder;
using namespace declouder::armband;

TEST(ArmbandFrame, MemoryReadRequestsEqualTheCapturedOnes) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/gowearfit_ftest.frames");
  auto frames = test::read_length_prefixed_frames("fixtures/bodybugg/gowearfit_ftest.frames");
  ASSERT_EQ(frames.size(), 10u);
  for (std::size_t i = 0; i < 5; ++i) {
    Bytes ours = encode_frame(memory_read_request(static_cast<std::uint32_t>(i * 8800), 8800));
    EXPECT_EQ(to_hex(ours), to_hex(frames[2 * i])) << "request " << i;
  }
}

TEST(ArmbandFrame, AnswersDecodeAndReencodeIdentically) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/gowearfit_ftest.frames");
  auto frames = test::read_length_prefixed_frames("fixtures/bodybugg/gowearfit_ftest.frames");
  ASSERT_EQ(frames[1].size(), 13200u);
  FrameDecoder dec;
  dec.feed(frames[1]);
  std::size_t n = 0;
  while (auto f = dec.next()) {
    EXPECT_EQ(f->kind, kKindAnswer);
    EXPECT_EQ(f->from, 0x0E00802Au);
    EXPECT_EQ(f->to, kHostAddress);
    auto chunk = memory_chunk(*f);
    ASSERT_TRUE(chunk);
    EXPECT_EQ(chunk->offset, n * 44);
    EXPECT_EQ(chunk->length, 44);
    Bytes again = encode_frame(*f);
    EXPECT_TRUE(std::equal(again.begin(), again.end(), frames[1].begin() + static_cast<std::ptrdiff_t>(n * 66)));
    ++n;
  }
  EXPECT_EQ(n, 200u);
}

TEST(ArmbandFrame, DecoderResynchronisesAfterNoiseAndBadChecksums) {
  Frame f = memory_read_request(0, 8800);
  Bytes good = encode_frame(f);
  Bytes bad = good;
  bad[20] ^= 0x01;  // body changed, checksum not
  Bytes stream = {0x00, 0x13, 0xAB, 0x37};
  stream.insert(stream.end(), bad.begin(), bad.end());
  stream.insert(stream.end(), good.begin(), good.end());
  FrameDecoder dec;
  // Feed one byte at a time, like a slow serial port.
  std::vector<Frame> out;
  for (auto b : stream) {
    dec.feed(ByteView(&b, 1));
    while (auto fr = dec.next()) out.push_back(*fr);
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].command, kCommandMemoryRead);
  EXPECT_EQ(dec.bad_checksums(), 1u);
  EXPECT_GT(dec.skipped_bytes(), 0u);
}
