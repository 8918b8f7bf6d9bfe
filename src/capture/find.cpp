#include "capture/find.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "capture/session.hpp"

namespace declouder::capture {

namespace {

constexpr double kFactors[] = {1, 5, 10, 20, 100, 200};
constexpr double kLbPerKg = 2.2046226218;
constexpr double kTimeWindowS = 300;  // people read clocks roughly; devices stamp when they measured

std::uint64_t read_uint(ByteView b, std::size_t off, int bytes, bool big) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    const std::uint8_t x = b[off + (big ? i : bytes - 1 - i)];
    v = (v << 8) | x;
  }
  return v;
}

struct Scanner {
  const FindTarget& t;
  std::map<std::tuple<std::string, std::string, std::string, std::string, std::size_t, int, bool, double>,
           std::pair<double, std::string>>& hits;  // key -> best plausibility in this file, example

  void hit(const std::string& kind, const std::string& source, std::size_t off, int width, bool big, bool is_signed,
           double factor, const std::string& unit, double plaus, ByteView payload) {
    auto key = std::make_tuple(kind, source, unit, std::string(big ? "big" : "little"), off, width, is_signed, factor);
    auto it = hits.find(key);
    if (it == hits.end()) {
      hits.emplace(key, std::make_pair(plaus, to_hex(payload)));
    } else if (plaus > it->second.first) {
      it->second = {plaus, to_hex(payload)};
    }
  }

  void scan(const std::string& source, bool from_device, ByteView b) {
    const double device_bonus = from_device ? 30 : 0;
    if (t.value) scan_value(source, device_bonus, b);
    if (t.unix_seconds) scan_time(source, device_bonus, b);
  }

  void scan_value(const std::string& source, double device_bonus, ByteView b) {
    const double step = std::pow(10.0, -t.decimals);
    for (int unit = 0; unit < 2; ++unit) {  // 0: the display's unit, 1: the other one
      const bool lb = t.value_in_lb != (unit == 1);
      double v = *t.value, tol = step / 2;
      if (unit == 1) {
        v = t.value_in_lb ? v / kLbPerKg : v * kLbPerKg;
        tol = t.value_in_lb ? tol / kLbPerKg : tol * kLbPerKg;
      }
      for (int bytes = 1; bytes <= 4; ++bytes) {
        for (std::size_t off = 0; off + bytes <= b.size(); ++off) {
          for (int order = 0; order < (bytes == 1 ? 1 : 2); ++order) {
            const bool big = order == 0 && bytes > 1;
            const std::uint64_t u = read_uint(b, off, bytes, big);
            double raw = static_cast<double>(u);
            bool is_signed = false;
            if (v < 0) {  // negative values only exist in signed fields
              const std::uint64_t sign = std::uint64_t{1} << (8 * bytes - 1);
              if (!(u & sign)) continue;
              raw = static_cast<double>(static_cast<std::int64_t>(u) - static_cast<std::int64_t>(sign << 1));
              is_signed = true;
            }
            for (double f : kFactors) {
              const double diff = std::fabs(raw / f - v);
              if (diff > tol + 1e-9) continue;
              double plaus = 100 + device_bonus;
              plaus += bytes == 2 ? 20 : bytes == 3 ? 10 : bytes == 4 ? 5 : 0;
              plaus += (f == 10 || f == 20 || f == 100 || f == 200) ? 10 : 0;
              plaus += unit == 0 ? 5 : 0;
              plaus += 10 * (1 - diff / (tol + 1e-9));
              hit("value", source, off, bytes * 8, big, is_signed, f, lb ? "lb" : "kg", plaus, b);
            }
          }
        }
      }
    }
  }

