// Apple PacketLogger (.pklg), as saved by PacketLogger on macOS for iOS traces.
//
// No file header: a sequence of records, each
//   length u32 (counts timestamp + type + payload, not itself), seconds u32
//   (Unix), microseconds u32 (< 1,000,000), type u8, payload (raw HCI, no H4).
// Classic files are big-endian, newer ones little-endian; the byte order is
// detected like Wireshark does (see detect_format in reader.cpp).
// Types: 0x00 command, 0x01 event, 0x02 sent ACL, 0x03 received ACL, 0x08/0x09
// sent/received SCO, 0x0A/0x0B LMP, 0xF7 syslog, 0xF8 kernel, 0xF9 kernel
// debug, 0xFA error, 0xFB power, 0xFC note (text), 0xFD config, 0xFE new
// controller.
// Sources: Wireshark wiretap/packetlogger.c and BlueZ src/shared/btsnoop.c (its
// PacketLogger reader); both byte orders checked against tshark.
#include "capture/reader.hpp"

namespace declouder::capture {

namespace {

class PklgParser : public RecordParser {
 public:
  explicit PklgParser(bool le) : le_(le) {}

  bool next(BufferedInput& in, HciRecord& rec, std::optional<ReadStop>& stop) override {
    const std::uint64_t offset = in.offset();
    const std::uint64_t number = count_ + 1;
    auto fail = [&](std::string why) {
      stop = ReadStop{offset, number, std::move(why)};
      return false;
    };
    const std::uint8_t* h = in.peek(13);
    if (!h) {
      if (in.available() == 0) return false;
      return fail("truncated record header: " + std::to_string(in.available()) + " of 13 bytes");
    }
    const std::uint32_t len = u32(h), secs = u32(h + 4), usecs = u32(h + 8);
    if (len < 9 || len >= 65536) return fail("record length " + std::to_string(len) + " is impossible");
    if (usecs >= 1000000) return fail("microseconds field " + std::to_string(usecs) + " is not below one million");
    const std::uint8_t* p = in.peek(4 + std::size_t{len});
    if (!p) return fail("truncated record: " + std::to_string(len - 9) + " payload bytes announced, " +
                        std::to_string(in.available() - 13) + " present");
    rec = HciRecord{};
    rec.time_us = static_cast<std::int64_t>(secs) * 1000000 + usecs;
    rec.file_offset = offset;
    rec.record_number = number;
    rec.data = ByteView(p + 13, len - 9);
    switch (p[12]) {
      case 0x00: rec.kind = PacketKind::command; rec.direction = Direction::host_to_controller; break;
      case 0x01: rec.kind = PacketKind::event; rec.direction = Direction::controller_to_host; break;
      case 0x02: rec.kind = PacketKind::acl; rec.direction = Direction::host_to_controller; break;
      case 0x03: rec.kind = PacketKind::acl; rec.direction = Direction::controller_to_host; break;
      case 0x08: rec.kind = PacketKind::sco; rec.direction = Direction::host_to_controller; break;
      case 0x09: rec.kind = PacketKind::sco; rec.direction = Direction::controller_to_host; break;
      case 0xFC: rec.kind = PacketKind::note; break;
      case 0xFE: rec.kind = PacketKind::index; break;
      default: rec.kind = PacketKind::other; break;
    }
    in.skip(4 + std::size_t{len});
    ++count_;
    return true;
  }

 private:
  std::uint32_t u32(const std::uint8_t* p) const { return le_ ? le32(p) : be32(p); }
  bool le_;
  std::uint64_t count_ = 0;
};

}  // namespace

std::unique_ptr<RecordParser> make_pklg_parser(bool little_endian) {
  return std::make_unique<PklgParser>(little_endian);
}

}  // namespace declouder::capture
