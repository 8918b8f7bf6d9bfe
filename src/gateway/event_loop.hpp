// The gateway's one thread of control. Sources (each on its own thread) and
// the MQTT network thread post work here; everything that touches the
// database, the outbox or the outputs runs on this thread, in order, so none of
// it needs locks.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

namespace declouder {

class EventLoop {
 public:
  using Task = std::function<void()>;

  // Any thread.
  void post(Task t);
  // Runs posted tasks until `done()` is true. `next_deadline_us()` says when
  // to call `on_timer()` without a task (0 = no deadline).
  void run(const std::function<bool()>& done, const std::function<std::int64_t()>& next_deadline_us,
           const std::function<void()>& on_timer);
  // Runs what is already posted, without waiting.
  void drain();
  std::size_t pending() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;
};

}  // namespace declouder
