// The gateway service: runs every source on its own thread, feeds their frames
// through the pipeline on the event-loop thread, asks the sources that can
// connect to hold the conversations of the devices that must be talked to
// (gateway/conversations.hpp), and stops cleanly.
//
// What it runs on its event-loop thread: the pipeline (gateway/pipeline.hpp),
// the delivery to the outputs (gateway/delivery.hpp) and, with MQTT, the
// coordination with the other gateways (gateway/coordination.hpp), which also
// says whether this gateway may talk to a device.
//
// Stopping (SIGTERM, SIGINT, or every source finished in a finite run):
//   1. the sources are told to stop and joined;
//   2. every frame they had already handed over is still processed, so every
//      reading received is stored, and weighings still settling are handed on;
//   3. the outputs finish what is in flight (MQTT waits for the broker's
//      acknowledgements, up to `stop_timeout`); what is left stays in the
//      outbox for the next start.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gateway/conversations.hpp"
#include "gateway/coordination.hpp"
#include "gateway/delivery.hpp"
#include "gateway/event_loop.hpp"
#include "gateway/pipeline.hpp"
#include "gateway/radio_choice.hpp"
#include "gateway/source.hpp"

namespace declouder {

class Gateway {
 public:
  using Log = std::function<void(const std::string&)>;
  // `coordination`: null without MQTT (this gateway is then alone). The
  // pipeline's listeners are the delivery and the coordination (cmd_run wires them).
  Gateway(EventLoop& loop, Pipeline& pipeline, Delivery& delivery, GatewayCoordination* coordination, Log log)
      : loop_(loop), pipeline_(pipeline), delivery_(delivery), coordination_(coordination), log_(std::move(log)) {
    delivery_.hold_cursor_behind([this] { return pipeline_.oldest_held_id(); });
  }

  void add_source(std::unique_ptr<Source> s) { sources_.push_back(std::move(s)); }
  // Finite run: stop by itself once every source is done and the outputs have
  // nothing left to do (replays, simulations with a number of weighings).
  void set_exit_when_done(bool v) { exit_when_done_ = v; }
  void set_stop_timeout_us(std::int64_t us) { stop_timeout_us_ = us; }
  // What every conversation starts from (the person weighing, when known, and their user
  // slot and consent code on the scale); the advertisement and the time are filled in per
  // conversation.
  void set_conversation_defaults(ConversationContext c) { conversation_defaults_ = std::move(c); }
  // Where the conversations that remember (a Trisa's pairing password) keep what they need
  // between connections: loaded before each, stored after it (loop thread). Without it they
  // start from an empty memory every time.
  void use_device_memory(Database* db) { memory_db_ = db; }

  // Any thread (the signal thread): asks the gateway to stop.
  void request_stop(const std::string& why);
  // Runs until stopped. Calls `listening()` once the sources are started.
  void run(const std::function<void()>& listening = {});
  // A source failed (BlueZ unusable, capture unreadable), or the database did
  // (locked, full, read-only, damaged): the run stopped because of it, and says
  // so in the log. What was stored and acknowledged before stays; exit non-zero
  // so that systemd restarts the gateway.
  bool failed() const { return failed_; }

 private:
  // Loop thread: after the pipeline saw an advertisement, talk to its device if it must be asked.
  void consider_conversation(Source& source, const std::string& label, const Advertisement& a, int decoded);
  // Runs one step of the run; a storage error stops the run (logged once, failed_) instead of escaping.
  void guarded(const std::function<void()>& step);
  void storage_failed(const std::string& what);

  EventLoop& loop_;
  Pipeline& pipeline_;
  Delivery& delivery_;
  GatewayCoordination* coordination_;
  Log log_;
  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<std::thread> threads_;
  ConversationPlanner planner_;  // loop thread only
  RadioChoice radios_;           // loop thread only
  int conversing_radios_ = 0;    // sources that can connect to a device
  ConversationContext conversation_defaults_;
  Database* memory_db_ = nullptr;  // loop thread only
  StopFlag source_stop_;
  bool stop_ = false;  // loop thread only
  bool failed_ = false;  // loop thread only
  bool storage_failed_ = false;  // loop thread only: said once
  int sources_running_ = 0;  // loop thread only
  bool exit_when_done_ = false;
  std::int64_t stop_timeout_us_ = 5'000'000;
};

}  // namespace declouder
