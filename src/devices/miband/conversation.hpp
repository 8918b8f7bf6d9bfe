// The Mi Band conversations as step lists: plain data, run by a session runner
// (src/link/ and src/radio/ over BlueZ, or a simulator host in tests), so the order that keeps the
// link alive is written down once and tested without a radio.
//
// On every connection (user info is volatile, Gadgetbridge #280):
//   subscribe FF03 -> write FF09 low-latency parameters (the band then asks for
//   them itself) -> raise the link's supervision timeout through BlueZ where
//   allowed (our value wins over the band's) -> read FF0A date -> read FF01 device info
//   -> write FF04 user info -> gate on FF03: 0x05/0x0A/0x15 proceed, 0x13 "tap the
//   band" (keep waiting for the person), 0x06 failed.
// Heart rate once (1S), the order that avoids the dropped link a public Stack Overflow
// question on Mi Band 1S heart rate shows (its hcidump log):
//   subscribe 2A37 (CCCD) -> 2A39 `15 01 00`, `15 02 00` (stop continuous and
//   manual, as Gadgetbridge does) -> 2A39 `15 02 01` as a Write Request whose
//   response may take 1.3 s (the Mi Fit capture: 1.29 s), so the response timeout
//   is longer and the supervision timeout well above it (Linux defaults to 420 ms)
//   -> wait for 2A37 `06 <bpm>`.
// When the band drops the link anyway, the runner reports the HCI disconnect
// reason: 0x08 supervision timeout (link parameters), 0x13 the band hung up (its
// state: user info, authentication), 0x16 our side gave up (a timeout of ours).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "devices/miband/protocol.hpp"

namespace declouder::miband {

struct LinkPolicy {
  int supervision_timeout_ms = 6000;      // asked of BlueZ before anything slow
  int write_response_timeout_ms = 3000;   // must exceed the band's 1.3 s for `15 02 01`
  int tap_timeout_ms = 60000;             // how long a person may take to tap the band
  int measurement_timeout_ms = 30000;     // first 2A37 value (~10 s in the Mi Fit capture)
  int step_timeout_ms = 5000;             // everything else
};

struct PlanStep {
  enum class Kind : std::uint8_t {
    subscribe,        // enable notifications (write the CCCD)
    link_parameters,  // ask the host stack for supervision_timeout_ms (and a moderate interval)
    write,            // value to the characteristic; with_response = ATT Write Request
    read,             // read and keep the value (device info, date)
    await_status,     // the pairing gate on FF03
    await_value,      // the first notification from the characteristic
  };
  Kind kind = Kind::write;
  std::uint16_t characteristic = 0;  // 16-bit UUID (FFxx on FEE0, 2A37/2A39 on 180D)
  Bytes value;
  bool with_response = true;
  int timeout_ms = 5000;
  int supervision_timeout_ms = 0;  // link_parameters
  std::string label;
  bool resume_here = false;  // safe point to resume after a reconnect
};

std::vector<PlanStep> connect_plan(const UserProfile& user, const MacAddress& band, Model model, const LinkPolicy& p = {});
std::vector<PlanStep> heart_rate_once_plan(const LinkPolicy& p = {});

// What the pairing gate makes of an FF03 value (one byte).
Gate gate_for_notification(ByteView value);

// HCI Disconnection Complete reasons, named for people.
std::string_view disconnect_reason_name(std::uint8_t hci_reason);
// What to do about it.
std::string_view disconnect_advice(std::uint8_t hci_reason);

}  // namespace declouder::miband
