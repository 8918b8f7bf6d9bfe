// Decoding and encoding frames as a definition describes them (definition.hpp).
//
// The CRC parameters are the catalogue's (Greg Cook, "Catalogue of parametrised CRC
// algorithms", reveng.sourceforge.io/crc-catalogue): CRC-8 (poly 07, init 00),
// CRC-8/MAXIM-DOW (poly 31 reflected), CRC-16/MODBUS (8005 reflected, init FFFF),
// CRC-16/IBM-3740 alias CCITT-FALSE (1021, init FFFF), CRC-16/XMODEM (1021, init 0),
// CRC-16/KERMIT (1021 reflected, init 0). Each has its catalogue check value
// ("123456789") in tests/definitions/definition_test.cpp.
#include "definitions/definition.hpp"

#include <cmath>

#include "core/time.hpp"

namespace declouder::definitions {

namespace {

// Offsets may count from the end; nullopt when the byte is outside the frame.
std::optional<std::size_t> resolve(int offset, std::size_t size, std::size_t width = 1) {
  long long o = offset < 0 ? static_cast<long long>(size) + offset : offset;
  if (o < 0 || o + static_cast<long long>(width) > static_cast<long long>(size)) return std::nullopt;
  return static_cast<std::size_t>(o);
}

std::optional<long long> read_raw(const IntField& f, ByteView b) {
  auto at = resolve(f.offset, b.size(), static_cast<std::size_t>(f.width));
  if (!at) return std::nullopt;
  std::uint32_t u = 0;
  for (int i = 0; i < f.width; ++i) {
    const std::uint8_t byte = b[*at + static_cast<std::size_t>(f.big_endian ? i : f.width - 1 - i)];
    u = (u << 8) | byte;
  }
  long long v = u;
  if (f.bits > 0) {
    v = (u >> f.shift) & ((1ULL << f.bits) - 1);
    if (f.is_signed && (v & (1LL << (f.bits - 1)))) v -= (1LL << f.bits);
  } else if (f.is_signed) {
    const int bits = 8 * f.width;
    if (v & (1LL << (bits - 1))) v -= (1LL << bits);
  }
  return v;
}

// The field's value, or nothing when it is outside the frame or a placeholder.
std::optional<double> read_value(const IntField& f, ByteView b) {
  auto raw = read_raw(f, b);
  if (!raw) return std::nullopt;
  for (long long p : f.invalid)
    if (*raw == p) return std::nullopt;
  // A scale of 1/N divides by N, so 1622 x 0.05 is 81.1 and not 81.10000000000001.
  const double inverse = 1.0 / f.scale, n = std::round(inverse);
  if (n > 1 && std::fabs(inverse - n) < 1e-9 * n) return static_cast<double>(*raw) / n;
  return static_cast<double>(*raw) * f.scale;
}

bool flag_set(const BitFlag& f, ByteView b) {
  auto at = resolve(f.offset, b.size());
  return at && (b[*at] & f.mask) == f.value;
}

void write_raw(const IntField& f, Bytes& b, long long raw) {
  auto at = resolve(f.offset, b.size(), static_cast<std::size_t>(f.width));
  if (!at) return;
  std::uint32_t u = 0;
  for (int i = 0; i < f.width; ++i) u = (u << 8) | b[*at + static_cast<std::size_t>(f.big_endian ? i : f.width - 1 - i)];
  if (f.bits > 0) {
    const std::uint32_t mask = static_cast<std::uint32_t>(((1ULL << f.bits) - 1) << f.shift);
    u = (u & ~mask) | ((static_cast<std::uint32_t>(raw) << f.shift) & mask);
  } else {
    u = static_cast<std::uint32_t>(raw);
  }
  for (int i = 0; i < f.width; ++i) {
    const int shift = 8 * (f.big_endian ? f.width - 1 - i : i);
    b[*at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(u >> shift);
  }
}

void write_value(const IntField& f, Bytes& b, double value) {
  write_raw(f, b, std::llround(value / f.scale));
}

void set_flag(const BitFlag& f, Bytes& b, bool on) {
  auto at = resolve(f.offset, b.size());
  if (!at) return;
  // "on" is the condition's value; "off" flips the masked bits (one bit: the other state).
  const std::uint8_t want = on ? f.value : static_cast<std::uint8_t>(f.value ^ f.mask);
  b[*at] = static_cast<std::uint8_t>((b[*at] & ~f.mask) | (want & f.mask));
}

template <int Poly, bool Reflected, int Init>
std::uint32_t crc8(ByteView b) {
  std::uint8_t crc = Init;
  for (std::uint8_t byte : b) {
    if (Reflected) {
      crc ^= byte;
      for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<std::uint8_t>((crc >> 1) ^ Poly) : static_cast<std::uint8_t>(crc >> 1);
    } else {
      crc ^= byte;
      for (int i = 0; i < 8; ++i) crc = (crc & 0x80) ? static_cast<std::uint8_t>((crc << 1) ^ Poly) : static_cast<std::uint8_t>(crc << 1);
    }
  }
  return crc;
}

template <int Poly, bool Reflected, int Init>
std::uint32_t crc16(ByteView b) {
  std::uint16_t crc = Init;
  for (std::uint8_t byte : b) {
    if (Reflected) {
      crc ^= byte;
      for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ Poly) : static_cast<std::uint16_t>(crc >> 1);
    } else {
      crc ^= static_cast<std::uint16_t>(byte << 8);
      for (int i = 0; i < 8; ++i)
        crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ Poly) : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc;
}

struct Range {
  std::size_t from, to, at;  // [from, to], at
};
std::optional<Range> checksum_range(const Checksum& c, std::size_t size) {
  auto from = resolve(c.from, size), to = resolve(c.to, size);
  auto at = resolve(c.at, size, static_cast<std::size_t>(checksum_width(c.algorithm)));
  if (!from || !to || !at || *to < *from) return std::nullopt;
  return Range{*from, *to, *at};
}

}  // namespace

std::string_view time_encoding_name(TimeEncoding e) {
  switch (e) {
    case TimeEncoding::unix32_be: return "unix32be";
    case TimeEncoding::unix32_le: return "unix32le";
    case TimeEncoding::civil_le: return "civil-le";
    case TimeEncoding::civil_be: return "civil-be";
  }
  return "?";
}

std::optional<TimeEncoding> parse_time_encoding(std::string_view s) {
  for (auto e : {TimeEncoding::unix32_be, TimeEncoding::unix32_le, TimeEncoding::civil_le, TimeEncoding::civil_be})
    if (time_encoding_name(e) == s) return e;
  return std::nullopt;
}

std::string_view checksum_name(ChecksumAlgorithm a) {
  switch (a) {
    case ChecksumAlgorithm::sum8: return "sum8";
    case ChecksumAlgorithm::xor8: return "xor8";
    case ChecksumAlgorithm::crc8: return "crc8";
    case ChecksumAlgorithm::crc8_maxim: return "crc8-maxim";
    case ChecksumAlgorithm::crc16_modbus: return "crc16-modbus";
    case ChecksumAlgorithm::crc16_ccitt_false: return "crc16-ccitt-false";
    case ChecksumAlgorithm::crc16_xmodem: return "crc16-xmodem";
    case ChecksumAlgorithm::crc16_kermit: return "crc16-kermit";
  }
  return "?";
}

std::optional<ChecksumAlgorithm> parse_checksum(std::string_view s) {
  for (auto a : {ChecksumAlgorithm::sum8, ChecksumAlgorithm::xor8, ChecksumAlgorithm::crc8, ChecksumAlgorithm::crc8_maxim,
                 ChecksumAlgorithm::crc16_modbus, ChecksumAlgorithm::crc16_ccitt_false, ChecksumAlgorithm::crc16_xmodem,
                 ChecksumAlgorithm::crc16_kermit})
    if (checksum_name(a) == s) return a;
  return std::nullopt;
}

int checksum_width(ChecksumAlgorithm a) {
  switch (a) {
    case ChecksumAlgorithm::sum8:
    case ChecksumAlgorithm::xor8:
    case ChecksumAlgorithm::crc8:
    case ChecksumAlgorithm::crc8_maxim: return 1;
    default: return 2;
  }
}

std::uint32_t compute_checksum(ChecksumAlgorithm a, ByteView b) {
  switch (a) {
    case ChecksumAlgorithm::sum8: return sum8(b);
    case ChecksumAlgorithm::xor8: return xor8(b);
    case ChecksumAlgorithm::crc8: return crc8<0x07, false, 0>(b);
    case ChecksumAlgorithm::crc8_maxim: return crc8<0x8C, true, 0>(b);
    case ChecksumAlgorithm::crc16_modbus: return crc16<0xA001, true, 0xFFFF>(b);
    case ChecksumAlgorithm::crc16_ccitt_false: return crc16<0x1021, false, 0xFFFF>(b);
    case ChecksumAlgorithm::crc16_xmodem: return crc16<0x1021, false, 0>(b);
    case ChecksumAlgorithm::crc16_kermit: return crc16<0x8408, true, 0>(b);
  }
  return 0;
}

std::string template_text(const Template& t) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : " ") + s; };
  for (const TemplatePart& p : t) {
    switch (p.kind) {
      case TemplatePart::Kind::literal: add(to_hex(ByteView(&p.byte, 1))); break;
      case TemplatePart::Kind::time_be32: add("{time_be32}"); break;
      case TemplatePart::Kind::time_le32: add("{time_le32}"); break;
      case TemplatePart::Kind::height_cm: add("{height_cm}"); break;
      case TemplatePart::Kind::age: add("{age}"); break;
      case TemplatePart::Kind::sex: add("{sex}"); break;
      case TemplatePart::Kind::user_slot: add("{user_slot}"); break;
      case TemplatePart::Kind::sum8: add("{sum8}"); break;
      case TemplatePart::Kind::xor8: add("{xor8}"); break;
    }
  }
  return out;
}

