// Readers: every container, detection by content, truncation and corruption.
#include <gtest/gtest.h>

#include "shared_fixtures.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "capture/reader.hpp"
#include "synthetic.hpp"

namespace declouder::capture {
namespace {

using testing::picooc_session;
using testing::write_capture;

struct Read {
  CaptureFormat format;
  std::vector<HciRecord> records;
  std::vector<Bytes> data;  // copies: rec.data is only valid until next()
  std::optional<ReadStop> stop;
};

Read read_all(ByteView bytes) {
  Read r;
  CaptureReader reader = CaptureReader::from_memory(bytes);
  r.format = reader.format();
  HciRecord rec;
  while (reader.next(rec)) {
    r.data.emplace_back(rec.data.begin(), rec.data.end());
    r.records.push_back(rec);
  }
  r.stop = reader.stop();
  return r;
}

Bytes slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

const std::string kMiBand = std::string(DECLOUDER_SHARED_DIR) + "/fixtures/captures/miband1s_heartrate_mifit.btsnoop";

TEST(CaptureReader, ReadsTheRealMiFitCapture) {
  SKIP_WITHOUT_SHARED("fixtures/captures/miband1s_heartrate_mifit.btsnoop");
  Bytes file = slurp(kMiBand);
  ASSERT_EQ(file.size(), 159u);
  Read r = read_all(file);
  EXPECT_EQ(r.format, CaptureFormat::btsnoop_h4);
  EXPECT_FALSE(r.stop);
  ASSERT_EQ(r.records.size(), 4u);
  // 1: ACL TX, the Write Request 0x004e = 15 02 01, at 1448824757.082084
  EXPECT_EQ(r.records[0].kind, PacketKind::acl);
  EXPECT_EQ(r.records[0].direction, Direction::host_to_controller);
  EXPECT_EQ(r.records[0].time_us, 1448824757082084);
  EXPECT_EQ(to_hex(r.data[0]), "40000a000600040012" "4e00150201");
  EXPECT_EQ(r.records[0].file_offset, 16u);
  EXPECT_EQ(r.records[0].record_number, 1u);
  // 2: Number of Completed Packets event; 3, 4: ACL RX
  EXPECT_EQ(r.records[1].kind, PacketKind::event);
  EXPECT_EQ(r.data[1][0], 0x13);
  EXPECT_EQ(r.records[3].direction, Direction::controller_to_host);
  EXPECT_EQ(to_hex(r.data[3]), "402009000500040" "01b4b000646");
  EXPECT_EQ(r.records[3].time_us, 1448824767082751);
}

class EveryContainer : public ::testing::TestWithParam<CaptureFormat> {};

TEST_P(EveryContainer, GivesBackWhatWasWritten) {
  const auto packets = picooc_session();
  Bytes file = write_capture(packets, GetParam());
  Read r = read_all(file);
  EXPECT_EQ(r.format, GetParam()) << "detected from content";
  EXPECT_FALSE(r.stop) << r.stop->describe();
  std::size_t i = 0;
  for (std::size_t k = 0; k < r.records.size(); ++k) {
    const HciRecord& rec = r.records[k];
    if (rec.kind == PacketKind::index || rec.kind == PacketKind::note) continue;
    while (i < packets.size() && packets[i].kind == PacketKind::note) ++i;
    ASSERT_LT(i, packets.size());
    EXPECT_EQ(rec.kind, packets[i].kind) << "record " << rec.record_number;
    EXPECT_EQ(rec.direction, packets[i].direction) << "record " << rec.record_number;
    EXPECT_EQ(rec.time_us, packets[i].time_us) << "record " << rec.record_number;
    EXPECT_EQ(to_hex(r.data[k]), to_hex(packets[i].data)) << "record " << rec.record_number;
    EXPECT_EQ(rec.record_number, k + 1);
    ++i;
  }
  EXPECT_EQ(i, packets.size());
}

TEST_P(EveryContainer, TruncatedFileKeepsEverythingBeforeTheBreak) {
  const auto packets = picooc_session();
  Bytes file = write_capture(packets, GetParam());
  Read whole = read_all(file);
  // Cut the file in the middle of the last record.
  const std::uint64_t last_offset = whole.records.back().file_offset;
  const std::size_t into = GetParam() == CaptureFormat::hcidump_text ? 40 : 7;  // text: into the hex
  Bytes cut(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(last_offset + into));
  Read r = read_all(cut);
  ASSERT_TRUE(r.stop) << "a cut record must be reported";
  EXPECT_EQ(r.records.size(), whole.records.size() - 1);
  EXPECT_EQ(r.stop->file_offset, last_offset);
  EXPECT_EQ(r.stop->record_number, whole.records.size());
  EXPECT_NE(r.stop->reason.find("truncated"), std::string::npos) << r.stop->reason;
}

INSTANTIATE_TEST_SUITE_P(Capture, EveryContainer,
                         ::testing::Values(CaptureFormat::btsnoop_hci, CaptureFormat::btsnoop_h4,
                                           CaptureFormat::btsnoop_monitor, CaptureFormat::pklg_be,
                                           CaptureFormat::pklg_le, CaptureFormat::hcidump_text),
                         [](const auto& info) {
                           std::string n(format_name(info.param));
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

TEST(CaptureReader, MonitorRecordsCarryControllerIndexAndBookkeeping) {
  Bytes file = write_capture(picooc_session(), CaptureFormat::btsnoop_monitor);
  Read r = read_all(file);
  ASSERT_GE(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].kind, PacketKind::index);
  EXPECT_EQ(r.records[1].kind, PacketKind::note);
}

TEST(CaptureReader, BtsnoopHonoursIncludedLength) {
  // One record whose original length is 20 but only 5 bytes were kept (snap length).
  Bytes file = testing::hex("6274736e6f6f7000" "00000001" "000003ea");
  put_u32be(file, 20);
  put_u32be(file, 5);
  put_u32be(file, 3);
  put_u32be(file, 0);
  put_u32be(file, 0x00E20365);
  put_u32be(file, 0xDC2C57E4);
  for (auto b : {0x04, 0x13, 0x05, 0x01, 0x40}) file.push_back(static_cast<std::uint8_t>(b));
  Read r = read_all(file);
  EXPECT_FALSE(r.stop);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(to_hex(r.data[0]), "130501" "40");
}

TEST(CaptureReader, ImpossibleLengthStopsWithTheReason) {
  Bytes file = write_capture(picooc_session(), CaptureFormat::btsnoop_h4);
  Read whole = read_all(file);
  // Corrupt the included length of record 5.
  const std::size_t off = whole.records[4].file_offset;
  file[off + 4] = 0x7F;
  Read r = read_all(file);
  EXPECT_EQ(r.records.size(), 4u);
  ASSERT_TRUE(r.stop);
  EXPECT_EQ(r.stop->file_offset, off);
  EXPECT_EQ(r.stop->record_number, 5u);
  EXPECT_NE(r.stop->reason.find("impossible"), std::string::npos) << r.stop->reason;
}

TEST(CaptureReader, PacketLoggerByteOrderIsDetectedNotAssumed) {
  Bytes be = write_capture(picooc_session(), CaptureFormat::pklg_be);
  Bytes le = write_capture(picooc_session(), CaptureFormat::pklg_le);
  EXPECT_EQ(detect_format(be), CaptureFormat::pklg_be);
  EXPECT_EQ(detect_format(le), CaptureFormat::pklg_le);
  EXPECT_EQ(read_all(be).records.size(), read_all(le).records.size());
}

TEST(CaptureReader, RejectsWhatIsNotACapture) {
  Bytes junk = testing::hex("00010203040506070809");
  EXPECT_THROW(CaptureReader::from_memory(junk), CaptureError);
  Bytes empty;
  EXPECT_THROW(CaptureReader::from_memory(empty), CaptureError);
  Bytes h5 = testing::hex("6274736e6f6f7000" "00000001" "000003ec");
  try {
    CaptureReader::from_memory(h5);
    FAIL() << "datalink 1004 accepted";
  } catch (const CaptureError& e) {
    EXPECT_NE(std::string(e.what()).find("1004"), std::string::npos);
  }
}

TEST(CaptureReader, AZeroFilledTailStopsAtItsFirstRecordAndIsCountedNotRead) {
  // What a crash or a preallocating writer leaves: the records, then 1 MB of zeros.
  // Read as records they were 40,000 packets of time 0 (a negative time span).
  for (CaptureFormat f : {CaptureFormat::btsnoop_h4, CaptureFormat::btsnoop_hci, CaptureFormat::btsnoop_monitor,
                          CaptureFormat::pklg_be, CaptureFormat::pklg_le}) {
    SCOPED_TRACE(std::string(format_name(f)));
    Bytes file = write_capture(picooc_session(), f);
    const Read whole = read_all(file);
    ASSERT_FALSE(whole.stop);
    const std::size_t end = file.size();
    file.resize(end + 1000000, 0);
    const Read r = read_all(file);
    EXPECT_EQ(r.records.size(), whole.records.size());
    ASSERT_TRUE(r.stop);
    EXPECT_EQ(r.stop->file_offset, end);
    EXPECT_EQ(r.stop->ignored_bytes, 1000000u);
    EXPECT_TRUE(r.stop->ignored_all_zero);
    EXPECT_NE(r.stop->describe().find("the remaining 1000000 bytes were ignored (all zeros"), std::string::npos)
        << r.stop->describe();
    for (const HciRecord& rec : r.records) EXPECT_GE(rec.time_us, 0);
  }
}

TEST(CaptureReader, WhatFollowsAFaultIsCountedAsIgnored) {
  Bytes file = write_capture(picooc_session(), CaptureFormat::btsnoop_h4);
  const Read whole = read_all(file);
  const std::size_t off = whole.records[4].file_offset;
  file[off + 4] = 0x7F;  // record 5's included length: impossible
  const Read r = read_all(file);
  ASSERT_TRUE(r.stop);
  EXPECT_EQ(r.stop->ignored_bytes, file.size() - off);
  EXPECT_FALSE(r.stop->ignored_all_zero);
}

TEST(CaptureReader, BtsnoopRecordsBefore1970OrEmptyAreNotPackets) {
  Bytes file = testing::hex("6274736e6f6f7000" "00000001" "000003ea");
  put_u32be(file, 1);  // one byte, stamped 1969-12-31
  put_u32be(file, 1);
  put_u32be(file, 3);
  put_u32be(file, 0);
  put_u32be(file, 0x00DCDDB3);
  put_u32be(file, 0x0F2F8000 - 1);
  file.push_back(0x04);
  Read r = read_all(file);
  EXPECT_TRUE(r.records.empty());
  ASSERT_TRUE(r.stop);
  EXPECT_NE(r.stop->reason.find("before 1970"), std::string::npos) << r.stop->reason;

  Bytes empty_record = testing::hex("6274736e6f6f7000" "00000001" "000003ea");
  for (std::uint32_t v : {0u, 0u, 3u, 0u, 0x00E20365u, 0xDC2C57E4u}) put_u32be(empty_record, v);
  r = read_all(empty_record);
  EXPECT_TRUE(r.records.empty());
  ASSERT_TRUE(r.stop);
  EXPECT_NE(r.stop->reason.find("empty record"), std::string::npos) << r.stop->reason;
}

TEST(CaptureReader, StreamsFilesLargerThanItsBuffer) {
  // ~3 MB of records through the 1 MiB buffer.
  std::vector<testing::Packet> many;
  Bytes pdu = testing::hex("1b1200" "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
  for (int i = 0; i < 50000; ++i)
    many.push_back({1000 + i, Direction::controller_to_host, PacketKind::acl, packet::att(0x40, false, pdu)});
  Bytes file = write_capture(many, CaptureFormat::btsnoop_h4);
  ASSERT_GT(file.size(), 3u * BufferedInput::kCapacity);
  Read r = read_all(file);
  EXPECT_FALSE(r.stop);
  ASSERT_EQ(r.records.size(), many.size());
  EXPECT_EQ(r.records.back().time_us, 1000 + 49999);
  EXPECT_EQ(r.data.back(), many.back().data);
}

}  // namespace
}  // namespace declouder::capture
