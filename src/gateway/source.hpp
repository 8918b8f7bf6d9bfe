// Sources: where frames come from. The BlueZ scanner, a replayed capture and
// the simulators all hand frames to the same FrameHandlers (core/frame.hpp), so
// the gateway runs the very same pipeline on each. Each source runs on its own
// thread until it has nothing more to say or the gateway stops.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/frame.hpp"
#include "gateway/conversations.hpp"

namespace declouder {

// Set once, when the gateway stops; sources sleep on it so they wake at once.
class StopFlag {
 public:
  void request() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    cv_.notify_all();
  }
  bool requested() const {
    std::lock_guard lock(mutex_);
    return stopped_;
  }
  // Sleeps up to `d`; true when stop was requested (before or during the sleep).
  template <typename Duration>
  bool wait_for(Duration d) const {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, d, [&] { return stopped_; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  bool stopped_ = false;
};

class Source {
 public:
  virtual ~Source() = default;
  // For the log, one line: "simulated Xiaomi Mi Scale 2 at 5C:CA:D3:00:00:01".
  virtual std::string describe() const = 0;
  // Stored with every reading: "bluez", "replay:FILE", "simulated:mi-scale-2".
  virtual std::string label() const = 0;
  virtual bool simulated() const { return false; }
  // Delivers frames until done or until `stop` is requested.
  virtual void run(const FrameHandlers& to, const StopFlag& stop) = 0;

  // Sources that can connect to what they hear (BlueZ, the in-process simulators) hold the
  // conversations the gateway asks for (gateway/conversations.hpp), on their own thread,
  // one at a time. Any thread may ask; a request waits until the source takes it.
  virtual bool can_converse() const { return false; }
  void request_conversation(ConversationRequest r) {
    std::lock_guard lock(requests_mutex_);
    request_ = std::move(r);
  }

 protected:
  std::optional<ConversationRequest> take_conversation_request() {
    std::lock_guard lock(requests_mutex_);
    auto r = std::move(request_);
    request_.reset();
    return r;
  }

 private:
  std::mutex requests_mutex_;
  std::optional<ConversationRequest> request_;  // the planner gives a source one at a time
};

}  // namespace declouder