Bytes fill_template(const Template& t, const TemplateContext& c) {
  Bytes out;
  for (const TemplatePart& p : t) {
    switch (p.kind) {
      case TemplatePart::Kind::literal: out.push_back(p.byte); break;
      case TemplatePart::Kind::time_be32: put_u32be(out, static_cast<std::uint32_t>(c.unix_now)); break;
      case TemplatePart::Kind::time_le32: put_u32le(out, static_cast<std::uint32_t>(c.unix_now)); break;
      case TemplatePart::Kind::height_cm: out.push_back(static_cast<std::uint8_t>(c.height_cm)); break;
      case TemplatePart::Kind::age: out.push_back(static_cast<std::uint8_t>(c.age)); break;
      case TemplatePart::Kind::sex: out.push_back(c.male ? 1 : 0); break;
      case TemplatePart::Kind::user_slot: out.push_back(static_cast<std::uint8_t>(c.user_slot)); break;
      case TemplatePart::Kind::sum8: out.push_back(sum8(out)); break;
      case TemplatePart::Kind::xor8: out.push_back(xor8(out)); break;
    }
  }
  return out;
}

bool Pattern::matches(ByteView v) const {
  if (v.size() < bytes.size()) return false;
  for (std::size_t i = 0; i < bytes.size(); ++i)
    if ((v[i] & mask[i]) != (bytes[i] & mask[i])) return false;
  return true;
}

