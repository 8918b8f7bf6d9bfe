#include "radio/bus_loop.hpp"

#include <poll.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <vector>

namespace declouder {

namespace {
std::atomic<bool> g_interrupted{false};
void on_stop_signal(int) { g_interrupted = true; }
}  // namespace

void BusLoop::install_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: poll() returns EINTR and the loop notices
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool BusLoop::interrupted() { return g_interrupted; }

BusLoop::TimerId BusLoop::after(Clock::duration delay, std::function<void()> fn) {
  TimerId id = next_id_++;
  timers_.emplace(Clock::now() + delay, std::make_pair(id, std::move(fn)));
  return id;
}

void BusLoop::cancel(TimerId id) {
  for (auto it = timers_.begin(); it != timers_.end(); ++it)
    if (it->second.first == id) {
      timers_.erase(it);
      return;
    }
}

bool BusLoop::run_due_timers() {
  bool ran = false;
  const auto now = Clock::now();
  // Collect first: a timer may add or cancel timers.
  std::vector<std::function<void()>> due;
  while (!timers_.empty() && timers_.begin()->first <= now) {
    due.push_back(std::move(timers_.begin()->second.second));
    timers_.erase(timers_.begin());
  }
  for (auto& fn : due) {
    fn();
    ran = true;
  }
  return ran;
}

void BusLoop::run_once(Clock::time_point deadline) {
  bool handled = false;
  while (connection_.processPendingRequest()) handled = true;
  if (run_due_timers()) handled = true;
  if (handled || stopped()) return;

  auto data = connection_.getEventLoopPollData();
  auto wait_until = deadline;
  if (!timers_.empty() && timers_.begin()->first < wait_until) wait_until = timers_.begin()->first;
  const auto now = Clock::now();
  long long ms = 60000;  // wake up at least once a minute (and never overflow with a far deadline)
  if (wait_until < now + std::chrono::milliseconds(ms))
    ms = std::max<long long>(0, std::chrono::ceil<std::chrono::milliseconds>(wait_until - now).count());
  int bus_ms = data.getPollTimeout();
  int timeout = static_cast<int>(ms > 60000 ? 60000 : ms);
  if (bus_ms >= 0 && bus_ms < timeout) timeout = bus_ms;
  pollfd fd{data.fd, data.events, 0};
  int r = ::poll(&fd, 1, timeout);
  if (r < 0 && errno != EINTR) return;
  while (connection_.processPendingRequest()) {
  }
  run_due_timers();
}

bool BusLoop::run_until(const std::function<bool()>& done, Clock::time_point deadline) {
  stopped_ = false;
  while (!done()) {
    if (stopped() || Clock::now() >= deadline) return done();
    run_once(deadline);
  }
  return true;
}

}  // namespace declouder
