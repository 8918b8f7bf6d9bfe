// Within one gateway: which of its radios talks to a device. With local adapters and
// ESPHome proxies in several rooms, a scale that must be asked is heard by more than one
// radio that could connect to it; the one that hears it best should. As between gateways
// (gateway/ownership.hpp, after habluetooth's BluetoothManager), each radio's RSSI for
// the device is smoothed (EWMA) and the choice only moves with hysteresis: to a radio that
// beats the chosen one by `switch_db`, or when the chosen one has not heard the device
// for `stale_us`. With several radios a device is first listened to for `settle_us`, so
// every radio that hears it has reported before one is chosen to talk. Pure logic; the
// gateway's loop thread calls it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace declouder {

struct RadioChoicePolicy {
  double smoothing = 0.3;
  double switch_db = 6;
  std::int64_t stale_us = 10'000'000;
  std::int64_t settle_us = 1'500'000;
};

class RadioChoice {
 public:
  explicit RadioChoice(RadioChoicePolicy policy = {}) : policy_(policy) {}
  // `radio` heard `device` at `rssi` (nullopt: unknown, counted as weak).
  void heard(const std::string& device, const std::string& radio, std::optional<int> rssi, std::int64_t now_us);
  // The radio that should talk to `device` now ("" when none heard it).
  std::string chosen(const std::string& device) const;
  // Has `device` been heard long enough (since its wake began) to choose?
  bool settled(const std::string& device, std::int64_t now_us) const;

 private:
  struct Heard {
    double ewma = 0;
    std::int64_t last_us = 0;
  };
  struct Device {
    std::map<std::string, Heard> radios;
    std::string chosen;
    std::int64_t since_us = 0;  // heard continuously since
    std::int64_t last_us = 0;
  };
  RadioChoicePolicy policy_;
  std::map<std::string, Device> devices_;
};

}  // namespace declouder
