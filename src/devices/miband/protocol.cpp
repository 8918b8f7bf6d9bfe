#include "devices/miband/protocol.hpp"

#include <algorithm>
#include <utility>

namespace declouder::miband {

std::uint8_t crc8_maxim(ByteView bytes) {
  std::uint8_t crc = 0;
  for (std::uint8_t b : bytes) {
    crc ^= b;
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<std::uint8_t>((crc >> 1) ^ 0x8C) : static_cast<std::uint8_t>(crc >> 1);
  }
  return crc;
}

std::string_view model_name(Model m) {
  switch (m) {
    case Model::mi1: return "1";
    case Model::mi1a: return "1a";
    case Model::mi1s: return "1s";
    case Model::amazfit: return "amazfit";
    case Model::unknown: break;
  }
  return "unknown";
}

std::optional<Model> parse_model(std::string_view s) {
  if (s == "1") return Model::mi1;
  if (s == "1a" || s == "1A") return Model::mi1a;
  if (s == "1s" || s == "1S") return Model::mi1s;
  return std::nullopt;
}

namespace {

std::uint8_t device_info_check(ByteView b) { return static_cast<std::uint8_t>(crc8_maxim(b.first(7)) ^ b[3]); }

Model model_of(const DeviceInfo& d) {
  if ((d.feature == 4 && d.appearance == 0) || d.hardware == 4) return Model::mi1s;
  if ((d.feature == 5 && d.appearance == 0) || (d.feature == 0 && d.hardware == 208)) return Model::mi1a;
  if (d.hardware == 6) return Model::amazfit;
  if (d.hardware == 2 || (d.feature == 0 && d.appearance == 0 && d.hardware == 8 && !d.heart_rate_firmware))
    return Model::mi1;
  return Model::unknown;
}

}  // namespace

DeviceInfoResult parse_device_info(ByteView b) {
  if (b.size() != 16 && b.size() != 20) return {std::nullopt, "device info is 16 or 20 bytes, got " + std::to_string(b.size())};
  if (device_info_check(b) != b[7]) return {std::nullopt, "device info check byte does not match (CRC-8 of bytes 0-6 XOR byte 3)"};
  DeviceInfo d;
  d.device_id.assign(b.begin(), b.begin() + 8);
  d.feature = b[4];
  d.appearance = b[5];
  d.hardware = b[6];
  d.profile_version = le32(&b[8]);
  d.firmware_version = le32(&b[12]);
  if (b.size() == 20) d.heart_rate_firmware = le32(&b[16]);
  d.model = model_of(d);
  return {d, ""};
}

Bytes build_device_info(const DeviceInfo& info) {
  Bytes b = info.device_id;
  b.resize(8, 0);
  b[4] = info.feature;
  b[5] = info.appearance;
  b[6] = info.hardware;
  b[7] = device_info_check(b);
  put_u32le(b, info.profile_version);
  put_u32le(b, info.firmware_version);
  if (info.heart_rate_firmware) put_u32le(b, *info.heart_rate_firmware);
  return b;
}

Bytes build_user_info(const UserProfile& u, const MacAddress& band, Model model,
                      std::optional<std::pair<std::uint8_t, std::uint8_t>> fa) {
  Bytes b;
  put_u32le(b, u.uid);
  put_u8(b, u.sex == Sex::male ? 1 : 0);
  put_u8(b, u.age_years);
  put_u8(b, u.height_cm);
  put_u8(b, u.weight_kg);
  put_u8(b, u.type);
  std::size_t alias_len = 10;
  if (model != Model::mi1) {
    auto [feature, appearance] = fa.value_or(model == Model::mi1a ? std::pair<std::uint8_t, std::uint8_t>{5, 0}
                                                                  : std::pair<std::uint8_t, std::uint8_t>{4, 0});
    put_u8(b, feature);
    put_u8(b, appearance);
    alias_len = 8;
  }
  for (std::size_t i = 0; i < alias_len; ++i) b.push_back(i < u.alias.size() ? static_cast<std::uint8_t>(u.alias[i]) : 0);
  b.push_back(static_cast<std::uint8_t>(crc8_maxim(b) ^ band.last_octet()));
  return b;
}

bool user_info_checksum_ok(ByteView ui, const MacAddress& band) {
  return ui.size() == 20 && static_cast<std::uint8_t>(crc8_maxim(ui.first(19)) ^ band.last_octet()) == ui[19];
}

Gate gate_for_status(std::uint8_t code) {
  switch (code) {
    case kAuthSuccess:
    case kResetAuthSuccess:
    case kMotorAuthSuccess: return Gate::proceed;
    case kMotorAuth: return Gate::wait_for_tap;
    case kAuthFailed:
    case 0x09:  // reset authentication failed
    case 0xEF:  // pairing cancelled
    case 0xFF: return Gate::failed;
    default: return Gate::ignore;
  }
}

std::string_view status_name(std::uint8_t code) {
  switch (code) {
    case 0x00: return "normal";
    case 0x01: return "firmware update failed";
    case 0x02: return "firmware update succeeded";
    case 0x03: return "connection parameter update failed";
    case 0x04: return "connection parameter update succeeded";
    case 0x05: return "authentication succeeded";
    case 0x06: return "authentication failed";
    case 0x07: return "fitness goal reached";
    case 0x08: return "set latency succeeded";
    case 0x09: return "reset authentication failed";
    case 0x0A: return "reset authentication succeeded";
    case 0x0B: return "firmware check failed";
    case 0x0C: return "firmware check succeeded";
    case 0x13: return "tap the band to confirm (it vibrates)";
    case 0x15: return "tapped: authentication succeeded";
    case 0x18: return "sync cancelled";
    case 0xEF: return "pairing cancelled";
    case 0xFF: return "band malfunction";
    default: return code >= 0x0D && code <= 0x16 ? "motor event" : "unknown status";
  }
}

std::optional<Battery> parse_battery(ByteView b) {
  if (b.size() < 10) return std::nullopt;
  auto date = decode_date(b.subspan(1, 6));
  if (!date) return std::nullopt;
  Battery out;
  out.level_percent = b[0];
  out.last_charge = *date;
  out.charge_count = le16(&b[7]);
  out.status = b[9];
  if (out.level_percent > 100) return std::nullopt;
  return out;
}

std::string_view battery_status_name(int s) {
  switch (s) {
    case 0: return "normal";
    case 1: return "low";
    case 2: return "charging";
    case 3: return "full";
    case 4: return "not charging";
  }
  return "unknown";
}

std::optional<std::uint32_t> parse_realtime_steps(ByteView b) {
  if (b.size() == 2) return le16(b.data());
  if (b.size() == 4) return le32(b.data());
  return std::nullopt;
}

Bytes encode_date(const CivilTime& t) {
  return {static_cast<std::uint8_t>(t.year - 2000), static_cast<std::uint8_t>(t.month - 1), static_cast<std::uint8_t>(t.day),
          static_cast<std::uint8_t>(t.hour),        static_cast<std::uint8_t>(t.minute),    static_cast<std::uint8_t>(t.second)};
}

std::optional<CivilTime> decode_date(ByteView b) {
  if (b.size() < 6) return std::nullopt;
  CivilTime t{2000 + b[0], b[1] + 1, b[2], b[3], b[4], b[5]};
  if (!t.valid()) return std::nullopt;
  return t;
}

Bytes encode_date_time_write(const CivilTime& t) {
  Bytes b = encode_date(t);
  b.insert(b.end(), 6, 0x0F);
  return b;
}

std::optional<HeartRateMeasurement> parse_heart_rate_measurement(ByteView b, std::string* why) {
  auto fail = [&](const char* w) -> std::optional<HeartRateMeasurement> {
    if (why) *why = w;
    return std::nullopt;
  };
  if (b.empty()) return fail("empty heart rate measurement");
  const std::uint8_t flags = b[0];
  std::size_t p = 1;
  HeartRateMeasurement m;
  if (flags & 0x01) {
    if (b.size() < p + 2) return fail("16-bit heart rate flagged but missing");
    m.bpm = le16(&b[p]);
    p += 2;
  } else {
    if (b.size() < p + 1) return fail("heart rate value missing");
    m.bpm = b[p];
    p += 1;
  }
  if (flags & 0x04) m.sensor_contact = (flags & 0x02) != 0;
  if (flags & 0x08) {
    if (b.size() < p + 2) return fail("energy expended flagged but missing");
    m.energy_expended_kj = le16(&b[p]);
    p += 2;
  }
  if (flags & 0x10) {
    if ((b.size() - p) % 2) return fail("RR intervals are not whole u16 values");
    for (; p + 2 <= b.size(); p += 2) m.rr_intervals_s.push_back(le16(&b[p]) / 1024.0);
  } else if (p != b.size()) {
    return fail("bytes left over after the flagged fields");
  }
  return m;
}

Bytes build_heart_rate_measurement(int bpm, bool contact) {
  std::uint8_t flags = static_cast<std::uint8_t>(0x04 | (contact ? 0x02 : 0));
  if (bpm > 255) {
    Bytes b{static_cast<std::uint8_t>(flags | 0x01)};
    put_u16le(b, static_cast<std::uint16_t>(bpm));
    return b;
  }
  return {flags, static_cast<std::uint8_t>(bpm)};
}

namespace command {
Bytes realtime_steps(bool on) { return {0x03, static_cast<std::uint8_t>(on ? 1 : 0)}; }
Bytes fitness_goal(std::uint16_t steps) {
  Bytes b{0x05, 0x00};
  put_u16le(b, steps);
  return b;
}
Bytes fetch_activity() { return {0x06}; }
Bytes ack_activity(const CivilTime& start, std::uint16_t bytes, bool keep_on_band) {
  Bytes b{0x0A};
  Bytes d = encode_date(start);
  b.insert(b.end(), d.begin(), d.end());
  put_u16le(b, keep_on_band ? static_cast<std::uint16_t>(~bytes) : bytes);
  return b;
}
Bytes wear_location(bool right) { return {0x0F, static_cast<std::uint8_t>(right ? 1 : 0)}; }
Bytes stop_vibration() { return {0x13}; }
Bytes heart_rate(std::uint8_t mode, bool start) { return {0x15, mode, static_cast<std::uint8_t>(start ? 1 : 0)}; }
static Bytes le_params(std::uint16_t min, std::uint16_t max, std::uint16_t latency, std::uint16_t timeout) {
  Bytes b;
  for (std::uint16_t v : {min, max, latency, timeout, std::uint16_t{0}}) put_u16le(b, v);
  b.push_back(0);
  b.push_back(0);
  return b;
}
Bytes le_params_low_latency() { return le_params(39, 49, 0, 500); }
Bytes le_params_high_latency() { return le_params(460, 500, 0, 500); }
Bytes pair() { return {0x02}; }
}  // namespace command

std::optional<ActivityHeader> parse_activity_header(ByteView b) {
  if (b.size() != 11) return std::nullopt;
  auto start = decode_date(b.subspan(1, 6));
  if (!start) return std::nullopt;
  return ActivityHeader{b[0], *start, le16(&b[7]), le16(&b[9])};
}

std::optional<std::string> ActivityFetch::feed(ByteView n) {
  if (finished_) return "activity data after the end of the transfer";
  if (block_bytes_left_ == 0) {
    auto h = parse_activity_header(n);
    if (!h) return "expected an 11-byte activity header, got " + std::to_string(n.size()) + " bytes";
    if (h->block_minutes == 0) {
      finished_ = true;
      return std::nullopt;
    }
    if (h->data_type != 1) return "activity data type " + std::to_string(h->data_type) + " is not per-minute records";
    std::int64_t start = unix_from_civil(h->start);
    // A block that claims to start before the previous one: keep the running clock
    // (Gadgetbridge does the same), but still ack it so the band drops it.
    next_minute_unix_ = (last_block_start_ != 0 && start < next_minute_unix_) ? next_minute_unix_ : start;
    last_block_start_ = start;
    block_ = h;
    block_bytes_left_ = static_cast<std::int64_t>(h->block_minutes) * bytes_per_minute_;
    pending_.clear();
    return std::nullopt;
  }
  ByteView payload = n;
  if (counter_) {
    if (payload.empty()) return "empty activity packet";
    payload = payload.subspan(1);
  }
  if (static_cast<std::int64_t>(payload.size()) > block_bytes_left_ - static_cast<std::int64_t>(pending_.size()))
    return "activity packet runs past the announced block";
  pending_.insert(pending_.end(), payload.begin(), payload.end());
  std::size_t p = 0;
  while (pending_.size() - p >= static_cast<std::size_t>(bytes_per_minute_)) {
    ActivityMinute m;
    m.time = civil_from_unix(next_minute_unix_);
    m.kind = pending_[p];
    m.intensity = pending_[p + 1];
    m.steps = pending_[p + 2];
    if (bytes_per_minute_ == 4 && pending_[p + 3] != 0xFF) m.heart_rate = pending_[p + 3];
    minutes_.push_back(m);
    next_minute_unix_ += 60;
    p += static_cast<std::size_t>(bytes_per_minute_);
    block_bytes_left_ -= bytes_per_minute_;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(p));
  if (block_bytes_left_ == 0)
    acks_.push_back(command::ack_activity(block_->start, static_cast<std::uint16_t>(block_->block_minutes * bytes_per_minute_)));
  return std::nullopt;
}

std::vector<ActivityMinute> ActivityFetch::take_minutes() { return std::exchange(minutes_, {}); }
std::vector<Bytes> ActivityFetch::take_acks() { return std::exchange(acks_, {}); }

std::vector<Bytes> build_activity_block(const CivilTime& start, const std::vector<ActivityMinute>& minutes,
                                        std::uint16_t total_minutes, bool counter, bool with_heart_rate) {
  std::vector<Bytes> out;
  Bytes header{1};
  Bytes d = encode_date(start);
  header.insert(header.end(), d.begin(), d.end());
  put_u16le(header, total_minutes);
  put_u16le(header, static_cast<std::uint16_t>(minutes.size()));
  out.push_back(header);
  Bytes data;
  for (const auto& m : minutes) {
    data.push_back(m.kind);
    data.push_back(m.intensity);
    data.push_back(m.steps);
    if (with_heart_rate) data.push_back(m.heart_rate.value_or(0xFF));
  }
  const std::size_t chunk = counter ? (with_heart_rate ? 16 : 18) : 20;
  std::uint8_t seq = 0;
  for (std::size_t at = 0; at < data.size(); at += chunk) {
    Bytes pkt;
    if (counter) pkt.push_back(seq++);
    pkt.insert(pkt.end(), data.begin() + static_cast<std::ptrdiff_t>(at),
               data.begin() + static_cast<std::ptrdiff_t>(std::min(data.size(), at + chunk)));
    out.push_back(pkt);
  }
  return out;
}

}  // namespace declouder::miband