  void scan_time(const std::string& source, double device_bonus, ByteView b) {
    const double target = static_cast<double>(*t.unix_seconds);
    for (std::size_t off = 0; off + 4 <= b.size(); ++off) {
      for (bool big : {true, false}) {
        const double secs = static_cast<double>(read_uint(b, off, 4, big));
        const double dt = std::fabs(secs - target);
        if (dt > kTimeWindowS) continue;
        hit("time", source, off, 32, big, false, 1, "unix_seconds", 90 + device_bonus + 50 * (1 - dt / kTimeWindowS), b);
      }
    }
    if (!t.wall_clock) return;
    const CivilTime& w = *t.wall_clock;
    const std::int64_t want = unix_from_civil(w);
    auto check = [&](std::size_t off, int year, std::size_t fields_at, int width, bool big, const char* enc) {
      if (fields_at + 5 > b.size()) return;
      CivilTime c{year, b[fields_at], b[fields_at + 1], b[fields_at + 2], b[fields_at + 3], b[fields_at + 4]};
      if (!c.valid()) return;
      const double dt = std::fabs(static_cast<double>(unix_from_civil(c) - want));
      if (dt > kTimeWindowS) return;
      hit("time", source, off, width, big, false, 1, enc, 85 + device_bonus + 50 * (1 - dt / kTimeWindowS), b);
    };
    for (std::size_t off = 0; off + 6 <= b.size(); ++off) {
      if (off + 7 <= b.size()) {
        check(off, le16(&b[off]), off + 2, 56, false, "year_u16_month_day_hour_minute_second");
        check(off, be16(&b[off]), off + 2, 56, true, "year_u16_month_day_hour_minute_second");
      }
      check(off, 2000 + b[off], off + 1, 48, true, "year2000_month_day_hour_minute_second");
    }
  }
};

}  // namespace

CaptureSummary ValueFinder::add_capture(const std::string& path, const FindTarget& target, const HandleMap& assumed_uuids) {
  std::map<std::tuple<std::string, std::string, std::string, std::string, std::size_t, int, bool, double>,
           std::pair<double, std::string>>
      hits;
  Scanner sc{target, hits};
  TraceHandlers h;
  h.on_advert = [&](const AdvertEvent& e) {
    for (const auto& [u, d] : e.advert.service_data) sc.scan("advert:service_data:" + u.short_str(), true, d);
    for (const auto& [c, d] : e.advert.manufacturer_data)
      sc.scan("advert:manufacturer_data:" + std::to_string(c), true, d);
  };
  h.on_att = [&](const AttEvent& e) {
    if (e.value.empty() || !e.handle) return;
    std::string source;
    if (e.uuid) {
      source = "att:" + e.uuid->short_str();
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "att:0x%04x", *e.handle);
      source = buf;
    }
    sc.scan(source, !e.from_host, e.value);
  };
  CaptureSummary s = trace_capture(path, std::move(h), {}, assumed_uuids);
  ++files_;
  for (auto& [k, v] : hits) {
    Key key{std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k),
            std::get<4>(k), std::get<5>(k), std::get<6>(k), std::get<7>(k)};
    Tally& t = tallies_[key];
    ++t.files;
    t.sum += v.first;
    if (v.first > t.best || t.example.empty()) {
      t.best = std::max(t.best, v.first);
      t.example = v.second;
    }
  }
  return s;
}

std::vector<FindCandidate> ValueFinder::ranked() const {
  std::vector<FindCandidate> out;
  for (const auto& [k, t] : tallies_) {
    FindCandidate c;
    c.kind = k.kind;
    c.source = k.source;
    c.offset = k.offset;
    c.width_bits = k.width_bits;
    c.byte_order = k.byte_order;
    c.is_signed = k.is_signed;
    c.factor = k.factor;
    c.unit = k.unit;
    c.files = t.files;
    // Holding in every capture dominates; then how plausible the field looks.
    c.score = std::round((1000.0 * t.files + t.sum / t.files) * 10) / 10;
    c.example = t.example;
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const FindCandidate& a, const FindCandidate& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.kind != b.kind) return a.kind > b.kind;  // "value" before "time" on ties
    return std::tie(a.source, a.offset) < std::tie(b.source, b.offset);
  });
  return out;
}

}  // namespace declouder::capture
