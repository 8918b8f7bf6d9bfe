#include "gateway/event_loop.hpp"

#include <chrono>

#include "core/time.hpp"

namespace declouder {

void EventLoop::post(Task t) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(t));
  }
  cv_.notify_one();
}

std::size_t EventLoop::pending() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

void EventLoop::drain() {
  for (;;) {
    Task t;
    {
      std::lock_guard lock(mutex_);
      if (tasks_.empty()) return;
      t = std::move(tasks_.front());
      tasks_.pop_front();
    }
    t();
  }
}

void EventLoop::run(const std::function<bool()>& done, const std::function<std::int64_t()>& next_deadline_us,
                    const std::function<void()>& on_timer) {
  while (!done()) {
    Task t;
    {
      std::unique_lock lock(mutex_);
      if (tasks_.empty()) {
        const std::int64_t deadline = next_deadline_us ? next_deadline_us() : 0;
        // Stops arrive as posted tasks, so an idle gateway sleeps until a deadline or a task.
        std::int64_t wait_us = 60'000'000;
        if (deadline > 0) wait_us = std::min<std::int64_t>(wait_us, std::max<std::int64_t>(0, deadline - now_unix_us()));
        cv_.wait_for(lock, std::chrono::microseconds(wait_us), [&] { return !tasks_.empty(); });
      }
      if (!tasks_.empty()) {
        t = std::move(tasks_.front());
        tasks_.pop_front();
      }
    }
    if (t) t();
    if (on_timer) {
      const std::int64_t deadline = next_deadline_us ? next_deadline_us() : 0;
      if (deadline > 0 && deadline <= now_unix_us()) on_timer();
    }
  }
}

}  // namespace declouder
