// CaptureWriter: writes HciRecords as btsnoop (1001, 1002, 2001), PacketLogger
// (both byte orders) or hcidump raw-hex text (`hcidump -R -t` shape), so tests
// and benchmarks can make captures and `capture convert` can export them.
// Every binary format it writes is read back by tshark (tests/cli/capture_tshark.sh).
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "capture/reader.hpp"
#include "capture/record.hpp"

namespace declouder::capture {

class CaptureWriter {
 public:
  // Throws CaptureError when the file cannot be created or the format cannot be written (btmon text).
  static CaptureWriter to_file(const std::string& path, CaptureFormat format);
  // Appends to `out` (tests, fuzz seeds).
  static CaptureWriter to_memory(Bytes& out, CaptureFormat format);

  CaptureWriter(CaptureWriter&&) noexcept;
  CaptureWriter& operator=(CaptureWriter&&) noexcept;
  ~CaptureWriter();  // flushes and closes

  // False when the format cannot carry this kind of record (it is skipped):
  // notes and index records in btsnoop 1001/1002 or hcidump text, for example.
  bool write(const HciRecord& rec);
  // Convenience: a packet with time, direction and kind.
  bool write(std::int64_t time_us, Direction dir, PacketKind kind, ByteView data, std::uint16_t controller = 0);
  void close();  // flushes; throws CaptureError on a write error

 private:
  CaptureWriter() = default;
  void flush();
  CaptureFormat format_ = CaptureFormat::btsnoop_h4;
  std::FILE* file_ = nullptr;
  Bytes* memory_ = nullptr;
  Bytes buf_;
  std::string path_;
};

}  // namespace declouder::capture
