// The Mi Band step lists (miband_conversation.hpp) as Conversations for the
// generic SessionRunner (src/link/session.hpp), plus what the runner's GattLink
// cannot do itself: raising the link's supervision timeout through BlueZ, and
// turning a disconnect reason into the HCI code and advice.
//
// Supervision timeout "where BlueZ allows": BlueZ's D-Bus API has no connection
// parameters, so raise_supervision_timeout() writes the kernel's defaults for new
// LE connections in debugfs (/sys/kernel/debug/bluetooth/hciN/supervision_timeout,
// in 10 ms units; root and a mounted debugfs needed) before connecting. When that
// is not possible it says why, and the band's own FF09 request (5 s, accepted by
// the kernel) is what keeps the link.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "devices/miband/conversation.hpp"
#include "link/session.hpp"

namespace declouder::miband {

// What the link_parameters step does: returns a line for the person ("supervision
// timeout raised to 6000 ms", "could not ...: reason").
using SupervisionTuner = std::function<std::string(int supervision_timeout_ms)>;

// Plan steps -> runner steps. Gates tell the person to tap the band; the heart-rate
// value becomes a Reading (model "xiaomi-mi-band-1", heart_rate_bpm) emitted through
// the runner; device info is checked (its check byte) on the way.
Conversation to_conversation(const std::string& name, const std::vector<PlanStep>& plan, const SupervisionTuner& tuner = {});

// Everything for one heart-rate measurement: connect plan + heart-rate plan.
Conversation heart_rate_conversation(const UserProfile& user, const MacAddress& band, Model model,
                                     const LinkPolicy& policy = {}, const SupervisionTuner& tuner = {});

// The activity history (FF07): connect plan, notifications on FF07, `06` on FF05,
// then every block is fed to an ActivityFetch and acknowledged on FF05 from inside
// the expect step (the band sends the next block only after the ack). Each minute
// is emitted as a Reading: steps, heart_rate_bpm (1S), device_time (the band's wall
// clock), device metrics activity_kind and intensity.
Conversation activity_conversation(const UserProfile& user, const MacAddress& band, Model model,
                                   const LinkPolicy& policy = {}, const SupervisionTuner& tuner = {});

// Battery, steps and device info, after the connect plan (user info, tap gate).
struct BandStatus {
  std::optional<DeviceInfo> info;
  std::optional<Battery> battery;
  std::optional<std::uint32_t> steps;
};
Conversation status_conversation(const UserProfile& user, const MacAddress& band, Model model, BandStatus& out,
                                 const LinkPolicy& policy = {}, const SupervisionTuner& tuner = {});

// debugfs: the supervision timeout (and a moderate 30-50 ms interval) for new LE
// connections of adapter `hci` ("hci0"). nullopt on success, else why not.
std::optional<std::string> raise_supervision_timeout(const std::string& hci, int supervision_timeout_ms,
                                                     const std::string& debugfs_root = "/sys/kernel/debug/bluetooth");

// The HCI reason behind a disconnect description from BlueZ ("connection timeout
// (org.bluez.Reason.Timeout)") or a simulator; nullopt when it says nothing usable.
std::optional<std::uint8_t> hci_reason_of(const std::string& description);

}  // namespace declouder::miband
