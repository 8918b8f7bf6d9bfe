// A buffered writer for the capture commands' output: millions of lines, so
// no iostreams and no per-line allocation. JSON strings are escaped here.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "core/bytes.hpp"

namespace declouder::capture {

class TextOut {
 public:
  explicit TextOut(std::FILE* f = stdout) : f_(f) {}
  ~TextOut() { flush(); }
  TextOut(const TextOut&) = delete;
  TextOut& operator=(const TextOut&) = delete;

  TextOut& raw(std::string_view s) {
    if (n_ + s.size() > sizeof buf_) flush();
    if (s.size() > sizeof buf_) {
      std::fwrite(s.data(), 1, s.size(), f_);
      return *this;
    }
    if (s.size() <= 32) {  // short pieces: a loop beats a call into libc
      for (char c : s) buf_[n_++] = c;
    } else {
      std::memcpy(buf_ + n_, s.data(), s.size());
      n_ += s.size();
    }
    return *this;
  }
  TextOut& ch(char c) {
    if (n_ + 1 > sizeof buf_) flush();
    buf_[n_++] = c;
    return *this;
  }
  TextOut& num(std::int64_t v);
  TextOut& hex(ByteView b);                  // lowercase, no separators
  TextOut& json_string(std::string_view s);  // with quotes, escaped
  // ISO 8601 UTC with microseconds: "2015-11-29T19:19:17.082084Z" (cached per second).
  TextOut& iso_time_us(std::int64_t unix_us);
  void flush() {
    if (n_) std::fwrite(buf_, 1, n_, f_);
    n_ = 0;
  }

 private:
  std::FILE* f_;
  char buf_[1 << 16];
  std::size_t n_ = 0;
  std::int64_t cached_second_ = INT64_MIN;
  char cached_prefix_[20] = {};  // "YYYY-MM-DDTHH:MM:SS"
};

}  // namespace declouder::capture
