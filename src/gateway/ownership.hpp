// Which gateway owns a device: the one that answers for it to Home Assistant.
//
// Several gateways in several rooms may hear the same scale. As Home
// Assistant does with its Bluetooth proxies (habluetooth's BluetoothManager),
// each device has one owning gateway, chosen on smoothed signal strength with
// hysteresis so ownership does not flap between rooms:
//
//   - each gateway smooths the RSSI it hears per device (EWMA, alpha 0.3);
//   - the owner is whoever last announced itself on the retained MQTT topic
//     declouder/devices/<MAC>/owner: the broker orders announcements, so every
//     gateway agrees on the owner;
//   - a gateway announces itself when there is no owner, when the owner's
//     gateway is offline (its last will says so), when its smoothed RSSI beats
//     the owner's announced RSSI by `switch_db` (16 dB, as habluetooth), or when
//     the owner has said nothing for `takeover_grace` while this gateway has
//     been hearing the device (the owner is out of range of this weighing);
//   - the owner re-announces when its RSSI moves by `refresh_db` or when the
//     device starts a new burst of adverts after a silence.
//
// Ownership only decides who answers at once; exactly-once delivery is
// guaranteed by the claims in gateway/coordination.hpp even while it changes.
// Pure logic: no I/O, the caller publishes the announcements returned.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace declouder {

struct OwnershipPolicy {
  double smoothing = 0.3;
  double switch_db = 16;
  double refresh_db = 3;
  std::int64_t min_announce_interval_us = 1'000'000;
  std::int64_t burst_gap_us = 30'000'000;
  std::int64_t takeover_grace_us = 8'000'000;
};

struct OwnerAnnouncement {
  std::string gateway;
  double rssi = -127;
};

class DeviceOwnership {
 public:
  DeviceOwnership(std::string self, OwnershipPolicy policy = {}) : self_(std::move(self)), policy_(policy) {}

  // Until the retained owners are known (after subscribing), nothing is
  // announced. Not ready also forgets the owners: the broker resends them (or,
  // if it lost its retained messages, nobody owns anything any more).
  void set_ready(bool ready) {
    ready_ = ready;
    if (!ready) owners_.clear();
  }
  bool ready() const { return ready_; }

  // This gateway heard `device` at `rssi`. Returns the announcement to publish
  // (retained) when this gateway should (re)claim ownership.
  std::optional<OwnerAnnouncement> heard(const std::string& device, double rssi, std::int64_t now_us);
  // An announcement arrived from the broker (ours included). `now_us` is our clock.
  void announced(const std::string& device, const OwnerAnnouncement& a, std::int64_t now_us);
  // A gateway's status (its last will: "offline").
  void gateway_status(const std::string& gateway, bool online);

  // The current owner, if any is known.
  std::optional<std::string> owner(const std::string& device) const;
  bool is_owner(const std::string& device) const;
  std::optional<double> smoothed_rssi(const std::string& device) const;
  const std::set<std::string>& known_gateways() const { return gateways_; }

 private:
  struct Heard {
    double ewma = 0;
    std::int64_t last_heard_us = 0;
    std::int64_t burst_start_us = 0;
    std::int64_t last_announce_us = 0;
  };
  struct Owner {
    OwnerAnnouncement a;
    std::int64_t received_us = 0;
  };
  std::string self_;
  OwnershipPolicy policy_;
  bool ready_ = false;
  std::map<std::string, Heard> heard_;
  std::map<std::string, Owner> owners_;
  std::set<std::string> gateways_;
  std::set<std::string> offline_;
};

}  // namespace declouder
