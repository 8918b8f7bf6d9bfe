// hcidump and btmon text logs: packets rebuilt from what the tools printed.
//
// Both tools print one packet per block: a headline at column 0 that starts
// with '<' (host to controller) or '>' (controller to host), optionally
// preceded by `hcidump -t`'s "YYYY-MM-DD HH:MM:SS.ffffff " timestamp, then
// indented lines. Three shapes are understood:
//  - raw hex (`hcidump -R`): "< 02 40 00 0a 00 ..." with hex continuation
//    lines; the first byte is the H4 indicator. Exact packets.
//  - hex dumps (`hcidump -X`): the decoded headline followed by "  0000: 01 02
//    ...  ascii" lines holding the parameters. Exact when the dump covers the
//    announced length.
//  - decoded text (hcidump without -R, and btmon): the headline names the packet
//    ("HCI Command: LE Set Scan Enable (0x08|0x000c) plen 2", "HCI Event: ...
//    (0x3e) plen 19", "ACL data: handle 64 flags 0x02 dlen 24" / btmon "ACL Data
//    RX: Handle 64 flags 0x02 dlen 24") and the indented lines give the
//    fields. We rebuild the bytes of the packets whose fields are all printed:
//    every ATT PDU hcidump decodes (read by group / read by type / find info
//    requests and answers, reads, writes, notifications, errors, MTU), command
//    complete/status, disconnection complete, number of completed packets, LE
//    connection complete (address and handle; timing fields are not printed)
//    and LE advertising reports (flags, names, service data and manufacturer
//    data where printed; hcidump's "Unknown type 0xff with 6 bytes data" does
//    not print the bytes). Such records are marked rebuilt, and complete only
//    when the rebuilt length equals the announced one. A packet we cannot
//    rebuild still counts as a record (kind "other", no bytes).
// btmon lines end with "#frame [hciN] seconds" (or a time with -t/-T): the
// controller index and time come from there.
// Sources: bluez-hcidump parser/hci.c and parser/att.c (what they print), as in the
// hcidump log of a public Stack Overflow question on Mi Band 1S heart rate; btmon
// (BlueZ monitor/packet.c) output in public logs.
#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include "capture/packets.hpp"
#include "capture/reader.hpp"
#include "core/time.hpp"