bool glob_match(std::string_view p, std::string_view s) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || lower(p[pi]) == lower(s[si]))) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

DecodeOutcome decode_frame(const Frame& f, ByteView b, const char* model) {
  if (b.size() < f.min_length || b.size() > f.max_length)
    return DecodeOutcome::reject(DecodeStatus::wrong_length, "frame length outside the definition's length");
  for (const Constant& c : f.constants) {
    auto at = resolve(c.offset, b.size(), c.bytes.size());
    if (!at) return DecodeOutcome::reject(DecodeStatus::not_this_device, "frame too short for the definition's constant bytes");
    for (std::size_t i = 0; i < c.bytes.size(); ++i)
      if (b[*at + i] != c.bytes[i])
        return DecodeOutcome::reject(DecodeStatus::not_this_device, "constant bytes differ from the definition's");
  }
  if (f.checksum) {
    auto r = checksum_range(*f.checksum, b.size());
    if (!r) return DecodeOutcome::reject(DecodeStatus::wrong_length, "frame too short for the definition's checksum");
    const std::uint32_t want = compute_checksum(f.checksum->algorithm, b.subspan(r->from, r->to - r->from + 1));
    std::uint32_t got = b[r->at];
    if (checksum_width(f.checksum->algorithm) == 2)
      got = f.checksum->big_endian ? be16(&b[r->at]) : le16(&b[r->at]);
    if (got != want) return DecodeOutcome::reject(DecodeStatus::bad_checksum, "checksum differs from the definition's");
  }

  Reading r;
  r.model = model;
  if (f.weight) {
    auto w = read_value(*f.weight, b);
    if (!w || *w <= 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "no weight in the frame (placeholder or zero)");
    WeightUnit unit = f.unit;
    if (f.unit_lb && flag_set(*f.unit_lb, b)) unit = WeightUnit::lb;
    if (f.unit_jin && flag_set(*f.unit_jin, b)) unit = WeightUnit::jin;
    if (f.unit_st && flag_set(*f.unit_st, b)) unit = WeightUnit::st;
    r.unit = unit;
    r.weight_kg = to_kg(*w, unit);
    if (*r.weight_kg > 500) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight above 500 kg: not a person");
  }
  if (f.impedance && (!f.impedance_present || flag_set(*f.impedance_present, b))) {
    auto z = read_value(*f.impedance, b);
    if (z && *z > 0 && *z < 3000) r.impedance_ohm = *z;  // as decode_util::plausible_impedance
  }
  if (f.heart_rate) {
    auto v = read_value(*f.heart_rate, b);
    if (v && *v > 20 && *v < 250) r.heart_rate_bpm = static_cast<int>(std::lround(*v));
  }
  if (f.user_slot) {
    if (auto v = read_value(*f.user_slot, b)) r.user_slot = static_cast<int>(std::lround(*v));
  }
  if (f.battery) {
    auto v = read_value(*f.battery, b);
    if (v && *v >= 0 && *v <= 100) r.battery_percent = static_cast<int>(std::lround(*v));
  }
  if (f.time) {
    const bool unix = f.time->encoding == TimeEncoding::unix32_be || f.time->encoding == TimeEncoding::unix32_le;
    auto at = resolve(f.time->offset, b.size(), unix ? 4 : 7);
    if (at && unix) {
      const std::uint32_t t = f.time->encoding == TimeEncoding::unix32_be ? be32(&b[*at]) : le32(&b[*at]);
      DeviceClock c;
      c.civil = civil_from_unix(t);
      c.utc = true;
      r.device_time = c;
    } else if (at) {
      const int year = f.time->encoding == TimeEncoding::civil_le ? le16(&b[*at]) : be16(&b[*at]);
      DeviceClock c;
      c.civil = {year, b[*at + 2], b[*at + 3], b[*at + 4], b[*at + 5], b[*at + 6]};
      if (c.civil.valid()) r.device_time = c;
    }
  }
  r.stabilized = f.stabilized ? flag_set(*f.stabilized, b) : true;
  if (f.load_removed) r.load_removed = flag_set(*f.load_removed, b);
  return DecodeOutcome::success(r);
}

