#include "capture/text_out.hpp"

#include <charconv>

#include "core/time.hpp"

namespace declouder::capture {

TextOut& TextOut::num(std::int64_t v) {
  if (n_ + 24 > sizeof buf_) flush();
  auto [end, ec] = std::to_chars(buf_ + n_, buf_ + n_ + 24, v);
  (void)ec;
  n_ = static_cast<std::size_t>(end - buf_);
  return *this;
}

TextOut& TextOut::hex(ByteView b) {
  static constexpr char digits[] = "0123456789abcdef";
  if (n_ + 2 * b.size() > sizeof buf_) flush();
  if (2 * b.size() > sizeof buf_) return raw(to_hex(b));
  for (std::uint8_t v : b) {
    buf_[n_++] = digits[v >> 4];
    buf_[n_++] = digits[v & 15];
  }
  return *this;
}

TextOut& TextOut::json_string(std::string_view s) {
  ch('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      ch('\\').ch(c);
    } else if (u < 0x20) {
      static constexpr char digits[] = "0123456789abcdef";
      raw("\\u00").ch(digits[u >> 4]).ch(digits[u & 15]);
    } else {
      ch(c);
    }
  }
  return ch('"');
}

TextOut& TextOut::iso_time_us(std::int64_t unix_us) {
  std::int64_t s = unix_us / 1000000, us = unix_us % 1000000;
  if (us < 0) {
    us += 1000000;
    s -= 1;
  }
  if (s != cached_second_) {
    CivilTime t = civil_from_unix(s);
    char tmp[72];
    std::snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute,
                  t.second);
    std::memcpy(cached_prefix_, tmp, 19);
    cached_second_ = s;
  }
  if (n_ + 27 > sizeof buf_) flush();
  std::memcpy(buf_ + n_, cached_prefix_, 19);
  char* p = buf_ + n_ + 19;
  *p++ = '.';
  auto v = static_cast<std::uint32_t>(us);
  for (int i = 5; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  p[6] = 'Z';
  n_ += 27;
  return *this;
}

}  // namespace declouder::capture
