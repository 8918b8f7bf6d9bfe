// Conversations in the gateway: scales that must be talked to (Picooc Mini, ICOMON/Crenot,
// Bluetooth SIG standard scales) are connected to by `declouder run` itself, with the step
// lists of their descriptors (src/devices/<device>/conversation.cpp), whenever one of them wakes up.
//
// Who decides, who talks:
//   - the planner (below) runs on the gateway's event-loop thread, next to the pipeline and
//     the outputs; it sees every advertisement and decides when to talk to which device;
//   - the source that heard the device (BlueZ, or an in-process simulator) holds the
//     conversation on its own thread, one at a time, and reports the outcome back;
//   - with several gateways on one broker, only the device's owning gateway
//     (gateway/ownership.hpp) talks to it, so two rooms do not fight for one scale.
//
// When to talk (ConversationPolicy):
//   - a device's "wake" is a run of advertisements without a gap longer than `wake_gap`
//     (a scale advertises while it is on, then sleeps);
//   - once per wake: after a conversation that worked the device is left alone until it has
//     slept (so a Picooc that keeps advertising for a while is not asked twice);
//   - a conversation that failed (out of range, the person stepped off too soon, the link
//     dropped) is tried again `retry_after` x attempt later, up to `attempts_per_wake` times.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "core/frame.hpp"
#include "devices/descriptor.hpp"
#include "link/gatt_link.hpp"

namespace declouder {

struct ConversationOutcome {
  std::string device;        // AA:BB:CC:DD:EE:FF
  bool ok = false;           // the conversation ran to its end
  std::size_t readings = 0;  // readings it produced (handed to the pipeline as they came)
  int reconnects = 0;
  std::string error;  // why it failed, one line
};

// What the gateway asks a source to do. `tell` carries the conversation's messages for the
// person ("step on the scale"); `done` is called once, on the source's thread, at the end.
struct ConversationRequest {
  Advertisement advert;
  const DeviceDescriptor* device = nullptr;  // has a conversation
  ConversationContext context;
  std::function<void(const std::string&)> tell;
  std::function<void(const ConversationOutcome&)> done;
};

// Runs the request's conversation over `link` (connecting, running the steps, disconnecting),
// handing each reading to `to.on_reading` as it comes. Never throws: failures are outcomes.
ConversationOutcome hold_conversation(GattLink& link, const ConversationRequest& request, const FrameHandlers& to,
                                      std::chrono::milliseconds connect_timeout = std::chrono::seconds(20));

struct ConversationPolicy {
  std::int64_t wake_gap_us = 30'000'000;
  int attempts_per_wake = 3;
  std::int64_t retry_after_us = 5'000'000;
};

// Pure logic, no I/O; the gateway calls it on its event-loop thread.
class ConversationPlanner {
 public:
  explicit ConversationPlanner(ConversationPolicy policy = {}) : policy_(policy) {}

  enum class Decision {
    talk,         // start the conversation now (the planner counts it as running)
    running,      // a conversation with this device is under way
    done,         // talked already during this wake
    waiting,      // failed; the next attempt is not due yet
    gave_up,      // failed `attempts_per_wake` times during this wake
    source_busy,  // the source is talking to another device
    not_owner,    // another gateway answers for this device
  };
  // `device` advertised through `source` at `now_us`; `may_talk`: this gateway owns it.
  Decision advertised(const std::string& device, const std::string& source, std::int64_t now_us, bool may_talk);
  // The conversation started by `talk` ended.
  void finished(const std::string& device, bool ok, std::int64_t now_us);

 private:
  struct Device {
    std::int64_t last_heard_us = 0;
    bool running = false;
    bool done = false;
    int failures = 0;
    std::int64_t next_try_us = 0;
    std::string source;
  };
  ConversationPolicy policy_;
  std::map<std::string, Device> devices_;
  std::set<std::string> busy_;  // the sources holding a conversation
};

}  // namespace declouder
