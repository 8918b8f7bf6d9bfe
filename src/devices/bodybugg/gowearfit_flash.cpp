#include "devices/bodybugg/gowearfit_flash.hpp"

#include <map>

#include "devices/bodybugg/channels.hpp"

namespace declouder::bodybugg {
namespace {

std::string fixed_name(ByteView b, std::size_t off, std::size_t len) {
  std::string s;
  for (std::size_t i = 0; i < len && b[off + i] != 0; ++i) s += static_cast<char>(b[off + i]);
  return s;
}

std::string hex8(unsigned v) {
  static constexpr char d[] = "0123456789abcdef";
  return std::string("0x") + d[(v >> 4) & 0xF] + d[v & 0xF];
}

constexpr std::size_t kDefinitionEntry = 22;
constexpr std::size_t kDefinitionCount = 5;

}  // namespace

FlashImage parse_flash_image(ByteView img) {
  FlashImage out;
  std::map<std::uint8_t, std::size_t> def_by_type;  // record type -> definitions index
  std::map<std::uint8_t, std::int64_t> counts;      // samples per definition since the session start
  std::optional<std::int64_t> session_start;
  std::size_t p = 0;
  auto stop = [&](const std::string& why) {
    out.error = why + " at offset " + std::to_string(p);
    out.end_offset = p;
    return out;
  };
  while (p < img.size()) {
    const std::uint8_t type = img[p];
    const std::size_t left = img.size() - p;
    auto need = [&](std::size_t n) { return left >= n; };
    switch (type) {
      case 0xFF:
      case 0x04:
        out.ended = true;
        out.end_offset = p;
        return out;
      case 0x01: {
        if (!need(1 + kDefinitionCount * kDefinitionEntry)) return stop("record-definition table cut short");
        out.definitions.clear();
        def_by_type.clear();
        for (std::size_t e = 0; e < kDefinitionCount; ++e) {
          std::size_t q = p + 1 + e * kDefinitionEntry;
          RecordDefinition d;
          d.type = img[q];
          d.name = fixed_name(img, q + 1, 9);
          d.divisor = le16(&img[q + 10]);
          for (std::size_t c = 0; c < 8; ++c)
            if (img[q + 12 + c] != kUnusedChannel) d.channels.push_back(img[q + 12 + c]);
          d.size = img[q + 20];
          if (d.channels.empty() || d.size == 0) continue;  // an UNUSED slot
          if (d.size != 1 + (d.channels.size() * 3 + 1) / 2)
            return stop("definition " + d.name + " declares " + std::to_string(d.size) + " bytes for " +
                        std::to_string(d.channels.size()) + " channels");
          def_by_type[d.type] = out.definitions.size();
          out.definitions.push_back(std::move(d));
        }
        p += 1 + kDefinitionCount * kDefinitionEntry;
        break;
      }
      case 0x06: {
        if (!need(3)) return stop("channel table cut short");
        std::size_t n = le16(&img[p + 1]);
        if (!need(3 + n * 10)) return stop("channel table cut short");
        out.channel_table.clear();
        for (std::size_t i = 0; i < n; ++i)
          out.channel_table.emplace_back(img[p + 3 + i * 10], fixed_name(img, p + 4 + i * 10, 9));
        p += 3 + n * 10;
        break;
      }
      case 0x02:
      case 0x03:
      case 0x30: {
        if (!need(5)) return stop("timestamp record cut short");
        FlashEvent e{type, le32(&img[p + 1]), Bytes(img.begin() + p + 1, img.begin() + p + 5)};
        if (type == 0x02) {
          session_start = e.unix_seconds;
          counts.clear();
        }
        out.events.push_back(std::move(e));
        p += 5;
        break;
      }
      case 0x35: {
        if (!need(11)) return stop("diagnostic record cut short");
        out.events.push_back({type, le32(&img[p + 7]), Bytes(img.begin() + p + 1, img.begin() + p + 7)});
        p += 11;
        break;
      }
      default: {
        auto it = def_by_type.find(type);
        if (it == def_by_type.end()) return stop("record type " + hex8(type) + " is not defined");
        const RecordDefinition& d = out.definitions[it->second];
        if (!need(d.size)) return stop("record " + d.name + " cut short");
        if (!session_start) return stop("record " + d.name + " before any session start");
        std::int64_t k = counts[type]++;
        std::int64_t t = *session_start + k * d.divisor / kTicksPerSecond;
        auto values = samples_from_bytes(img.subspan(p + 1, d.size - 1), d.channels.size());
        for (std::size_t c = 0; c < d.channels.size(); ++c) out.samples.push_back({t, d.channels[c], values[c], *session_start, d.divisor});
        p += d.size;
      }
    }
  }
  out.end_offset = p;
  out.error = "image ends without an end marker at offset " + std::to_string(p);
  return out;
}

PdpDump flash_sessions(const FlashImage& image, std::uint32_t device_address) {
  PdpDump out;
  std::map<std::pair<std::int64_t, std::uint8_t>, std::size_t> index;  // (start, channel) -> session
  for (const FlashSample& s : image.samples) {
    auto key = std::make_pair(s.session_start, s.channel_id);
    auto it = index.find(key);
    if (it == index.end()) {
      PdpSession p;
      p.format_version = "flash";
      p.model = "GoWearFit";
      p.channel = std::string(channel_name(s.channel_id));
      if (p.channel.empty()) p.channel = "CH" + std::to_string(s.channel_id);
      p.device_address = device_address;
      p.epoch = s.session_start;
      p.channel_id = s.channel_id;
      p.sample_bits = 12;
      p.tick_rate = kTicksPerSecond;
      p.divisor = s.divisor;
      it = index.emplace(key, out.sessions.size()).first;
      out.sessions.push_back(std::move(p));
    }
    out.sessions[it->second].samples.push_back(s.value);
  }
  for (auto& p : out.sessions) {
    p.declared_count = static_cast<std::uint32_t>(p.samples.size());
    p.complete = true;
  }
  return out;
}

}  // namespace declouder::bodybugg
