// The BodyBugg `retrieve PDP` text dump: sessions of one channel each.
//
// Layout (from BodyBuggBypass, verified against its public sample.log and the decode it
// publishes, sample.json):
//
//   SESSION-BEGIN0502Firefly2_<51 lowercase hex chars><CHANNEL padded to 8>\r\n
//   <payload lines>
//
// Info string, by character offset: 0-6 unknown (zeros); 7-14 device address
// (hypothesis: 0E00xxxx like the GoWearFit frame address); 15-22 session start,
// Unix seconds; 23-30 unknown; 31-32 channel id; 33-34 sample width in bits
// (0x0c packed 12-bit, 0x00 TIMESTMP, 0x10 DIAGNSTC; hypothesis); 35-42 number
// of samples/lines; 43-46 base tick rate (0x20 = 32 Hz, hypothesis); 47-50
// divisor in 1/32 s ticks (0x780 = one sample a minute).
//
// Payloads: 12-bit channels are hex digits, 3 per sample, most significant nibble
// first (may span lines; the sample has one line per session, CR LF). TIMESTMP is
// one `seconds.millis` line per button press, DIAGNSTC one `seconds I J` line per
// entry (both LF only). Line endings are mixed, so both are accepted everywhere.
// The channel name begins at the first upper-case letter after the hex field,
// but hex is lower case, so names like F0CROSS split correctly at the fixed
// width of 51 characters.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace declouder::bodybugg {

struct DiagnosticEntry {
  std::int64_t unix_seconds = 0;
  std::int64_t i = 0;  // meaning unknown (codes 4880..4884, 5, 9 seen)
  std::int64_t j = 0;  // meaning unknown
};

struct PdpSession {
  std::string format_version;  // "0502"
  std::string model;           // "Firefly2"
  std::string info_hex;        // the 51 characters, verbatim
  std::string channel;         // "MOVTSKIN"
  std::uint32_t device_address = 0;
  std::int64_t epoch = 0;  // session start, Unix seconds
  std::uint8_t channel_id = 0;
  std::uint8_t sample_bits = 0;
  std::uint32_t declared_count = 0;
  std::uint16_t tick_rate = 0;
  std::uint16_t divisor = 0;  // in 1/32 s ticks
  // Exactly one of these is filled, by the kind of channel.
  std::vector<std::optional<std::uint16_t>> samples;  // 12-bit counts; nullopt = 0xFFF, no data
  std::vector<std::int64_t> timestamps_ms;            // TIMESTMP: button presses, Unix ms
  std::vector<DiagnosticEntry> diagnostics;           // DIAGNSTC
  std::size_t byte_offset = 0;  // where the header starts in the dump
  std::size_t line = 0;         // 1-based line of the header
  bool complete = false;        // as many entries as the header declared

  bool is_timestamps() const { return channel_id == kTimestampChannelId(); }
  bool is_diagnostics() const { return channel_id == kDiagnosticChannelId(); }
  std::size_t entry_count() const;
  // Unix milliseconds of sample k: epoch + k * divisor / 32 s.
  std::int64_t sample_time_ms(std::size_t k) const {
    return epoch * 1000 + static_cast<std::int64_t>(k) * divisor * 1000 / 32;
  }
  static constexpr std::uint8_t kTimestampChannelId() { return 0xF9; }
  static constexpr std::uint8_t kDiagnosticChannelId() { return 0x68; }
};

struct PdpParseError {
  std::size_t byte_offset = 0;
  std::size_t line = 0;  // 1-based
  std::string reason;
};

struct PdpDump {
  std::vector<PdpSession> sessions;     // everything decoded before any error
  std::optional<PdpParseError> error;   // where and why parsing stopped
};

// Never throws on bad text: decodes up to the break and says where.
PdpDump parse_pdp(std::string_view text);

// The inverse, for the simulator and for tests: one header line (CR LF) + payload.
std::string format_pdp_session(const PdpSession& s);

}  // namespace declouder::bodybugg
