#include "gateway/radio_choice.hpp"

namespace declouder {

void RadioChoice::heard(const std::string& device, const std::string& radio, std::optional<int> rssi,
                        std::int64_t now_us) {
  Device& d = devices_[device];
  if (!d.last_us || now_us - d.last_us > policy_.stale_us) d.since_us = now_us;  // a new wake
  d.last_us = now_us;
  const double v = rssi.value_or(-127);
  auto [it, first] = d.radios.try_emplace(radio);
  Heard& h = it->second;
  h.ewma = first || now_us - h.last_us > policy_.stale_us ? v : policy_.smoothing * v + (1 - policy_.smoothing) * h.ewma;
  h.last_us = now_us;
  auto current = d.radios.find(d.chosen);
  if (current == d.radios.end() || now_us - current->second.last_us > policy_.stale_us) {
    d.chosen = radio;  // nobody chosen, or the chosen radio no longer hears it
    return;
  }
  if (radio != d.chosen && h.ewma > current->second.ewma + policy_.switch_db) d.chosen = radio;
}

bool RadioChoice::settled(const std::string& device, std::int64_t now_us) const {
  auto it = devices_.find(device);
  return it != devices_.end() && now_us - it->second.since_us >= policy_.settle_us;
}

std::string RadioChoice::chosen(const std::string& device) const {
  auto it = devices_.find(device);
  return it == devices_.end() ? std::string() : it->second.chosen;
}

}  // namespace declouder
