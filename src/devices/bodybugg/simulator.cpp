#include "devices/bodybugg/simulator.hpp"

#include <algorithm>
#include <cmath>

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <sstream>

#include "core/time.hpp"
#include "devices/bodybugg/armband_frame.hpp"
#include "devices/bodybugg/channels.hpp"
#include "devices/bodybugg/pdp.hpp"
#include "devices/bodybugg/transport.hpp"

namespace declouder::sim {
namespace {

std::int64_t host_seconds() { return now_unix_us() / 1000000; }

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string usage_for_get() {
  std::string u = "usage: get <parameter> [value [value value]]\r\nwhere <parameter> is one of:\r\n";
  for (auto p : bodybugg::get_parameters()) u += "\t" + std::string(p) + "\r\n";
  return u;
}

std::string usage_for_set() {
  std::string u = "usage: set <parameter> value [value [value]]\r\nwhere <parameter> is one of:\r\n";
  for (auto p : bodybugg::set_parameters()) u += "\t" + std::string(p) + "\r\n";
  return u;
}

constexpr const char* kGeneralUsage =
    "usage: channel show | record show | record define <index> <type> <name> <divisor> <channels[1..8]> <bytes> | "
    "record commit | retrieve PDP | file init|clear|size|msgerase | get <parameter> | set <parameter> value\r\n";

}  // namespace

std::string synthetic_pdp_dump(std::int64_t start_unix_s) {
  constexpr int kMinutes = 8 * 60;
  constexpr std::uint16_t kOneAMinute = 60 * bodybugg::kTicksPerSecond;
  std::uint32_t noise = 0x2545F491;  // a fixed xorshift state: the same dump every time
  auto next_noise = [&noise] {
    noise ^= noise << 13;
    noise ^= noise >> 17;
    noise ^= noise << 5;
    return static_cast<int>(noise % 41) - 20;  // -20..20 counts
  };
  bodybugg::PdpSession base;
  base.format_version = "0502";
  base.model = "Firefly2";
  base.device_address = 0x0E00E3EC;
  base.epoch = start_unix_s;
  base.sample_bits = 0x0C;
  base.tick_rate = 0x20;
  base.divisor = kOneAMinute;
  base.complete = true;
  std::string dump;
  // Channel ids of the armband's table (channels.cpp), with a mid level and a daily swing.
  struct Shape {
    const char* channel;
    int level, swing;
  };
  for (const Shape& c : {Shape{"MOVTSKIN", 2600, 300}, Shape{"MOVGSR", 900, 400}, Shape{"MOVACCTR", 2048, 150},
                         Shape{"MOVACCLO", 2048, 150}, Shape{"PEDO3", 40, 40}, Shape{"MOVTCOV", 1800, 250}}) {
    bodybugg::PdpSession s = base;
    s.channel = c.channel;
    s.channel_id = *bodybugg::channel_id(c.channel);
    for (int m = 0; m < kMinutes; ++m) {
      // A slow rise over the morning and back: a quarter of a sine over the eight hours.
      const double day = std::sin(3.14159265358979 * m / kMinutes);
      const int v = c.level + static_cast<int>(c.swing * day) + next_noise();
      s.samples.emplace_back(static_cast<std::uint16_t>(std::clamp(v, 0, 0xFFE)));
    }
    s.declared_count = static_cast<std::uint32_t>(s.samples.size());
    dump += bodybugg::format_pdp_session(s);
  }
  bodybugg::PdpSession presses = base;
  presses.channel = "TIMESTMP";
  presses.channel_id = bodybugg::kTimestampChannel;
  presses.sample_bits = 0;
  presses.timestamps_ms = {(start_unix_s + 2 * 3600) * 1000 + 250, (start_unix_s + 5 * 3600 + 17) * 1000 + 500};
  presses.declared_count = 2;
  dump += bodybugg::format_pdp_session(presses);
  bodybugg::PdpSession diagnostics = base;
  diagnostics.channel = "DIAGNSTC";
  diagnostics.channel_id = bodybugg::kDiagnosticChannel;
  diagnostics.sample_bits = 0x10;
  diagnostics.diagnostics = {{start_unix_s + 60, 4880, 1}};
  diagnostics.declared_count = 1;
  dump += bodybugg::format_pdp_session(diagnostics);
  return dump;
}

BodyBuggDeviceState default_bodybugg_state(const std::string& pdp_dump) {
  BodyBuggDeviceState s;
  s.pdp_dump = pdp_dump;
  s.parameters = {{"serialnum", "0E00E3EC"}, {"version", "Firefly2 5.02"}, {"battery", "3061"},
                  {"memory", "2097152"},     {"productcode", "BodyBugg SP"}};
  // The `record show` of the BodyBuggBypass write-up.
  s.records = {{0, 16, "V6RES1", 1920, {9, 11, 12, 27, 14, 16, 17, 40}, 13},
               {1, 17, "V6RES2", 1920, {20, 21, 23, 24, 38, 29, 37}, 12},
               {2, 18, "V6RES3", 1920, {30, 34, 35, 31, 39, 13, 28}, 12},
               {3, 19, "V6RES4", 1920, {26, 18, 25, 10, 8}, 9},
               {4, 20, "UNUSED", 0, {}, 0}};
  return s;
}

BodyBuggDevice::BodyBuggDevice(BodyBuggDeviceState s) : s_(std::move(s)), staged_(s_.records) {
  clock_set_at_host_ = host_seconds();
}

std::int64_t BodyBuggDevice::clock_now() const { return s_.clock_unix_s + (host_seconds() - clock_set_at_host_); }

std::string BodyBuggDevice::answer(const std::string& command) {
  log.push_back(command);
  auto w = words(command);
  if (w.empty()) return "";
  const std::string& verb = w[0];
  if (verb == "get") {
    if (w.size() < 2 || !bodybugg::is_get_parameter(w[1])) return usage_for_get();
    if (w[1] == "lastdataupdate") return "Last Data Update: " + std::to_string(s_.last_data_update) + "\r\n";
    if (w[1] == "epoch") return "Epoch: " + std::to_string(clock_now()) + "\r\n";
    auto it = s_.parameters.find(w[1]);
    return w[1] + ": " + (it == s_.parameters.end() ? "0" : it->second) + "\r\n";
  }
  if (verb == "set") {
    if (w.size() < 3 || !bodybugg::is_set_parameter(w[1])) return usage_for_set();
    if (w[1] == "lastdataupdate" || w[1] == "epoch") {
      std::int64_t v = 0;
      try {
        v = std::stoll(w[2]);
      } catch (const std::exception&) {
        return usage_for_set();
      }
      if (w[1] == "epoch") {
        s_.clock_unix_s = v;
        clock_set_at_host_ = host_seconds();
      } else {
        s_.last_data_update = v;
      }
    } else {
      std::string v = w[2];
      for (std::size_t i = 3; i < w.size(); ++i) v += " " + w[i];
      s_.parameters[w[1]] = v;
    }
    return "";
  }
  if (verb == "retrieve" && w.size() == 2 && w[1] == "PDP") return s_.pdp_dump;
  if (verb == "file" && w.size() == 2) {
    if (w[1] == "init" || w[1] == "clear") {
      s_.pdp_dump.clear();
      return "";
    }
    if (w[1] == "size") return "File Size: " + std::to_string(s_.pdp_dump.size()) + "\r\n";
    if (w[1] == "msgerase") return "";
  }
  if (verb == "channel" && w.size() == 2 && w[1] == "show") {
    std::string t = "Chan# Name\r\n----- ----\r\n";
    for (int id = 0; id < 42; ++id) t += std::to_string(id) + " " + std::string(bodybugg::channel_name(static_cast<std::uint8_t>(id))) + "\r\n";
    return t;
  }
  if (verb == "record" && w.size() >= 2) {
    if (w[1] == "show") {
      std::string t = "# Type Name     Div  Channels                        Bytes\r\n- ---- -------- ---- ------------------------------- -----\r\n";
      for (const auto& r : s_.records) {
        t += std::to_string(r.index) + " " + std::to_string(r.type) + " " + r.name + " " + std::to_string(r.divisor);
        for (std::size_t c = 0; c < 8; ++c) t += " " + std::to_string(c < r.channels.size() ? r.channels[c] : 254);
        t += " " + std::to_string(r.bytes) + "\r\n";
      }
      return t;
    }
    if (w[1] == "define" && w.size() >= 8 && w.size() <= 15) {
      try {
        bodybugg::RecordSlot r;
        r.index = std::stoi(w[2]);
        r.type = std::stoi(w[3]);
        r.name = w[4];
        r.divisor = std::stoi(w[5]);
        for (std::size_t i = 6; i + 1 < w.size(); ++i)
          if (int c = std::stoi(w[i]); c != 254) r.channels.push_back(c);
        r.bytes = std::stoi(w.back());
        if (r.index >= 0 && r.index < static_cast<int>(staged_.size()) &&
            r.bytes == bodybugg::record_bytes_for(r.channels.size())) {
          staged_[static_cast<std::size_t>(r.index)] = r;
          return "";
        }
      } catch (const std::exception&) {
      }
      return "usage: record define <index> <type> <name> <divisor> <channels[1..8]> <bytes>\r\n";
    }
    if (w[1] == "commit") {
      s_.records = staged_;
      return "";
    }
  }
  if (verb == "noop") return "";
  return kGeneralUsage;
}

BodyBuggSimulator::BodyBuggSimulator(BodyBuggDeviceState state, BodyBuggSimOptions opt)
    : device_(std::move(state)), opt_(opt) {}

BodyBuggSimulator::~BodyBuggSimulator() { stop(); }

void BodyBuggSimulator::start() {
  stop_ = false;
  thread_ = std::thread([this] { serve(stop_); });
}

void BodyBuggSimulator::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void BodyBuggSimulator::send(ByteView b) {
  std::size_t done = 0;
  while (done < b.size()) {
    ssize_t n = ::write(pty_.master, b.data() + done, b.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      pollfd p{pty_.master, POLLOUT, 0};
      ::poll(&p, 1, 100);
    } else {
      return;
    }
  }
}

void BodyBuggSimulator::send_text_answer(const std::string& command, const std::string& text) {
  std::string out = text;
  if (command == "retrieve PDP" && opt_.break_pdp_after) {
    out.resize(std::min(out.size(), *opt_.break_pdp_after));
    opt_.break_pdp_after.reset();
    if (opt_.transport == SimTransport::framed) {
      // A pulled cable: the chunks stop, no end-of-answer chunk follows.
      for (std::size_t at = 0; at < out.size(); at += bodybugg::kFramedTextChunk) {
        armband::Frame f;
        f.kind = armband::kKindAnswer;
        f.from = 0x0E00E3EC;
        f.to = armband::kHostAddress;
        f.command = bodybugg::kFramedTextAnswer;
        std::size_t n = std::min(bodybugg::kFramedTextChunk, out.size() - at);
        f.body[0] = static_cast<std::uint8_t>(n);
        std::copy(out.begin() + static_cast<std::ptrdiff_t>(at), out.begin() + static_cast<std::ptrdiff_t>(at + n), f.body.begin() + 1);
        send(armband::encode_frame(f));
      }
      return;
    }
  }
  if (opt_.transport == SimTransport::line) {
    for (std::size_t at = 0; at < out.size();) {
      std::size_t n = std::min(opt_.write_chunk, out.size() - at);
      const bool pause_here = command == "retrieve PDP" && opt_.pause_ms > 0 && at < opt_.pause_pdp_at;
      if (pause_here) n = std::min(n, opt_.pause_pdp_at - at);
      send(ByteView(reinterpret_cast<const std::uint8_t*>(out.data() + at), n));
      at += n;
      if (pause_here && at == opt_.pause_pdp_at) std::this_thread::sleep_for(std::chrono::milliseconds(opt_.pause_ms));
    }
    return;
  }
  std::uint8_t seq = 0;
  std::size_t at = 0;
  for (;;) {
    armband::Frame f;
    f.kind = armband::kKindAnswer;
    f.from = 0x0E00E3EC;
    f.to = armband::kHostAddress;
    f.command = bodybugg::kFramedTextAnswer;
    f.sequence = seq++;
    std::size_t n = std::min(bodybugg::kFramedTextChunk, out.size() - at);
    f.body[0] = static_cast<std::uint8_t>(n);
    std::copy(out.begin() + static_cast<std::ptrdiff_t>(at), out.begin() + static_cast<std::ptrdiff_t>(at + n), f.body.begin() + 1);
    send(armband::encode_frame(f));
    if (n == 0) return;
    at += n;
  }
}

bool BodyBuggSimulator::asleep(const std::string& what) {
  if (ignored_ >= opt_.warmup_commands) return false;
  ++ignored_;
  device_.log.push_back("(asleep) " + what);
  return true;
}

void BodyBuggSimulator::handle_line(const std::string& line) {
  if (line.empty()) return;
  if (asleep(line)) return;
  if (opt_.before_clear && (line == "file init" || line == "file clear")) opt_.before_clear(line);
  send_text_answer(line, device_.answer(line));
}

void BodyBuggSimulator::handle_bytes(ByteView in) {
  if (opt_.transport == SimTransport::line) {
    for (std::uint8_t b : in) {
      if (b == '\r' || b == '\n') {
        std::string line;
        line.swap(line_buf_);
        handle_line(line);
      } else {
        line_buf_ += static_cast<char>(b);
      }
    }
    return;
  }
  frame_buf_.insert(frame_buf_.end(), in.begin(), in.end());
  armband::FrameDecoder dec;
  dec.feed(frame_buf_);
  std::size_t consumed_frames = 0;
  while (auto f = dec.next()) {
    ++consumed_frames;
    if (f->kind != armband::kKindRequest) continue;
    if (f->command == bodybugg::kFramedTextRequest) {
      std::string text;
      for (auto c : f->body) {
        if (c == 0) break;
        text += static_cast<char>(c);
      }
      handle_line(text);
    } else if (f->command == armband::kCommandMemoryRead) {
      if (asleep("memory read")) continue;
      device_.log.push_back("memory read");
      std::uint32_t off = le32(&f->body[0]);
      std::uint16_t len = le16(&f->body[4]);
      for (const auto& a : armband::memory_read_answer(device_.state().flash_image, off, len, 0x0E00802A))
        send(armband::encode_frame(a));
    } else if (f->command == 0x89 && f->body[0] == 0x02) {
      // Clear memory (bmhack). The real answer is unknown: we acknowledge with one frame.
      device_.log.push_back("clear memory");
      if (opt_.before_clear) opt_.before_clear("clear memory");
      device_.erase_flash();
      armband::Frame a;
      a.kind = armband::kKindAnswer;
      a.from = 0x0E00802A;
      a.to = armband::kHostAddress;
      a.command = 0x09;
      a.sequence = f->sequence;
      a.body[0] = 0x02;
      send(armband::encode_frame(a));
    }
  }
  // Keep only the bytes the decoder has not used yet.
  const std::size_t left = dec.buffered();
  frame_buf_.erase(frame_buf_.begin(), frame_buf_.end() - static_cast<std::ptrdiff_t>(left));
}

void BodyBuggSimulator::serve(const std::atomic<bool>& stop) {
  std::uint8_t buf[4096];
  while (!stop) {
    pollfd p{pty_.master, POLLIN, 0};
    int r = ::poll(&p, 1, 50);
    if (r <= 0) continue;
    ssize_t n = ::read(pty_.master, buf, sizeof buf);
    if (n <= 0) continue;
    handle_bytes(ByteView(buf, static_cast<std::size_t>(n)));
  }
}

}  // namespace declouder::sim
