#include "gateway/ownership.hpp"

#include <cmath>

namespace declouder {

std::optional<OwnerAnnouncement> DeviceOwnership::heard(const std::string& device, double rssi, std::int64_t now_us) {
  auto [it, first] = heard_.try_emplace(device);
  Heard& h = it->second;
  if (first || now_us - h.last_heard_us > policy_.burst_gap_us) {
    h.burst_start_us = now_us;
    if (first) h.ewma = rssi;
  }
  h.ewma = first ? rssi : policy_.smoothing * rssi + (1 - policy_.smoothing) * h.ewma;
  h.last_heard_us = now_us;
  if (!ready_) return std::nullopt;
  if (h.last_announce_us && now_us - h.last_announce_us < policy_.min_announce_interval_us) return std::nullopt;

  bool announce = false;
  auto o = owners_.find(device);
  if (o == owners_.end() || offline_.count(o->second.a.gateway)) {
    announce = true;  // nobody answers for it
  } else if (o->second.a.gateway == self_) {
    announce = std::fabs(h.ewma - o->second.a.rssi) >= policy_.refresh_db || o->second.received_us < h.burst_start_us;
  } else if (h.ewma > o->second.a.rssi + policy_.switch_db) {
    announce = true;  // clearly closer than the owner
  } else if (o->second.received_us < h.burst_start_us && now_us - h.burst_start_us >= policy_.takeover_grace_us) {
    announce = true;  // the owner has not heard this burst
  }
  if (!announce) return std::nullopt;
  h.last_announce_us = now_us;
  OwnerAnnouncement a{self_, std::round(h.ewma * 10) / 10};
  owners_[device] = {a, now_us};  // optimistic: the broker's echo confirms or overrides it
  return a;
}

void DeviceOwnership::announced(const std::string& device, const OwnerAnnouncement& a, std::int64_t now_us) {
  owners_[device] = {a, now_us};
  gateways_.insert(a.gateway);
}

void DeviceOwnership::gateway_status(const std::string& gateway, bool online) {
  gateways_.insert(gateway);
  if (online) offline_.erase(gateway);
  else offline_.insert(gateway);
}

std::optional<std::string> DeviceOwnership::owner(const std::string& device) const {
  auto o = owners_.find(device);
  if (o == owners_.end()) return std::nullopt;
  return o->second.a.gateway;
}

bool DeviceOwnership::is_owner(const std::string& device) const {
  auto o = owners_.find(device);
  return o != owners_.end() && o->second.a.gateway == self_;
}

std::optional<double> DeviceOwnership::smoothed_rssi(const std::string& device) const {
  auto h = heard_.find(device);
  if (h == heard_.end()) return std::nullopt;
  return h->second.ewma;
}

}  // namespace declouder
