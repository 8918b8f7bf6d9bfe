// The session runner: a conversation with a GATT device is a list of steps, run by one
// generic runner over a GattLink (BlueZ or a simulator), so every conversation is testable
// without a radio and reads like the protocol description it implements.
//
// Steps:
//   subscribe(UUID)            enable notifications/indications
//   write(UUID, bytes|fn, mode) write (with or without response); `pacing` is kept between writes
//   read(UUID, fn)             read a value and hand it to fn
//   expect(label, match)       wait for notifications until match() says done (or fail, or timeout)
//   gate(prompt, match)        like expect, but first tells the person what to do ("step on the
//                              scale", "tap the band") and waits as long as a person needs
//   pause(ms), action(fn)      let time pass; run code (bookkeeping between steps)
// Any step can be marked resume_here (a safe point, see below); expect/gate steps can be
// optional (a timeout moves on: "the scale may also send a body-composition frame"). An
// optional step can also say the device may hang up instead (`hang_up_moves_on`): scales
// that end the link themselves once done (Picooc) would otherwise turn "nothing more
// came" into a reconnect that asks them for the weighing again.
//
// Every value received is also handed to FrameHandlers::on_gatt_value; readings a step
// produces go through SessionContext::emit (and FrameHandlers::on_reading).
//
// Failures: a timeout or a fail verdict ends the session with a SessionError naming the step.
// A disconnect (LinkLost) reconnects and resumes at the last step marked resume_here at or
// before the failing one (the first step if none is), after re-running the subscribe steps
// that come before it (a new connection starts with notifications off). Readings already
// emitted are kept. After `max_reconnects` the session fails with the disconnect reason.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "core/reading.hpp"
#include "link/gatt_link.hpp"

namespace declouder {

struct SessionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct EmittedReading {
  Reading reading;
  Bytes raw;
  std::int64_t time_us = 0;
};

struct SessionContext {
  GattLink& link;
  const FrameHandlers& handlers;
  std::vector<EmittedReading> readings;
  std::map<std::string, long long> counters;  // conversation bookkeeping ("records expected", ...)
  Bytes buffer;                               // reassembly of values split across notifications
  std::map<std::string, Bytes> frames;        // frames kept for a later step (merging two values)
  std::function<void(const std::string&)> tell;  // messages for the person (gates, progress)

  void emit(const Reading& r, const Bytes& raw);
};

enum class Verdict {
  ignore,  // not for this step: keep waiting
  more,    // accepted (progress), keep waiting for the rest
  done,    // the step is complete
  fail,    // the device said something that ends the conversation
};

struct Step {
  enum class Kind { subscribe, write, read, expect, gate, pause, action };
  Kind kind = Kind::action;
  std::string label;
  Uuid characteristic;
  std::function<Bytes(SessionContext&)> payload;  // write
  WriteMode mode = WriteMode::with_response;      // write
  std::function<Verdict(const GattValue&, SessionContext&)> match;  // expect, gate
  std::function<void(const Bytes&, SessionContext&)> on_read;       // read
  std::function<void(SessionContext&)> action;                     // action
  std::chrono::milliseconds timeout{10000};  // expect/gate; pause length for pause
  std::string prompt;                        // gate
  bool resume_here = false;                  // safe point for a retry after a disconnect
  bool optional = false;                     // expect/gate: a timeout moves on instead of failing
  bool hang_up_moves_on = false;             // optional expect/gate: so does the device hanging up
};

// Step builders.
Step subscribe_step(const Uuid& characteristic, std::string label = {});
Step write_step(const Uuid& characteristic, Bytes value, WriteMode mode, std::string label = {});
Step write_step(const Uuid& characteristic, std::function<Bytes(SessionContext&)> payload, WriteMode mode,
                std::string label = {});
Step read_step(const Uuid& characteristic, std::function<void(const Bytes&, SessionContext&)> on_read,
               std::string label = {});
Step expect_step(std::string label, std::function<Verdict(const GattValue&, SessionContext&)> match,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
Step gate_step(std::string prompt, std::function<Verdict(const GattValue&, SessionContext&)> match,
               std::chrono::milliseconds timeout = std::chrono::seconds(60));
Step pause_step(std::chrono::milliseconds d);
Step action_step(std::string label, std::function<void(SessionContext&)> action);

struct Conversation {
  std::string name;
  std::vector<Step> steps;
  std::chrono::milliseconds pacing{0};  // least time between two writes (slow devices)
  int max_reconnects = 2;
};

struct SessionOptions {
  std::chrono::milliseconds connect_timeout{20000};
  double gate_timeout_scale = 1.0;  // tests shorten the person's time
  std::function<void(const std::string&)> tell;  // prompts and progress; default: nothing
};

struct SessionResult {
  std::vector<EmittedReading> readings;
  int reconnects = 0;
};

class SessionRunner {
 public:
  explicit SessionRunner(GattLink& link, SessionOptions options = {}) : link_(link), options_(std::move(options)) {}
  // Connects if needed, runs every step, disconnects. Throws SessionError.
  SessionResult run(const Conversation& conversation, const FrameHandlers& handlers = {});

 private:
  void run_step(const Step& step, SessionContext& ctx);
  GattLink& link_;
  SessionOptions options_;
  GattLink::Clock::time_point last_write_{};
  std::chrono::milliseconds pacing_{0};
};

}  // namespace declouder