Bytes encode_frame(const Frame& f, const EncodeValues& v) {
  Bytes b(f.min_length, 0);
  for (const Constant& c : f.constants) {
    auto at = resolve(c.offset, b.size(), c.bytes.size());
    if (at) std::copy(c.bytes.begin(), c.bytes.end(), b.begin() + static_cast<std::ptrdiff_t>(*at));
  }
  if (f.weight) {
    double shown = v.weight_kg;
    if (f.unit != WeightUnit::kg) shown = from_kg(v.weight_kg, f.unit);
    for (const auto* flag : {&f.unit_lb, &f.unit_jin, &f.unit_st})
      if (*flag) set_flag(**flag, b, false);
    write_value(*f.weight, b, shown);
  }
  if (f.impedance) {
    write_value(*f.impedance, b, v.impedance_ohm);
    if (f.impedance_present) set_flag(*f.impedance_present, b, v.impedance_ohm > 0);
  }
  if (f.time) {
    auto at = resolve(f.time->offset, b.size(), 4);
    if (at) {
      Bytes t;
      if (f.time->encoding == TimeEncoding::unix32_be) put_u32be(t, static_cast<std::uint32_t>(v.unix_now));
      else if (f.time->encoding == TimeEncoding::unix32_le) put_u32le(t, static_cast<std::uint32_t>(v.unix_now));
      else {
        const CivilTime c = civil_from_unix(v.unix_now);
        if (f.time->encoding == TimeEncoding::civil_le) put_u16le(t, static_cast<std::uint16_t>(c.year));
        else put_u16be(t, static_cast<std::uint16_t>(c.year));
        for (int x : {c.month, c.day, c.hour, c.minute, c.second}) t.push_back(static_cast<std::uint8_t>(x));
      }
      if (*at + t.size() <= b.size()) std::copy(t.begin(), t.end(), b.begin() + static_cast<std::ptrdiff_t>(*at));
    }
  }
  if (f.stabilized) set_flag(*f.stabilized, b, v.stabilized);
  if (f.load_removed) set_flag(*f.load_removed, b, v.load_removed);
  if (f.checksum) {
    if (auto r = checksum_range(*f.checksum, b.size())) {
      const std::uint32_t c = compute_checksum(f.checksum->algorithm, ByteView(b).subspan(r->from, r->to - r->from + 1));
      if (checksum_width(f.checksum->algorithm) == 1) {
        b[r->at] = static_cast<std::uint8_t>(c);
      } else {
        b[r->at] = static_cast<std::uint8_t>(f.checksum->big_endian ? c >> 8 : c);
        b[r->at + 1] = static_cast<std::uint8_t>(f.checksum->big_endian ? c : c >> 8);
      }
    }
  }
  return b;
}

std::vector<std::string> reported_keys(const Definition& d) {
  std::vector<std::string> out;
  const Frame& f = d.frame;
  if (f.weight) out.push_back("weight_kg");
  if (f.impedance) out.push_back("impedance_ohm");
  if (f.heart_rate) out.push_back("heart_rate_bpm");
  if (f.battery) out.push_back("battery_percent");
  if (f.user_slot) out.push_back("user_slot");
  if (f.time) out.push_back("device_time");
  return out;
}

}  // namespace declouder::definitions
