#include "gateway/simulated_scale.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <stdexcept>

#include "core/time.hpp"

namespace declouder {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

double number(const std::string& key, const std::string& v) {
  try {
    std::size_t used = 0;
    double d = std::stod(v, &used);
    if (used == v.size() && std::isfinite(d)) return d;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(key + "=" + v + " is not a number");
}

std::int64_t local_wall_clock_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return unix_from_civil({tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec});
}

Bytes frame_bytes(std::uint8_t ctrl1, std::int64_t clock_unix_s, int impedance, double weight_kg) {
  const CivilTime c = civil_from_unix(clock_unix_s);
  Bytes b;
  put_u8(b, 0x02);  // kg, timestamp present, person mode
  put_u8(b, ctrl1);
  put_u16le(b, static_cast<std::uint16_t>(c.year));
  put_u8(b, static_cast<std::uint8_t>(c.month));
  put_u8(b, static_cast<std::uint8_t>(c.day));
  put_u8(b, static_cast<std::uint8_t>(c.hour));
  put_u8(b, static_cast<std::uint8_t>(c.minute));
  put_u8(b, static_cast<std::uint8_t>(c.second));
  put_u16le(b, static_cast<std::uint16_t>(impedance));
  put_u16le(b, static_cast<std::uint16_t>(std::lround(weight_kg * 200)));
  return b;
}

}  // namespace

bool is_simulated_device(const std::string& spec_text) {
  const std::string device = spec_text.substr(0, spec_text.find(':'));
  return device == "mi-scale-2" || device == "xiaomi-mi-scale-2";
}

SimulatedScaleSpec parse_simulated_scale_spec(const std::string& text) {
  if (!is_simulated_device(text))
    throw std::invalid_argument("'" + text.substr(0, text.find(':')) + "' is not a simulated device (known: mi-scale-2)");
  SimulatedScaleSpec s;
  const auto colon = text.find(':');
  if (colon == std::string::npos) return s;
  for (const std::string& kv : split(text.substr(colon + 1), ',')) {
    if (kv.empty()) continue;
    const auto eq = kv.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("'" + kv + "' is not key=value");
    const std::string key = kv.substr(0, eq), v = kv.substr(eq + 1);
    if (key == "address") {
      auto a = MacAddress::parse(v);
      if (!a) throw std::invalid_argument("address=" + v + " is not a Bluetooth address");
      s.address = *a;
    } else if (key == "rssi") {
      s.rssi = static_cast<int>(number(key, v));
    } else if (key == "weighings") {
      s.weighings = static_cast<int>(number(key, v));
    } else if (key == "interval") {
      s.interval_s = number(key, v);
    } else if (key == "frame_ms") {
      s.frame_ms = static_cast<int>(number(key, v));
    } else if (key == "repeat") {
      s.repeat = std::max(1, static_cast<int>(number(key, v)));
    } else if (key == "weights") {
      s.weights_kg.clear();
      for (const auto& w : split(v, '/')) s.weights_kg.push_back(number(key, w));
    } else if (key == "impedances") {
      s.impedances_ohm.clear();
      for (const auto& z : split(v, '/')) s.impedances_ohm.push_back(static_cast<int>(number(key, z)));
    } else if (key == "skip") {
      for (const auto& i : split(v, '/')) s.skip.push_back(static_cast<int>(number(key, i)));
    } else if (key == "clock_step") {
      s.clock_step_s = number(key, v);
    } else if (key == "clock") {
      auto us = parse_iso8601_us(v);
      if (!us) throw std::invalid_argument("clock=" + v + " is not a date-time (2026-11-21T07:00:00)");
      s.clock_unix_s = *us / 1000000;
    } else {
      throw std::invalid_argument("unknown key '" + key + "' (known: address, rssi, weighings, interval, frame_ms, "
                                  "weights, impedances, clock, clock_step, repeat, skip)");
    }
  }
  if (s.weights_kg.empty()) throw std::invalid_argument("weights= needs at least one weight");
  for (double w : s.weights_kg)
    if (w <= 0 || w > 327) throw std::invalid_argument("weights: " + std::to_string(w) + " kg is outside 0-327");
  if (s.impedances_ohm.empty()) s.impedances_ohm.push_back(0);
  return s;
}

std::vector<Advertisement> mi_scale2_weighing_frames(const SimulatedScaleSpec& spec, double weight_kg,
                                                     int impedance_ohm, std::int64_t clock_unix_s) {
  std::vector<Advertisement> frames;
  auto add = [&](std::uint8_t ctrl1, int impedance, double w) {
    Advertisement a;
    a.address = spec.address;
    a.name = "MIBFS";
    a.service_data.emplace_back(Uuid::from16(0x181B), frame_bytes(ctrl1, clock_unix_s, impedance, w));
    frames.push_back(std::move(a));
  };
  for (double f : {0.3, 0.65, 0.9, 0.995}) add(0x04, 0, weight_kg * f);  // climbing
  add(0x24, 0, weight_kg);                                               // stabilized
  if (impedance_ohm > 0) {
    add(0x26, impedance_ohm, weight_kg);  // with impedance
    add(0xA6, impedance_ohm, weight_kg);  // stepped off
  } else {
    add(0xA4, 0, weight_kg);
  }
  return frames;
}

std::string SimulatedScaleSource::describe() const {
  return "SIMULATED Xiaomi Mi Scale 2 at " + spec_.address.str() + " (rssi " + std::to_string(spec_.rssi) + " dBm)";
}

void SimulatedScaleSource::run(const FrameHandlers& to, const StopFlag& stop) {
  const std::int64_t clock0 = spec_.clock_unix_s ? spec_.clock_unix_s : local_wall_clock_now();
  std::uint32_t jitter_state = 0x9E3779B9u ^ spec_.address.last_octet();
  for (int i = 0; spec_.weighings == 0 || i < spec_.weighings; ++i) {
    if (i > 0 && stop.wait_for(std::chrono::milliseconds(static_cast<long>(spec_.interval_s * 1000)))) return;
    if (stop.requested()) return;
    const bool heard = std::find(spec_.skip.begin(), spec_.skip.end(), i + 1) == spec_.skip.end();
    const double w = spec_.weights_kg[static_cast<std::size_t>(i) % spec_.weights_kg.size()];
    const int z = spec_.impedances_ohm[static_cast<std::size_t>(i) % spec_.impedances_ohm.size()];
    const double step = spec_.clock_step_s >= 0 ? spec_.clock_step_s : spec_.interval_s;
    const auto clock = clock0 + static_cast<std::int64_t>(std::llround(i * std::max(1.0, step)));
    for (Advertisement& a : mi_scale2_weighing_frames(spec_, w, z, clock)) {
      for (int r = 0; r < spec_.repeat; ++r) {
        if (stop.requested()) return;
        jitter_state = jitter_state * 1664525u + 1013904223u;
        a.rssi = spec_.rssi + static_cast<int>((jitter_state >> 24) % 5) - 2;  // +-2 dB, deterministic
        a.time_us = now_unix_us();
        if (heard && to.on_advertisement) to.on_advertisement(a);
        if (spec_.frame_ms > 0 && stop.wait_for(std::chrono::milliseconds(spec_.frame_ms))) return;
      }
    }
  }
}

}  // namespace declouder
