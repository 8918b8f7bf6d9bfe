#include "gateway/interim_recorder.hpp"

#include <cmath>
#include <cstdio>

namespace declouder {

namespace {
std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}
}  // namespace

std::string weighing_uid(const Reading& r) {
  std::string key = r.model ? r.model : "";
  key += '|';
  if (r.address) key += r.address->str();
  key += '|';
  if (r.device_time) key += iso8601(*r.device_time);
  key += '|';
  if (r.weight_kg) key += std::to_string(std::llround(*r.weight_kg * 1000));
  char buf[24];
  std::snprintf(buf, sizeof buf, "m-%016llx", static_cast<unsigned long long>(fnv1a(key)));
  return buf;
}

std::optional<Measurement> InterimRecorder::record(const Reading& r, ByteView, std::int64_t time_us, std::string_view) {
  if (!r.stabilized || r.is_object || !r.weight_kg) return std::nullopt;
  // A stabilized frame without impedance may be followed by one with it; the
  // weighing is final when the impedance arrives or the person steps off.
  if (!r.impedance_ohm && !r.load_removed) return std::nullopt;
  std::string uid = weighing_uid(r);
  if (!recorded_.insert(uid).second) return std::nullopt;
  Measurement m;
  m.id = next_id_++;
  m.uid = uid;
  m.model = r.model ? r.model : "";
  m.address = r.address;
  m.time_us = time_us;
  m.device_time = r.device_time;
  m.weight_kg = *r.weight_kg;
  m.impedance_ohm = r.impedance_ohm;
  return m;
}

}  // namespace declouder
