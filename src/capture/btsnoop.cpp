// btsnoop: Android btsnoop_hci.log (datalink 1002), unencapsulated HCI (1001)
// and the Linux monitor format written by `btmon -w` (2001).
//
// All integers big-endian. File header, 16 bytes: "btsnoop\0", version u32 = 1,
// datalink u32. Each record: original length u32, included length u32 (the
// bytes that follow: we read this many, never the original length), flags u32,
// cumulative drops u32, timestamp i64 = microseconds since 0000-01-01 00:00
// (nominal Gregorian), i.e. Unix us + 0x00DCDDB30F2F8000.
//   1001/1002 flags: bit 0 direction (0 sent, 1 received), bit 1 command/event
//   (1) or data (0). 1002 data start with the H4 indicator: 01 command, 02 ACL,
//   03 SCO, 04 event, 05 ISO.
//   2001 flags: controller index << 16 | monitor opcode (0 new index, 1 delete
//   index, 2 command, 3 event, 4/5 ACL TX/RX, 6/7 SCO TX/RX, 8 open index,
//   9 close index, 10 index info, 11 vendor diagnostics, 12 system note,
//   13 user logging, 14-17 control channel, 18/19 ISO TX/RX); no H4 byte.
// Sources: BlueZ src/shared/btsnoop.h, file(1) magic, Wireshark's
// wiretap/btsnoop.c record header.
//
// Impossible records end the stream instead of being read as packets: a time
// stamp before 1970 (btsnoop counts from year 0, no Bluetooth capture predates
// Unix time; a zero-filled tail, preallocated or left by a crash, reads as
// records of time 0, tens of millions of them with a negative time span), and
// an empty record in the HCI datalinks (an HCI packet has at least its header,
// and in 1002 its H4 indicator; monitor records may be empty: close index).
#include "capture/reader.hpp"

namespace declouder::capture {

namespace {

constexpr std::int64_t kUnixEpochUs = 0x00DCDDB30F2F8000LL;
constexpr std::uint32_t kMaxRecord = 1 << 19;  // far above any HCI packet (64 KiB + headers)

class BtsnoopParser : public RecordParser {
 public:
  bool next(BufferedInput& in, HciRecord& rec, std::optional<ReadStop>& stop) override {
    if (!header_read_ && !read_header(in, stop)) return false;
    const std::uint64_t offset = in.offset();
    const std::uint64_t number = count_ + 1;
    auto fail = [&](std::string why) {
      stop = ReadStop{offset, number, std::move(why)};
      return false;
    };
    const std::uint8_t* h = in.peek(24);
    if (!h) {
      if (in.available() == 0) return false;  // clean end
      return fail("truncated record header: " + std::to_string(in.available()) + " of 24 bytes");
    }
    const std::uint32_t orig = be32(h), incl = be32(h + 4), flags = be32(h + 8);
    const std::int64_t ts = static_cast<std::int64_t>((static_cast<std::uint64_t>(be32(h + 16)) << 32) | be32(h + 20));
    if (incl > kMaxRecord) return fail("included length " + std::to_string(incl) + " is impossible");
    if (incl > orig) return fail("included length " + std::to_string(incl) + " exceeds original length " +
                                 std::to_string(orig));
    if (ts < kUnixEpochUs) return fail("time stamp " + std::to_string(ts) + " is before 1970: not a record");
    if (incl == 0 && datalink_ != 2001) return fail("an empty record: no HCI packet");
    const std::uint8_t* p = in.peek(24 + std::size_t{incl});
    if (!p) return fail("truncated record: " + std::to_string(incl) + " bytes announced, " +
                        std::to_string(in.available() - 24) + " present");
    rec = HciRecord{};
    // Wraps instead of overflowing on absurd stamps (they are data, not our bug).
    rec.time_us = static_cast<std::int64_t>(static_cast<std::uint64_t>(ts) - static_cast<std::uint64_t>(kUnixEpochUs));
    rec.file_offset = offset;
    rec.record_number = number;
    ByteView data(p + 24, incl);
    if (datalink_ == 2001) {
      classify_monitor(flags, rec);
    } else {
      rec.direction = (flags & 1) ? Direction::controller_to_host : Direction::host_to_controller;
      if (datalink_ == 1002) {
        if (data.empty()) {
          rec.kind = PacketKind::other;
        } else {
          switch (data[0]) {
            case 0x01: rec.kind = PacketKind::command; break;
            case 0x02: rec.kind = PacketKind::acl; break;
            case 0x03: rec.kind = PacketKind::sco; break;
            case 0x04: rec.kind = PacketKind::event; break;
            case 0x05: rec.kind = PacketKind::iso; break;
            default: rec.kind = PacketKind::other; break;
          }
          data = data.subspan(1);
        }
      } else {
        rec.kind = (flags & 2) ? ((flags & 1) ? PacketKind::event : PacketKind::command) : PacketKind::acl;
      }
    }
    rec.data = data;
    in.skip(24 + std::size_t{incl});
    ++count_;
    return true;
  }

 private:
  bool read_header(BufferedInput& in, std::optional<ReadStop>& stop) {
    const std::uint8_t* h = in.peek(16);
    if (!h) {
      stop = ReadStop{0, 0, "truncated btsnoop file header: " + std::to_string(in.available()) + " of 16 bytes"};
      return false;
    }
    datalink_ = be32(h + 12);
    if (datalink_ != 1001 && datalink_ != 1002 && datalink_ != 2001) {
      stop = ReadStop{12, 0, "btsnoop datalink " + std::to_string(datalink_) + " is not supported"};
      return false;
    }
    in.skip(16);
    header_read_ = true;
    return true;
  }

  static void classify_monitor(std::uint32_t flags, HciRecord& rec) {
    rec.controller = static_cast<std::uint16_t>(flags >> 16);
    rec.direction = Direction::unknown;
    switch (flags & 0xFFFF) {
      case 0: case 1: case 8: case 9: case 10: rec.kind = PacketKind::index; break;
      case 2: rec.kind = PacketKind::command; rec.direction = Direction::host_to_controller; break;
      case 3: rec.kind = PacketKind::event; rec.direction = Direction::controller_to_host; break;
      case 4: rec.kind = PacketKind::acl; rec.direction = Direction::host_to_controller; break;
      case 5: rec.kind = PacketKind::acl; rec.direction = Direction::controller_to_host; break;
      case 6: rec.kind = PacketKind::sco; rec.direction = Direction::host_to_controller; break;
      case 7: rec.kind = PacketKind::sco; rec.direction = Direction::controller_to_host; break;
      case 12: case 13: rec.kind = PacketKind::note; break;
      case 18: rec.kind = PacketKind::iso; rec.direction = Direction::host_to_controller; break;
      case 19: rec.kind = PacketKind::iso; rec.direction = Direction::controller_to_host; break;
      default: rec.kind = PacketKind::other; break;
    }
  }

  bool header_read_ = false;
  std::uint32_t datalink_ = 0;
  std::uint64_t count_ = 0;
};

}  // namespace

std::unique_ptr<RecordParser> make_btsnoop_parser() { return std::make_unique<BtsnoopParser>(); }

}  // namespace declouder::capture