namespace declouder::capture {

namespace {

using std::string_view;

string_view trim(string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool starts_with(string_view s, string_view p) { return s.substr(0, p.size()) == p; }

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "02 40 00 0a": every whitespace-separated token is exactly two hex digits.
bool parse_hex_tokens(string_view s, Bytes& out) {
  s = trim(s);
  if (s.empty()) return false;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ' || s[i] == '\t') {
      ++i;
      continue;
    }
    if (i + 2 > s.size() || hexval(s[i]) < 0 || hexval(s[i + 1]) < 0) return false;
    if (i + 2 < s.size() && s[i + 2] != ' ' && s[i + 2] != '\t') return false;
    out.push_back(static_cast<std::uint8_t>(hexval(s[i]) * 16 + hexval(s[i + 1])));
    i += 2;
  }
  return true;
}

// "0000: 01 0b 20  ..."  (hcidump -X): offset, then bytes up to a double space.
bool parse_offset_dump(string_view s, Bytes& out) {
  s = trim(s);
  if (s.size() < 6 || s[4] != ':') return false;
  for (int i = 0; i < 4; ++i)
    if (hexval(s[i]) < 0) return false;
  std::size_t i = 5;
  bool any = false;
  while (i + 3 <= s.size() && s[i] == ' ' && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0 &&
         (i + 3 == s.size() || s[i + 3] == ' ')) {
    out.push_back(static_cast<std::uint8_t>(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
    i += 3;
    any = true;
  }
  return any;
}

// A number after `key` in `s`: decimal, or hex with 0x. nullopt when absent.
std::optional<long> num_after(string_view s, string_view key) {
  auto p = s.find(key);
  if (p == string_view::npos) return std::nullopt;
  string_view t = s.substr(p + key.size());
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  bool neg = false;
  if (!t.empty() && t.front() == '-') {
    neg = true;
    t.remove_prefix(1);
  }
  long v = 0;
  int base = 10;
  if (starts_with(t, "0x") || starts_with(t, "0X")) {
    base = 16;
    t.remove_prefix(2);
  }
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (ec != std::errc() || end == t.data()) return std::nullopt;
  return neg ? -v : v;
}

// Bytes printed as "0x15 0x02 0x01" after key (hcidump), to the end of the line.
bool bytes_0x_after(string_view s, string_view key, Bytes& out) {
  auto p = s.find(key);
  if (p == string_view::npos) return false;
  string_view t = s.substr(p + key.size());
  bool any = false;
  while (true) {
    t = trim(t);
    if (t.size() < 4 || !starts_with(t, "0x") || hexval(t[2]) < 0 || hexval(t[3]) < 0) break;
    out.push_back(static_cast<std::uint8_t>(hexval(t[2]) * 16 + hexval(t[3])));
    t.remove_prefix(4);
    any = true;
  }
  return any;
}

// Contiguous hex after key (btmon "Data: 0102ab").
bool hex_run_after(string_view s, string_view key, Bytes& out) {
  auto p = s.find(key);
  if (p == string_view::npos) return false;
  string_view t = trim(s.substr(p + key.size()));
  std::size_t n = 0;
  while (n + 1 < t.size() && hexval(t[n]) >= 0 && hexval(t[n + 1]) >= 0) n += 2;
  if (n == 0 || (n < t.size() && t[n] != ' ')) return false;
  for (std::size_t i = 0; i < n; i += 2) out.push_back(static_cast<std::uint8_t>(hexval(t[i]) * 16 + hexval(t[i + 1])));
  return true;
}

// "(0x08|0x000c)" -> opcode.
std::optional<std::uint16_t> ogf_ocf(string_view s) {
  auto p = s.find("(0x");
  while (p != string_view::npos) {
    auto bar = s.find('|', p);
    auto close = s.find(')', p);
    if (bar != string_view::npos && close != string_view::npos && bar < close) {
      auto ogf = num_after(s.substr(p + 1, bar - p - 1), "");
      auto ocf = num_after(s.substr(bar + 1, close - bar - 1), "");
      if (ogf && ocf) return static_cast<std::uint16_t>((*ogf << 10) | (*ocf & 0x3FF));
    }
    p = s.find("(0x", p + 1);
  }
  return std::nullopt;
}

// The last "(0xNN)" in a line: hcidump/btmon print codes that way.
std::optional<long> paren_code(string_view s) {
  auto p = s.rfind("(0x");
  if (p == string_view::npos) return std::nullopt;
  return num_after(s.substr(p + 1), "");
}

std::optional<MacAddress> address_in(string_view s, string_view key) {
  auto p = s.find(key);
  if (p == string_view::npos) return std::nullopt;
  string_view t = trim(s.substr(p + key.size()));
  if (t.size() < 17) return std::nullopt;
  return MacAddress::parse(t.substr(0, 17));
}

std::optional<Uuid> uuid_in(string_view s, string_view key) {
  auto p = s.find(key);
  if (p == string_view::npos) return std::nullopt;
  string_view t = trim(s.substr(p + key.size()));
  auto sp = t.find_first_of(" ,)");
  return Uuid::parse(t.substr(0, sp));
}

struct Block {
  std::string head;
  std::vector<std::string> lines;
  std::uint64_t offset = 0;
  std::int64_t time_us = 0;
  std::uint16_t controller = 0;
  Direction direction = Direction::unknown;
};

class TextParser : public RecordParser {
 public:
  explicit TextParser(CaptureFormat dialect) : btmon_(dialect == CaptureFormat::btmon_text) {}

  bool next(BufferedInput& in, HciRecord& rec, std::optional<ReadStop>& stop) override {
    string_view line;
    bool too_long = false;
    while (true) {
      const std::uint64_t line_offset = in.offset();
      if (!in.read_line(line, too_long)) {
        if (too_long) {
          stop = ReadStop{line_offset, count_ + 1, "a line longer than 1 MiB: not a text log"};
          return false;
        }
        if (!have_pending_) return false;
        have_pending_ = false;
        return build(pending_, rec, stop, true);
      }
      if (line.find('\0') != string_view::npos) {
        stop = ReadStop{line_offset, count_ + 1, "binary data in a text log"};
        have_pending_ = false;
        return false;
      }
      Block b;
      if (headline(line, b)) {
        b.offset = line_offset;
        if (have_pending_) {
          Block done = std::move(pending_);
          pending_ = std::move(b);
          if (build(done, rec, stop, false)) return true;
          if (stop) return false;
          continue;
        }
        pending_ = std::move(b);
        have_pending_ = true;
      } else if (have_pending_ && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
        if (pending_.lines.size() >= 4096) {
          stop = ReadStop{pending_.offset, count_ + 1, "a packet with more than 4096 lines"};
          return false;
        }
        pending_.lines.emplace_back(trim(line));
      }
      // Banners, blank lines and other tools' chatter are not packets.
    }
  }

 private:
  // Recognises a packet headline and fills direction, time and controller.
  bool headline(string_view line, Block& b) {
    std::int64_t time_us = 0;
    bool timed = false;
    // hcidump -t: "2018-05-20 16:48:47.852536 > ..."
    if (line.size() > 27 && line[4] == '-' && line[10] == ' ' && line[13] == ':') {
      std::string stamp(line.substr(0, 26));
      stamp[10] = 'T';
      if (auto t = parse_iso8601_us(stamp)) {
        time_us = *t;
        timed = true;
        line = line.substr(27);
      }
    }
    if (line.size() < 2 || line[1] != ' ') return false;
    if (line[0] == '<') b.direction = Direction::host_to_controller;
    else if (line[0] == '>') b.direction = Direction::controller_to_host;
    else if (btmon_ && (line[0] == '=' || line[0] == '@')) b.direction = Direction::unknown;
    else return false;
    string_view rest = trim(line.substr(2));
    if (rest.empty()) return false;  // a bare "> " (a shell prompt, a cut line) announces no packet
    if (btmon_) {
      // "... #12 [hci0] 11.242315" or "[hci0] 2024-03-17 19:59:33.123456"
      auto br = rest.rfind(" [hci");
      if (br != string_view::npos) {
        string_view tail = rest.substr(br + 5);
        if (auto idx = num_after(tail, "")) b.controller = static_cast<std::uint16_t>(*idx);
        auto close = tail.find("] ");
        if (close != string_view::npos) {
          string_view t = trim(tail.substr(close + 2));
          if (t.size() >= 19 && t[4] == '-') {
            std::string stamp(t);
            stamp[10] = 'T';
            if (auto v = parse_iso8601_us(stamp)) time_us = *v, timed = true;
          } else if (t.size() >= 8 && t[2] == ':' && t[5] == ':') {
            // time of day only (btmon -t): seconds since midnight
            if (auto v = parse_iso8601_us("1970-01-01T" + std::string(t))) time_us = *v, timed = true;
          } else {
            double secs = 0;
            auto [e, ec] = std::from_chars(t.data(), t.data() + t.size(), secs);
            if (ec == std::errc() && secs >= 0 && secs < 1e12)
              time_us = static_cast<std::int64_t>(secs * 1e6 + 0.5), timed = true;
          }
        }
        rest = trim(rest.substr(0, br));
        auto hash = rest.rfind(" #");
        if (hash != string_view::npos) rest = trim(rest.substr(0, hash));
      }
    }
    (void)timed;
    b.time_us = time_us;
    b.head = std::string(line.substr(0, 2)) + std::string(rest);
    return true;
  }

  bool emit(const Block& b, HciRecord& rec, PacketKind kind, bool rebuilt, bool complete) {
    rec = HciRecord{};
    rec.time_us = b.time_us;
    rec.direction = b.direction;
    rec.kind = kind;
    rec.controller = b.controller;
    rec.data = packet_;
    rec.file_offset = b.offset;
    rec.record_number = ++count_;
    rec.rebuilt = rebuilt;
    rec.complete = complete;
    return true;
  }

  bool build(const Block& b, HciRecord& rec, std::optional<ReadStop>& stop, bool last) {
    packet_.clear();
    string_view head = string_view(b.head).substr(2);
    // Raw hex (-R): the whole packet with its H4 byte.
    Bytes raw;
    if (parse_hex_tokens(head, raw)) {
      for (const auto& l : b.lines)
        if (!parse_hex_tokens(l, raw)) break;
      return build_raw(b, raw, rec, stop, last);
    }
    if (head.size() >= 3 && hexval(head[0]) >= 0 && hexval(head[1]) >= 0 && head[2] == ' ') {
      // Starts like raw hex but is not: a cut or garbled line.
      stop = ReadStop{b.offset, count_ + 1,
                      std::string(last ? "truncated" : "garbled") + " raw hex line: '" + std::string(head.substr(0, 60)) + "'"};
      return false;
    }
    if (b.direction == Direction::unknown) {  // btmon "= Note", "@ MGMT": not HCI packets
      packet_.assign(head.begin(), head.end());
      return emit(b, rec, starts_with(head, "Note") ? PacketKind::note : PacketKind::other, true, true);
    }
    // Hex dumps (-X) of the parameters.
    Bytes dump;
    for (const auto& l : b.lines) parse_offset_dump(l, dump);

    if (starts_with(head, "HCI Command:")) {
      auto opcode = ogf_ocf(head);
      auto plen = num_after(head, "plen");
      if (!opcode || !plen) return emit_other(b, rec);
      if (!dump.empty() && static_cast<long>(dump.size()) == *plen) {
        packet_ = packet::command(*opcode, dump);
        return emit(b, rec, PacketKind::command, false, true);
      }
      Bytes params = rebuild_command_params(*opcode, b.lines);
      packet_ = packet::command(*opcode, params);
      return emit(b, rec, PacketKind::command, true, static_cast<long>(params.size()) == *plen);
    }
    if (starts_with(head, "HCI Event:")) {
      auto code = paren_code(head.substr(0, head.find("plen")));
      auto plen = num_after(head, "plen");
      if (!code || !plen) return emit_other(b, rec);
      if (!dump.empty() && static_cast<long>(dump.size()) == *plen) {
        packet_ = packet::event(static_cast<std::uint8_t>(*code), dump);
        return emit(b, rec, PacketKind::event, false, true);
      }
      Bytes params;
      if (!rebuild_event_params(static_cast<std::uint8_t>(*code), b.lines, params)) return emit_other(b, rec);
      packet_ = packet::event(static_cast<std::uint8_t>(*code), params);
      return emit(b, rec, PacketKind::event, true, static_cast<long>(params.size()) == *plen);
    }
    if (starts_with(head, "ACL data:") || starts_with(head, "ACL Data TX:") || starts_with(head, "ACL Data RX:")) {
      auto handle = num_after(head, btmon_ ? "Handle" : "handle");
      auto flags = num_after(head, "flags");
      auto dlen = num_after(head, "dlen");
      if (!handle || !flags || !dlen) return emit_other(b, rec);
      const auto pb = static_cast<std::uint8_t>(*flags & 3);
      if (!dump.empty() && static_cast<long>(dump.size()) == *dlen) {
        packet_ = packet::acl(static_cast<std::uint16_t>(*handle), pb, dump);
        return emit(b, rec, PacketKind::acl, false, true);
      }
      Bytes att;
      if (!rebuild_att(b.lines, att)) return emit_other(b, rec);
      Bytes l2 = packet::l2cap(0x0004, att);
      packet_ = packet::acl(static_cast<std::uint16_t>(*handle), pb, l2);
      return emit(b, rec, PacketKind::acl, true, static_cast<long>(l2.size()) == *dlen);
    }
    return emit_other(b, rec);
  }

  bool emit_other(const Block& b, HciRecord& rec) {
    packet_.clear();
    return emit(b, rec, PacketKind::other, true, false);
  }

  bool build_raw(const Block& b, const Bytes& raw, HciRecord& rec, std::optional<ReadStop>& stop, bool last) {
    auto fault = [&](std::string why) {
      stop = ReadStop{b.offset, count_ + 1, std::move(why)};
      return false;
    };
    PacketKind kind;
    std::size_t need = 0;
    const std::size_t n = raw.size();
    switch (raw[0]) {
      case 0x01: kind = PacketKind::command; need = n >= 4 ? 4u + raw[3] : 4; break;
      case 0x02: kind = PacketKind::acl; need = n >= 5 ? 5u + le16(&raw[3]) : 5; break;
      case 0x03: kind = PacketKind::sco; need = n >= 4 ? 4u + raw[3] : 4; break;
      case 0x04: kind = PacketKind::event; need = n >= 3 ? 3u + raw[2] : 3; break;
      case 0x05: kind = PacketKind::iso; need = n >= 5 ? 5u + (le16(&raw[3]) & 0x3FFF) : 5; break;
      default: return fault("unknown packet indicator 0x" + to_hex(ByteView(raw).first(1)) + " in raw hex");
    }
    if (n < need)
      return fault(std::string(last ? "truncated" : "short") + " raw packet: " + std::to_string(need - 1) +
                   " bytes announced, " + std::to_string(n - 1) + " present");
    packet_.assign(raw.begin() + 1, raw.begin() + static_cast<std::ptrdiff_t>(need));
    return emit(b, rec, kind, false, true);
  }

  // Command parameters hcidump prints in full.
  static Bytes rebuild_command_params(std::uint16_t opcode, const std::vector<std::string>& lines) {
    Bytes p;
    if (opcode == 0x200C && !lines.empty()) {  // LE Set Scan Enable
      auto v = num_after(lines[0], "value");
      auto f = lines.size() > 1 ? num_after(lines[1], "filter duplicates") : std::nullopt;
      if (v && f) p = {static_cast<std::uint8_t>(*v), static_cast<std::uint8_t>(*f)};
    }
    return p;
  }

  bool rebuild_event_params(std::uint8_t code, const std::vector<std::string>& lines, Bytes& p) {
    auto line = [&](std::size_t i) -> string_view { return i < lines.size() ? string_view(lines[i]) : string_view(); };
    switch (code) {
      case 0x05: {  // Disconnection complete
        auto st = num_after(line(0), btmon_ ? "Status:" : "status");
        if (btmon_) st = paren_code(line(0));
        auto h = num_after(btmon_ ? line(1) : line(0), btmon_ ? "Handle:" : "handle");
        auto r = btmon_ ? paren_code(line(2)) : num_after(line(0), "reason");
        if (!st || !h || !r) return false;
        p = {static_cast<std::uint8_t>(*st)};
        put_u16le(p, static_cast<std::uint16_t>(*h));
        p.push_back(static_cast<std::uint8_t>(*r));
        return true;
      }
      case 0x0E: {  // Command complete: "NAME (0x08|0x000b) ncmd 1", "status 0x00"
        auto op = ogf_ocf(line(0));
        auto ncmd = num_after(line(0), "ncmd");
        if (!op || !ncmd) return false;
        p = {static_cast<std::uint8_t>(*ncmd)};
        put_u16le(p, *op);
        std::optional<long> st = btmon_ ? paren_code(line(1)) : num_after(line(1), "status");
        if (st) p.push_back(static_cast<std::uint8_t>(*st));
        return true;
      }
      case 0x0F: {  // Command status: "NAME (0x08|0x000d) status 0x00 ncmd 1"
        auto op = ogf_ocf(line(0));
        auto st = num_after(line(0), "status");
        auto ncmd = num_after(line(0), "ncmd");
        if (!op || !st || !ncmd) return false;
        p = {static_cast<std::uint8_t>(*st), static_cast<std::uint8_t>(*ncmd)};
        put_u16le(p, *op);
        return true;
      }
      case 0x13: {  // Number of completed packets: "handle 64 packets 2" per handle
        Bytes items;
        std::uint8_t n = 0;
        for (const auto& l : lines) {
          auto h = num_after(l, "handle");
          auto c = num_after(l, "packets");
          if (!h || !c) continue;
          put_u16le(items, static_cast<std::uint16_t>(*h));
          put_u16le(items, static_cast<std::uint16_t>(*c));
          ++n;
        }
        if (n == 0) return false;
        p = {n};
        p.insert(p.end(), items.begin(), items.end());
        return true;
      }
      case 0x3E: return rebuild_le_meta(lines, p);
    }
    return false;
  }

  bool rebuild_le_meta(const std::vector<std::string>& lines, Bytes& p) {
    if (lines.empty()) return false;
    string_view sub = lines[0];
    if (starts_with(sub, "LE Connection Complete") || starts_with(sub, "LE Enhanced Connection Complete")) {
      std::optional<long> st, h, role;
      std::optional<MacAddress> addr;
      long addr_type = 0;
      for (const auto& l : lines) {
        string_view s = l;
        if (!st) st = btmon_ ? (starts_with(s, "Status:") ? paren_code(s) : std::nullopt) : num_after(s, "status");
        if (!h) h = num_after(s, btmon_ ? "Handle:" : "handle");
        if (!role && btmon_ && starts_with(s, "Role:")) role = paren_code(s);
        if (!role && !btmon_ && s.find("role") != string_view::npos) role = s.find("role master") != string_view::npos ? 0 : 1;
        if (!addr) {
          addr = address_in(s, btmon_ ? "Peer address:" : "bdaddr");
          if (addr && s.find("Random") != string_view::npos) addr_type = 1;
        }
        if (btmon_ && starts_with(s, "Peer address type:")) addr_type = paren_code(s).value_or(0);
      }
      if (!st || !h || !addr) return false;
      p = packet::le_connection_complete(static_cast<std::uint8_t>(*st), static_cast<std::uint16_t>(*h),
                                         static_cast<std::uint8_t>(role.value_or(0)),
                                         static_cast<std::uint8_t>(addr_type), *addr);
      p.erase(p.begin(), p.begin() + 2);  // event header: params only
      // Interval, latency, timeout and clock accuracy are not printed: zero them.
      std::fill(p.begin() + 12, p.end(), 0);
      return true;
    }
    if (starts_with(sub, "LE Advertising Report")) {
      // hcidump: "ADV_IND - ... (0)", "bdaddr XX (Public)", AD lines, "RSSI: -65"
      // btmon: "Event type: ... (0x00)", "Address type:", "Address: XX", AD lines, "RSSI: -65 dBm (0xbf)"
      std::optional<long> type, rssi;
      std::optional<MacAddress> addr;
      long addr_type = 0;
      Bytes ad;
      for (std::size_t i = 1; i < lines.size(); ++i) {
        string_view s = lines[i];
        if (!type && (s.find("ADV_") != string_view::npos || s.find("SCAN_RSP") != string_view::npos)) {
          type = paren_code(s);
          if (!type) {
            auto open = s.rfind('(');
            if (open != string_view::npos) type = num_after(s.substr(open + 1), "");
          }
        } else if (!addr && (starts_with(s, "bdaddr") || starts_with(s, "Address:"))) {
          addr = address_in(s, starts_with(s, "bdaddr") ? "bdaddr" : "Address:");
          if (s.find("Random") != string_view::npos) addr_type = 1;
        } else if (starts_with(s, "Address type:")) {
          addr_type = paren_code(s).value_or(0);
        } else if (starts_with(s, "RSSI:")) {
          rssi = num_after(s, "RSSI:");
        } else if (starts_with(s, "Flags:")) {
          if (auto f = num_after(s, "Flags:")) {
            Bytes a = packet::ad_flags(static_cast<std::uint8_t>(*f));
            ad.insert(ad.end(), a.begin(), a.end());
          }
        } else if (auto n = name_in(s)) {
          Bytes a = packet::ad_name(n->first, n->second);
          ad.insert(ad.end(), a.begin(), a.end());
        } else if (starts_with(s, "Service Data (UUID 0x")) {
          auto u = num_after(s, "UUID");
          Bytes d;
          if (u && hex_run_after(s, "):", d)) {
            Bytes a = packet::ad_service_data16(static_cast<std::uint16_t>(*u), d);
            ad.insert(ad.end(), a.begin(), a.end());
          }
        } else if (starts_with(s, "Company:") && i + 1 < lines.size()) {
          const auto open = s.rfind('(');
          auto id = open == string_view::npos ? std::nullopt : num_after(s.substr(open), "(");
          Bytes d;
          if (id && hex_run_after(lines[i + 1], "Data:", d)) {
            Bytes a = packet::ad_manufacturer(static_cast<std::uint16_t>(*id), d);
            ad.insert(ad.end(), a.begin(), a.end());
            ++i;
          }
        }
      }
      if (!addr) return false;
      p = packet::le_advertising_report(static_cast<std::uint8_t>(type.value_or(0)),
                                        static_cast<std::uint8_t>(addr_type), *addr, ad,
                                        static_cast<std::int8_t>(rssi.value_or(127)));
      p.erase(p.begin(), p.begin() + 2);
      return true;
    }
    return false;
  }

  // "Complete local name: 'MI'" (hcidump), "Name (complete): MI" (btmon).
  static std::optional<std::pair<std::string, bool>> name_in(string_view s) {
    for (auto [key, complete] : {std::pair<string_view, bool>{"Complete local name:", true},
                                 {"Shortened local name:", false},
                                 {"Name (complete):", true},
                                 {"Name (short):", false}}) {
      if (!starts_with(s, key)) continue;
      string_view t = trim(s.substr(key.size()));
      if (t.size() >= 2 && t.front() == '\'' && t.back() == '\'') t = t.substr(1, t.size() - 2);
      return std::pair<std::string, bool>{std::string(t), complete};
    }
    return std::nullopt;
  }

  // The ATT PDU of an ACL block, from the lines after "ATT: NAME (0xNN)".
  bool rebuild_att(const std::vector<std::string>& lines, Bytes& att) {
    std::size_t i = 0;
    while (i < lines.size() && !starts_with(lines[i], "ATT:")) ++i;
    if (i == lines.size()) return false;
    string_view head = lines[i];
    auto opcode = paren_code(head.substr(0, head.find(" len ")));
    if (!opcode) return false;
    const auto op = static_cast<std::uint8_t>(*opcode);
    std::vector<string_view> f;
    for (std::size_t j = i + 1; j < lines.size(); ++j) f.emplace_back(lines[j]);
    att = {op};
    // A raw hex dump of the parameters (hcidump prints indications that way).
    Bytes dump;
    for (auto s : f) parse_offset_dump(s, dump);
    if (!dump.empty()) {
      att.insert(att.end(), dump.begin(), dump.end());
      return true;
    }
    if (btmon_) return rebuild_att_btmon(op, f, att);
    auto field = [&](std::size_t k) -> string_view { return k < f.size() ? f[k] : string_view(); };
    switch (op) {
      case 0x01: {  // "Error: Attribute not found (10)", "Read By Group req (0x10) on handle 0x0052"
        auto code = num_after(field(0).substr(field(0).rfind('(') == string_view::npos ? 0 : field(0).rfind('(')), "(");
        auto req = paren_code(field(1).substr(0, field(1).find(" on handle")));
        auto h = num_after(field(1), "on handle");
        if (!code || !req || !h) return false;
        att.push_back(static_cast<std::uint8_t>(*req));
        put_u16le(att, static_cast<std::uint16_t>(*h));
        att.push_back(static_cast<std::uint8_t>(*code));
        return true;
      }
      case 0x02: case 0x03: {
        auto mtu = num_after(field(0), "mtu");
        if (!mtu) return false;
        put_u16le(att, static_cast<std::uint16_t>(*mtu));
        return true;
      }
      case 0x04: case 0x08: case 0x10: {  // "start 0x0001, end 0xffff", "type-uuid 0x2800"
        auto s = num_after(field(0), "start");
        auto e = num_after(field(0), "end");
        if (!s || !e) return false;
        put_u16le(att, static_cast<std::uint16_t>(*s));
        put_u16le(att, static_cast<std::uint16_t>(*e));
        if (op != 0x04) {
          auto u = uuid_in(field(1), "type-uuid");
          if (!u) return false;
          Bytes ub = packet::att_uuid_le(*u);
          att.insert(att.end(), ub.begin(), ub.end());
        }
        return true;
      }
      case 0x05: {  // "format: uuid-16", "handle 0x0001, uuid 0x2800 (...)"
        Bytes items;
        std::uint8_t format = 0;
        for (auto s : f) {
          auto h = num_after(s, "handle");
          auto u = uuid_in(s, "uuid");
          if (!h || !u) continue;
          Bytes ub = packet::att_uuid_le(*u);
          format = ub.size() == 2 ? 1 : 2;
          put_u16le(items, static_cast<std::uint16_t>(*h));
          items.insert(items.end(), ub.begin(), ub.end());
        }
        if (!format) return false;
        att.push_back(format);
        att.insert(att.end(), items.begin(), items.end());
        return true;
      }
      case 0x09: {  // "length: 7", "handle 0x0002, value 0x02 0x03 0x00 0x00 0x2a"
        auto len = num_after(field(0), "length:");
        if (!len) return false;
        att.push_back(static_cast<std::uint8_t>(*len));
        for (std::size_t k = 1; k < f.size(); ++k) {
          auto h = num_after(f[k], "handle");
          if (!h) continue;
          put_u16le(att, static_cast<std::uint16_t>(*h));
          bytes_0x_after(f[k], "value", att);
        }
        return true;
      }
      case 0x11: {  // "attr handle 0x0001, end group handle 0x0009", "value 0x00 0x18"
        Bytes items;
        std::size_t item_len = 0;
        for (std::size_t k = 0; k + 1 < f.size(); k += 2) {
          auto s = num_after(f[k], "attr handle");
          auto e = num_after(f[k], "end group handle");
          Bytes v;
          if (!s || !e || !bytes_0x_after(f[k + 1], "value", v)) return false;
          put_u16le(items, static_cast<std::uint16_t>(*s));
          put_u16le(items, static_cast<std::uint16_t>(*e));
          items.insert(items.end(), v.begin(), v.end());
          item_len = 4 + v.size();
        }
        if (!item_len) return false;
        att.push_back(static_cast<std::uint8_t>(item_len));
        att.insert(att.end(), items.begin(), items.end());
        return true;
      }
      case 0x0A: case 0x0C: {
        auto h = num_after(field(0), "handle");
        if (!h) return false;
        put_u16le(att, static_cast<std::uint16_t>(*h));
        if (op == 0x0C) put_u16le(att, static_cast<std::uint16_t>(num_after(field(0), "offset").value_or(0)));
        return true;
      }
      case 0x0B: case 0x0D:
        bytes_0x_after(field(0), "value", att);
        return true;
      case 0x12: case 0x52: case 0x1B: case 0x1D: {
        // "handle 0x004e value  0x15 0x02 0x01" or "handle 0x004b" + "value 0x06 0x46"
        auto h = num_after(field(0), "handle");
        if (!h) return false;
        put_u16le(att, static_cast<std::uint16_t>(*h));
        if (!bytes_0x_after(field(0), "value", att)) bytes_0x_after(field(1), "value", att);
        return true;
      }
      case 0x13: case 0x19: case 0x1E:
        return true;
    }
    return f.empty();  // an opcode without parameters
  }

  // btmon: "Handle: 0x0029", "Data: 01" / "Value: 0646"; MTU "Client RX MTU: 517".
  static bool rebuild_att_btmon(std::uint8_t op, const std::vector<string_view>& f, Bytes& att) {
    std::optional<long> handle, mtu;
    Bytes data;
    bool have_data = false;
    for (auto s : f) {
      if (!handle && starts_with(s, "Handle:")) handle = num_after(s, "Handle:");
      if (!mtu && s.find("MTU:") != string_view::npos) mtu = num_after(s, "MTU:");
      if (!have_data && (starts_with(s, "Data:") || starts_with(s, "Value:")))
        have_data = hex_run_after(s, starts_with(s, "Data:") ? "Data:" : "Value:", data);
    }
    switch (op) {
      case 0x02: case 0x03:
        if (!mtu) return false;
        put_u16le(att, static_cast<std::uint16_t>(*mtu));
        return true;
      case 0x0A:
        if (!handle) return false;
        put_u16le(att, static_cast<std::uint16_t>(*handle));
        return true;
      case 0x0B: case 0x0D:
        att.insert(att.end(), data.begin(), data.end());
        return true;
      case 0x12: case 0x52: case 0x1B: case 0x1D:
        if (!handle) return false;
        put_u16le(att, static_cast<std::uint16_t>(*handle));
        att.insert(att.end(), data.begin(), data.end());
        return true;
      case 0x13: case 0x1E: return true;
    }
    return false;
  }

  bool btmon_;
  bool have_pending_ = false;
  Block pending_;
  Bytes packet_;
  std::uint64_t count_ = 0;
};

}  // namespace

std::unique_ptr<RecordParser> make_text_parser(CaptureFormat dialect) { return std::make_unique<TextParser>(dialect); }

}  // namespace declouder::capture
