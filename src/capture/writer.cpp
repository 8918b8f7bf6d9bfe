// Layouts as documented in btsnoop.cpp, pklg.cpp and hci_text.cpp.
#include "capture/writer.hpp"

#include <cerrno>
#include <cstring>

#include "core/time.hpp"

namespace declouder::capture {

namespace {
constexpr std::int64_t kUnixEpochUs = 0x00DCDDB30F2F8000LL;

void put_u64be(Bytes& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::optional<std::uint8_t> h4_indicator(PacketKind k) {
  switch (k) {
    case PacketKind::command: return 0x01;
    case PacketKind::acl: return 0x02;
    case PacketKind::sco: return 0x03;
    case PacketKind::event: return 0x04;
    case PacketKind::iso: return 0x05;
    default: return std::nullopt;
  }
}

std::optional<std::uint16_t> monitor_opcode(const HciRecord& r) {
  const bool tx = r.direction == Direction::host_to_controller;
  switch (r.kind) {
    case PacketKind::command: return 2;
    case PacketKind::event: return 3;
    case PacketKind::acl: return tx ? 4 : 5;
    case PacketKind::sco: return tx ? 6 : 7;
    case PacketKind::iso: return tx ? 18 : 19;
    case PacketKind::note: return 12;
    case PacketKind::index: return r.data.size() == 16 ? 0 : 8;  // new index carries 16 bytes
    default: return std::nullopt;
  }
}

std::optional<std::uint8_t> pklg_type(const HciRecord& r) {
  const bool tx = r.direction == Direction::host_to_controller;
  switch (r.kind) {
    case PacketKind::command: return 0x00;
    case PacketKind::event: return 0x01;
    case PacketKind::acl: return tx ? 0x02 : 0x03;
    case PacketKind::sco: return tx ? 0x08 : 0x09;
    case PacketKind::note: return 0xFC;
    case PacketKind::index: return 0xFE;
    default: return std::nullopt;
  }
}
}  // namespace

CaptureWriter::CaptureWriter(CaptureWriter&&) noexcept = default;
CaptureWriter& CaptureWriter::operator=(CaptureWriter&&) noexcept = default;
CaptureWriter::~CaptureWriter() {
  try {
    close();
  } catch (...) {
  }
}

static void write_header(Bytes& buf, CaptureFormat format) {
  if (format == CaptureFormat::btsnoop_hci || format == CaptureFormat::btsnoop_h4 ||
      format == CaptureFormat::btsnoop_monitor) {
    const char magic[8] = {'b', 't', 's', 'n', 'o', 'o', 'p', 0};
    buf.insert(buf.end(), magic, magic + 8);
    put_u32be(buf, 1);
    put_u32be(buf, format == CaptureFormat::btsnoop_hci ? 1001 : format == CaptureFormat::btsnoop_h4 ? 1002 : 2001);
  } else if (format == CaptureFormat::hcidump_text) {
    const std::string banner = "HCI sniffer - Bluetooth packet analyzer ver 5.37 (written by declouder)\n";
    buf.insert(buf.end(), banner.begin(), banner.end());
  }
}

CaptureWriter CaptureWriter::to_file(const std::string& path, CaptureFormat format) {
  if (format == CaptureFormat::btmon_text) throw CaptureError("btmon text cannot be written; use btsnoop-monitor");
  CaptureWriter w;
  w.file_ = std::fopen(path.c_str(), "wb");
  if (!w.file_) throw CaptureError(path + ": " + std::strerror(errno));
  w.path_ = path;
  w.format_ = format;
  write_header(w.buf_, format);
  return w;
}

CaptureWriter CaptureWriter::to_memory(Bytes& out, CaptureFormat format) {
  if (format == CaptureFormat::btmon_text) throw CaptureError("btmon text cannot be written; use btsnoop-monitor");
  CaptureWriter w;
  w.memory_ = &out;
  w.format_ = format;
  write_header(w.buf_, format);
  return w;
}

bool CaptureWriter::write(std::int64_t time_us, Direction dir, PacketKind kind, ByteView data,
                          std::uint16_t controller) {
  HciRecord r;
  r.time_us = time_us;
  r.direction = dir;
  r.kind = kind;
  r.data = data;
  r.controller = controller;
  return write(r);
}

bool CaptureWriter::write(const HciRecord& r) {
  Bytes& b = buf_;
  switch (format_) {
    case CaptureFormat::btsnoop_hci:
    case CaptureFormat::btsnoop_h4:
    case CaptureFormat::btsnoop_monitor: {
      std::uint32_t flags = 0;
      int h4 = -1;  // the H4 indicator byte, for datalink 1002 only
      if (format_ == CaptureFormat::btsnoop_monitor) {
        auto op = monitor_opcode(r);
        if (!op) return false;
        flags = (std::uint32_t{r.controller} << 16) | *op;
      } else {
        auto indicator = h4_indicator(r.kind);
        if (!indicator) return false;
        h4 = *indicator;
        if (format_ == CaptureFormat::btsnoop_hci && (r.kind == PacketKind::sco || r.kind == PacketKind::iso))
          return false;  // 1001 cannot tell SCO or ISO from ACL
        const bool rx = r.direction == Direction::controller_to_host || r.kind == PacketKind::event;
        const bool cmd_evt = r.kind == PacketKind::command || r.kind == PacketKind::event;
        flags = (rx ? 1u : 0u) | (cmd_evt ? 2u : 0u);
        if (format_ == CaptureFormat::btsnoop_hci) h4 = -1;
      }
      const auto len = static_cast<std::uint32_t>(r.data.size() + (h4 >= 0 ? 1 : 0));
      put_u32be(b, len);
      put_u32be(b, len);
      put_u32be(b, flags);
      put_u32be(b, 0);
      put_u64be(b, static_cast<std::uint64_t>(r.time_us) + static_cast<std::uint64_t>(kUnixEpochUs));
      if (h4 >= 0) b.push_back(static_cast<std::uint8_t>(h4));
      break;
    }
    case CaptureFormat::pklg_be:
    case CaptureFormat::pklg_le: {
      auto type = pklg_type(r);
      if (!type) return false;
      const bool le = format_ == CaptureFormat::pklg_le;
      auto put32 = [&](std::uint32_t v) { le ? put_u32le(b, v) : put_u32be(b, v); };
      const std::int64_t secs = r.time_us >= 0 ? r.time_us / 1000000 : (r.time_us - 999999) / 1000000;
      put32(static_cast<std::uint32_t>(9 + r.data.size()));
      put32(static_cast<std::uint32_t>(secs));
      put32(static_cast<std::uint32_t>(r.time_us - secs * 1000000));
      b.push_back(*type);
      break;
    }
    case CaptureFormat::hcidump_text: {
      auto h4 = h4_indicator(r.kind);
      if (!h4) return false;
      std::string stamp = iso8601_utc_us(r.time_us);  // 2024-03-17T19:59:33.123456Z
      stamp[10] = ' ';
      stamp.pop_back();
      std::string line = stamp + (r.direction == Direction::host_to_controller ? " < " : " > ");
      static const char* hex = "0123456789abcdef";
      auto put = [&](std::uint8_t v) {
        line.push_back(hex[v >> 4]);
        line.push_back(hex[v & 15]);
        line.push_back(' ');
      };
      put(*h4);
      for (std::size_t i = 0; i < r.data.size(); ++i) {
        if ((i + 1) % 20 == 0) {
          line.back() = '\n';
          line += "  ";
        }
        put(r.data[i]);
      }
      line.back() = '\n';
      b.insert(b.end(), line.begin(), line.end());
      if (b.size() > (1 << 16)) flush();
      return true;
    }
    case CaptureFormat::btmon_text: return false;
  }
  b.insert(b.end(), r.data.begin(), r.data.end());
  if (b.size() > (1 << 16)) flush();
  return true;
}

void CaptureWriter::flush() {
  if (buf_.empty()) return;
  if (memory_) {
    memory_->insert(memory_->end(), buf_.begin(), buf_.end());
  } else if (file_) {
    if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size())
      throw CaptureError(path_ + ": " + std::strerror(errno));
  }
  buf_.clear();
}

void CaptureWriter::close() {
  flush();
  memory_ = nullptr;
  if (file_) {
    const bool bad = std::fclose(file_) != 0;
    file_ = nullptr;
    if (bad) throw CaptureError(path_ + ": write failed");
  }
}

}  // namespace declouder::capture
