// Container detection, buffered input, and the CaptureReader front door.
#include "capture/reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/input_files.hpp"

namespace declouder::capture {

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::host_to_controller: return "host->controller";
    case Direction::controller_to_host: return "controller->host";
    case Direction::unknown: return "unknown";
  }
  return "unknown";
}

std::string_view kind_name(PacketKind k) {
  switch (k) {
    case PacketKind::command: return "command";
    case PacketKind::event: return "event";
    case PacketKind::acl: return "acl";
    case PacketKind::sco: return "sco";
    case PacketKind::iso: return "iso";
    case PacketKind::note: return "note";
    case PacketKind::index: return "index";
    case PacketKind::other: return "other";
  }
  return "other";
}

namespace {

constexpr std::pair<CaptureFormat, std::string_view> kFormatNames[] = {
    {CaptureFormat::btsnoop_hci, "btsnoop-hci"},   {CaptureFormat::btsnoop_h4, "btsnoop-h4"},
    {CaptureFormat::btsnoop_monitor, "btsnoop-monitor"}, {CaptureFormat::pklg_be, "pklg-be"},
    {CaptureFormat::pklg_le, "pklg-le"},           {CaptureFormat::hcidump_text, "hcidump-text"},
    {CaptureFormat::btmon_text, "btmon-text"},
};

class FileSource : public ByteSource {
 public:
  FileSource(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileSource() override { ::close(fd_); }
  std::size_t read(std::uint8_t* out, std::size_t n) override {
    for (;;) {
      ssize_t r = ::read(fd_, out, n);
      if (r >= 0) return static_cast<std::size_t>(r);
      // A read error is not the end of the capture: say so instead of reporting a short file.
      if (errno != EINTR) throw CaptureError(input_read_error(path_, errno));
    }
  }

 private:
  int fd_;
  std::string path_;
};

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(ByteView b) : b_(b) {}
  std::size_t read(std::uint8_t* out, std::size_t n) override {
    std::size_t k = std::min(n, b_.size() - pos_);
    if (k) std::memcpy(out, b_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  ByteView b_;
  std::size_t pos_ = 0;
};

// Wireshark's PacketLogger heuristic: the first records (up to 5) must have a
// length in [8, 65536), microseconds below one million and a known type.
bool pklg_type_known(std::uint8_t t) {
  return t <= 0x03 || (t >= 0x08 && t <= 0x0B) || t >= 0xF7;
}

bool pklg_plausible(ByteView head, bool le) {
  std::size_t pos = 0;
  int checked = 0;
  while (checked < 5 && pos + 13 <= head.size()) {
    const std::uint8_t* p = head.data() + pos;
    std::uint32_t len = le ? le32(p) : be32(p);
    std::uint32_t usecs = le ? le32(p + 8) : be32(p + 8);
    if (len < 9 || len >= 65536 || usecs >= 1000000 || !pklg_type_known(p[12])) return false;
    ++checked;
    pos += 4 + len;
  }
  return checked > 0;
}

bool looks_like_text(ByteView head) {
  if (head.empty()) return false;
  std::size_t printable = 0;
  for (std::uint8_t c : head) {
    if (c == 0) return false;
    if (c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f) || c >= 0x80) ++printable;
  }
  return printable * 100 >= head.size() * 98;
}

bool contains(ByteView head, std::string_view needle) {
  std::string_view s(reinterpret_cast<const char*>(head.data()), head.size());
  return s.find(needle) != std::string_view::npos;
}

}  // namespace

std::string_view format_name(CaptureFormat f) {
  for (auto& [fmt, name] : kFormatNames)
    if (fmt == f) return name;
  return "?";
}

std::optional<CaptureFormat> parse_format_name(std::string_view name) {
  for (auto& [fmt, n] : kFormatNames)
    if (n == name) return fmt;
  return std::nullopt;
}

std::string ReadStop::describe() const {
  std::string s = "stopped at byte " + std::to_string(file_offset) + ", record " + std::to_string(record_number) +
                  ": " + reason;
  if (ignored_bytes > 0) {
    s += "; the remaining " + std::to_string(ignored_bytes) + " bytes were ignored";
    if (ignored_all_zero)
      s += " (all zeros: space a writer reserved and never filled, or a file cut short by a crash)";
  }
  return s;
}

std::optional<CaptureFormat> detect_format(ByteView head) {
  static constexpr std::uint8_t kMagic[8] = {'b', 't', 's', 'n', 'o', 'o', 'p', 0};
  if (head.size() >= 8 && std::memcmp(head.data(), kMagic, 8) == 0) {
    if (head.size() < 16) return CaptureFormat::btsnoop_h4;  // the parser reports the short header
    switch (be32(head.data() + 12)) {
      case 1001: return CaptureFormat::btsnoop_hci;
      case 1002: return CaptureFormat::btsnoop_h4;
      case 2001: return CaptureFormat::btsnoop_monitor;
      default: return std::nullopt;
    }
  }
  ByteView text_head = head.first(std::min<std::size_t>(head.size(), 4096));
  if (looks_like_text(text_head)) {
    if (contains(text_head, "Bluetooth monitor ver") || contains(text_head, "ACL Data TX") ||
        contains(text_head, "ACL Data RX") || contains(text_head, "[hci"))
      return CaptureFormat::btmon_text;
    if (contains(text_head, "HCI sniffer") || contains(text_head, "< ") || contains(text_head, "> "))
      return CaptureFormat::hcidump_text;
    return std::nullopt;
  }
  const bool be = pklg_plausible(head, false), le = pklg_plausible(head, true);
  if (be && le) return (le32(head.data()) & 0xFFFF) == 0 ? CaptureFormat::pklg_be : CaptureFormat::pklg_le;
  if (be) return CaptureFormat::pklg_be;
  if (le) return CaptureFormat::pklg_le;
  return std::nullopt;
}

// ---------------------------------------------------------------- BufferedInput

BufferedInput::BufferedInput(std::unique_ptr<ByteSource> src)
    : src_(std::move(src)), buf_(new std::uint8_t[kCapacity]) {}

bool BufferedInput::fill(std::size_t want) {
  if (want > kCapacity) return false;
  if (pos_ + want > kCapacity) {  // compact
    std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  while (end_ - pos_ < want && !eof_) {
    std::size_t r = src_->read(buf_.get() + end_, kCapacity - end_);
    if (r == 0) eof_ = true;
    end_ += r;
  }
  return end_ - pos_ >= want;
}

const std::uint8_t* BufferedInput::peek(std::size_t n) {
  if (end_ - pos_ >= n) return buf_.get() + pos_;
  if (!fill(n)) return nullptr;
  return buf_.get() + pos_;
}

std::uint64_t BufferedInput::drain(bool& all_zero) {
  std::uint64_t n = 0;
  all_zero = true;
  for (;;) {
    const std::size_t have = end_ - pos_;
    if (have == 0 && (eof_ || !fill(1))) break;
    const std::uint8_t* p = buf_.get() + pos_;
    const std::size_t k = end_ - pos_;
    for (std::size_t i = 0; all_zero && i < k; ++i) all_zero = p[i] == 0;
    skip(k);
    n += k;
  }
  return n;
}

bool BufferedInput::read_line(std::string_view& line, bool& too_long) {
  too_long = false;
  std::size_t scanned = 0;
  for (;;) {
    const std::uint8_t* start = buf_.get() + pos_;
    const std::size_t have = end_ - pos_;
    const void* nl = have > scanned ? std::memchr(start + scanned, '\n', have - scanned) : nullptr;
    if (nl) {
      std::size_t len = static_cast<const std::uint8_t*>(nl) - start;
      std::size_t cut = len;
      if (cut > 0 && start[cut - 1] == '\r') --cut;
      line = std::string_view(reinterpret_cast<const char*>(start), cut);
      skip(len + 1);
      return true;
    }
    scanned = have;
    if (eof_) {
      if (have == 0) return false;
      line = std::string_view(reinterpret_cast<const char*>(start), have);
      skip(have);
      return true;
    }
    if (have >= kCapacity) {
      too_long = true;
      return false;
    }
    fill(have + 1);
  }
}

// ---------------------------------------------------------------- CaptureReader

CaptureReader::CaptureReader(CaptureReader&&) noexcept = default;
CaptureReader& CaptureReader::operator=(CaptureReader&&) noexcept = default;
CaptureReader::~CaptureReader() = default;

CaptureReader CaptureReader::open(const std::string& path) {
  int fd = -1;
  try {
    fd = open_input_file(path);
  } catch (const InputFileError& e) {
    throw CaptureError(e.what());
  }
  return from_source(std::make_unique<FileSource>(fd, path), path);
}

std::unique_ptr<ByteSource> memory_source(ByteView bytes) { return std::make_unique<MemorySource>(bytes); }

CaptureReader CaptureReader::from_memory(ByteView bytes) { return from_source(memory_source(bytes), "input"); }

CaptureReader CaptureReader::from_source(std::unique_ptr<ByteSource> src, const std::string& label) {
  CaptureReader r;
  r.in_ = std::make_unique<BufferedInput>(std::move(src));
  r.in_->peek(1 << 16);  // fills what it can
  ByteView head(r.in_->peek(0), r.in_->available());
  if (head.empty()) throw CaptureError(label + ": the file is empty");
  auto fmt = detect_format(head);
  if (!fmt) {
    if (head.size() >= 16 && std::memcmp(head.data(), "btsnoop", 8) == 0)
      throw CaptureError(label + ": btsnoop datalink " + std::to_string(be32(head.data() + 12)) +
                         " is not supported (1001, 1002 and 2001 are)");
    throw CaptureError(label +
                       ": not a capture declouder knows (btsnoop, PacketLogger, hcidump or btmon text)");
  }
  r.format_ = *fmt;
  switch (*fmt) {
    case CaptureFormat::btsnoop_hci:
    case CaptureFormat::btsnoop_h4:
    case CaptureFormat::btsnoop_monitor: r.parser_ = make_btsnoop_parser(); break;
    case CaptureFormat::pklg_be: r.parser_ = make_pklg_parser(false); break;
    case CaptureFormat::pklg_le: r.parser_ = make_pklg_parser(true); break;
    case CaptureFormat::hcidump_text:
    case CaptureFormat::btmon_text: r.parser_ = make_text_parser(*fmt); break;
  }
  return r;
}

bool CaptureReader::next(HciRecord& rec) {
  if (stop_ || !parser_) return false;
  if (!parser_->next(*in_, rec, stop_)) {
    if (stop_) {
      // Nothing after a fault is read: say how much that is, and whether it is a zero-filled tail.
      const std::uint64_t here = in_->offset();
      bool zeros = false;
      const std::uint64_t rest = in_->drain(zeros);
      const std::uint64_t end = here + rest;
      stop_->ignored_bytes = end > stop_->file_offset ? end - stop_->file_offset : 0;
      stop_->ignored_all_zero = stop_->ignored_bytes > 0 && here == stop_->file_offset && zeros;
    }
    return false;
  }
  ++records_;
  return true;
}

}  // namespace declouder::capture
