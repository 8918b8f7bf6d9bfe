// CaptureReader: opens any supported capture file, detects its container from
// the content (never the file name) and yields HciRecords one at a time.
//
//   capture::CaptureReader reader = capture::CaptureReader::open("btsnoop_hci.log");
//   capture::HciRecord rec;
//   while (reader.next(rec)) { ... rec.data is valid until the next call ... }
//   if (reader.stop()) { /* a truncated or corrupt file: where and why */ }
//
// Reading streams through a fixed buffer (constant memory, whatever the file
// size). A fault (truncated record, impossible length, garbage line) ends the
// stream: every record before it was delivered, and stop() says at which byte
// offset and record number reading stopped and why.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "capture/record.hpp"
#include "core/bytes.hpp"

namespace declouder::capture {

enum class CaptureFormat : std::uint8_t {
  btsnoop_hci,      // btsnoop datalink 1001: unencapsulated HCI
  btsnoop_h4,       // btsnoop datalink 1002: HCI UART (H4), Android btsnoop_hci.log
  btsnoop_monitor,  // btsnoop datalink 2001: Linux monitor, btmon -w
  pklg_be,          // Apple PacketLogger, big-endian (classic)
  pklg_le,          // Apple PacketLogger, little-endian (newer, "v2")
  hcidump_text,     // hcidump text output: decoded form, -R raw hex or -X hex dumps
  btmon_text,       // btmon text output
};
std::string_view format_name(CaptureFormat f);  // "btsnoop-h4", "pklg-be", "hcidump-text", ...
std::optional<CaptureFormat> parse_format_name(std::string_view name);

// The file cannot be read at all (missing, empty, not a capture we know).
struct CaptureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Why and where reading stopped early.
struct ReadStop {
  std::uint64_t file_offset = 0;    // byte offset of the record that could not be read
  std::uint64_t record_number = 0;  // its 1-based number
  std::string reason;
  // What follows the record that could not be read: none of it was read. A tail
  // of zeros is what a writer that preallocated the file, or a crash before its
  // last write reached the disk, leaves behind.
  std::uint64_t ignored_bytes = 0;
  bool ignored_all_zero = false;
  // "stopped at byte 1234, record 56: truncated record (...); the remaining 99 bytes were ignored"
  std::string describe() const;
};

// Where bytes come from: a file descriptor or memory (tests, fuzzers).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes; 0 at end of input.
  virtual std::size_t read(std::uint8_t* out, std::size_t n) = 0;
};

// Bytes in memory as a source (the bytes must outlive it).
std::unique_ptr<ByteSource> memory_source(ByteView bytes);

// A refilling window over a ByteSource. peek(n) makes n bytes contiguous.
class BufferedInput {
 public:
  static constexpr std::size_t kCapacity = 1 << 20;
  explicit BufferedInput(std::unique_ptr<ByteSource> src);
  // Pointer to n contiguous bytes at the current position, or nullptr when the
  // input ends first (available() then says how many are left). n <= kCapacity.
  const std::uint8_t* peek(std::size_t n);
  std::size_t available() const { return end_ - pos_; }
  void skip(std::size_t n) {
    pos_ += n;
    offset_ += n;
  }
  std::uint64_t offset() const { return offset_; }  // file offset of the current position
  // Reads to the end of the input: how many bytes were left, and whether all were zero.
  std::uint64_t drain(bool& all_zero);
  // The next line without its end of line ("\n" or "\r\n"); false at end of
  // input. A line longer than the buffer sets `too_long`.
  bool read_line(std::string_view& line, bool& too_long);

 private:
  bool fill(std::size_t want);
  std::unique_ptr<ByteSource> src_;
  std::unique_ptr<std::uint8_t[]> buf_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t offset_ = 0;
  bool eof_ = false;
};

// One container's record parser. Implemented in btsnoop.cpp, pklg.cpp, hci_text.cpp.
class RecordParser {
 public:
  virtual ~RecordParser() = default;
  // Fills rec and returns true; false at the end or at a fault (then sets stop).
  virtual bool next(BufferedInput& in, HciRecord& rec, std::optional<ReadStop>& stop) = 0;
};

class CaptureReader {
 public:
  // Throws CaptureError when the file cannot be opened (missing, a directory,
  // unreadable), is empty or is not a known capture.
  static CaptureReader open(const std::string& path);
  // The same over bytes in memory (the bytes must outlive the reader).
  static CaptureReader from_memory(ByteView bytes);
  // Over any source (what open() and from_memory() use).
  static CaptureReader from_source(std::unique_ptr<ByteSource> src, const std::string& label);

  CaptureReader(CaptureReader&&) noexcept;
  CaptureReader& operator=(CaptureReader&&) noexcept;
  ~CaptureReader();

  CaptureFormat format() const { return format_; }
  bool next(HciRecord& rec);
  // Set once reading stopped at a fault (not at a clean end of file).
  const std::optional<ReadStop>& stop() const { return stop_; }
  std::uint64_t records_read() const { return records_; }

 private:
  CaptureReader() = default;
  std::unique_ptr<BufferedInput> in_;
  std::unique_ptr<RecordParser> parser_;
  CaptureFormat format_ = CaptureFormat::btsnoop_h4;
  std::optional<ReadStop> stop_;
  std::uint64_t records_ = 0;
};

// Guesses the container from the first bytes of a file (up to a few KB).
std::optional<CaptureFormat> detect_format(ByteView head);

// Factories of the per-container parsers.
std::unique_ptr<RecordParser> make_btsnoop_parser();
std::unique_ptr<RecordParser> make_pklg_parser(bool little_endian);
std::unique_ptr<RecordParser> make_text_parser(CaptureFormat dialect);

}  // namespace declouder::capture
