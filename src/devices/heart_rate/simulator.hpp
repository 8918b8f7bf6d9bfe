// A standard Bluetooth heart-rate strap (Heart Rate service 0x180D), device side:
// it advertises 0x180D and, while 2A37 is subscribed, notifies a Heart Rate
// Measurement once a second: flags 0x16 (8-bit value, contact supported and
// detected, RR intervals present), the bpm, one RR interval in 1/1024 s.
// Registered as `heart-rate-strap` for `declouder simulate`.
#pragma once
#include "core/bytes.hpp"

namespace declouder::sim {

// The measurement the strap sends at second n: bpm varies by -2..+2 around `bpm`.
Bytes heart_rate_strap_measurement(int bpm, int n);

}  // namespace declouder::sim
