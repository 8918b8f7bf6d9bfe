// A single-threaded event loop over one sd-bus connection, with timers.
//
// Both sides of declouder's Bluetooth code use it: the BlueZ client (scan, read) and the
// simulators' D-Bus servers (the fake org.bluez, the BlueZ peripheral). Everything runs on
// the thread that calls run_*(): D-Bus callbacks, signal handlers and timers, so no locks
// are needed and a test can step the loop deterministically. Synchronous D-Bus calls made
// from a callback are fine: sd-bus queues whatever else arrives meanwhile.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include <sdbus-c++/sdbus-c++.h>

namespace declouder {

class BusLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using TimerId = std::uint64_t;

  explicit BusLoop(sdbus::IConnection& connection) : connection_(connection) {}

  sdbus::IConnection& connection() { return connection_; }

  // Runs fn once, `delay` from now, from within run_*().
  TimerId after(Clock::duration delay, std::function<void()> fn);
  void cancel(TimerId id);

  // Handles everything that has arrived and every due timer, then waits for more until
  // `deadline` at most. Returns early after handling something.
  void run_once(Clock::time_point deadline);
  // Runs until done() is true (checked after every event) or the deadline passes.
  // Returns done(). Also returns when stop() was called or a stop signal arrived.
  bool run_until(const std::function<bool()>& done, Clock::time_point deadline);
  void run_for(Clock::duration d) { run_until([] { return false; }, Clock::now() + d); }

  // Ends run_until() from a callback.
  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_ || interrupted(); }

  // SIGINT/SIGTERM end every loop in the process (for `simulate` and `scan` run by people).
  static void install_stop_signals();
  static bool interrupted();

 private:
  bool run_due_timers();
  sdbus::IConnection& connection_;
  std::multimap<Clock::time_point, std::pair<TimerId, std::function<void()>>> timers_;
  TimerId next_id_ = 1;
  bool stopped_ = false;
};

}  // namespace declouder
