#include "gateway/conversations.hpp"

#include "link/session.hpp"

namespace declouder {

ConversationOutcome hold_conversation(GattLink& link, const ConversationRequest& request, const FrameHandlers& to,
                                      std::chrono::milliseconds connect_timeout) {
  ConversationOutcome out;
  out.device = request.advert.address ? request.advert.address->str() : std::string();
  // Only the readings the conversation emits go on: its steps already decoded the values
  // (a live ICOMON frame is progress, not a weighing), so the pipeline does not decode them twice.
  FrameHandlers handlers;
  handlers.on_reading = [&](const Reading& reading, const Bytes& raw, std::int64_t time_us) {
    Reading r = reading;
    if (!r.address) r.address = request.advert.address;
    ++out.readings;
    if (to.on_reading) to.on_reading(r, raw, time_us);
  };
  SessionOptions options;
  options.connect_timeout = connect_timeout;
  options.tell = request.tell;
  try {
    SessionRunner runner(link, options);
    SessionResult r = runner.run(request.device->conversation->build(request.context), handlers);
    out.reconnects = r.reconnects;
    out.ok = true;
  } catch (const std::exception& e) {  // SessionError, LinkLost, BleError, ConversationCancelled
    out.error = e.what();
  }
  if (link.connected()) {
    try {
      link.disconnect();
    } catch (const std::exception&) {
    }
  }
  return out;
}

ConversationPlanner::Decision ConversationPlanner::advertised(const std::string& device, const std::string& source,
                                                              std::int64_t now_us, bool may_talk) {
  Device& d = devices_[device];
  const bool new_wake = d.last_heard_us == 0 || now_us - d.last_heard_us > policy_.wake_gap_us;
  d.last_heard_us = now_us;
  if (d.running) return Decision::running;
  if (new_wake) {
    d.done = false;
    d.failures = 0;
    d.next_try_us = 0;
  }
  if (d.done) return Decision::done;
  if (d.failures >= policy_.attempts_per_wake) return Decision::gave_up;
  if (now_us < d.next_try_us) return Decision::waiting;
  if (!may_talk) return Decision::not_owner;
  if (busy_.count(source)) return Decision::source_busy;
  d.running = true;
  d.source = source;
  busy_.insert(source);
  return Decision::talk;
}

void ConversationPlanner::finished(const std::string& device, bool ok, std::int64_t now_us) {
  auto it = devices_.find(device);
  if (it == devices_.end() || !it->second.running) return;
  Device& d = it->second;
  d.running = false;
  busy_.erase(d.source);
  // While connected the device does not advertise: the wake goes on from the end of the talk.
  d.last_heard_us = now_us;
  if (ok) {
    d.done = true;
  } else {
    ++d.failures;
    d.next_try_us = now_us + policy_.retry_after_us * d.failures;
  }
}

}  // namespace declouder
