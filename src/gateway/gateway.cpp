#include "gateway/gateway.hpp"

#include <ctime>

#include "core/time.hpp"
#include "store/database.hpp"
#include "store/device_memory_store.hpp"

namespace declouder {

void Gateway::consider_conversation(Source& source, const std::string& label, const Advertisement& a, int decoded) {
  const DeviceDescriptor* driver = pipeline_.devices().conversation_for(a, /*unattended_only=*/true);
  if (!driver || !a.address) return;
  const std::string device = a.address->str();
  // Ownership needs the signal strength of the devices only a conversation decodes.
  if (decoded == 0 && coordination_) coordination_->heard(a, device);
  // Of this gateway's radios that can connect, the one hearing the device best talks to it.
  // (With one such radio there is nothing to choose, and no reason to wait.)
  if (conversing_radios_ > 1) {
    const std::int64_t now = now_unix_us();
    radios_.heard(device, label, a.rssi, now);
    if (!radios_.settled(device, now) || radios_.chosen(device) != label) return;
  }
  const bool may_talk = !coordination_ || coordination_->may_converse(device);
  const auto decision = planner_.advertised(device, label, now_unix_us(), may_talk);
  if (decision != ConversationPlanner::Decision::talk) return;

  const std::string who = (a.name.empty() ? std::string() : a.name + " ") + device;
  log_("talking to " + who + " (" + driver->id + ")" + (label == "bluez" || label.rfind("simulated", 0) == 0 ? "" : " through " + label));
  ConversationRequest r;
  r.advert = a;
  r.device = driver;
  r.context = conversation_defaults_;
  r.context.advert = a;
  r.context.unix_now = static_cast<std::int64_t>(std::time(nullptr));
  std::shared_ptr<DeviceMemory> memory;
  if (memory_db_ && driver->conversation->remembers)
    guarded([&] { memory = load_device_memory(*memory_db_, *a.address); });
  r.context.memory = memory;
  r.tell = [this, who](const std::string& line) { loop_.post([this, who, line] { log_(who + ": " + line); }); };
  r.done = [this, who, memory, address = *a.address](const ConversationOutcome& o) {
    loop_.post([this, who, o, memory, address] {
      if (memory) guarded([&] { save_device_memory(*memory_db_, address, *memory); });
      planner_.finished(o.device, o.ok, now_unix_us());
      if (o.ok)
        log_(who + ": conversation done, " + std::to_string(o.readings) + " reading(s)" +
             (o.reconnects ? " after " + std::to_string(o.reconnects) + " reconnect(s)" : ""));
      else
        log_(who + ": conversation failed: " + o.error);
    });
  };
  source.request_conversation(std::move(r));
}

void Gateway::request_stop(const std::string& why) {
  loop_.post([this, why] {
    if (!stop_) log_("stopping (" + why + ")");
    stop_ = true;
  });
  source_stop_.request();
}

void Gateway::storage_failed(const std::string& what) {
  failed_ = true;
  stop_ = true;
  source_stop_.request();
  if (storage_failed_) return;
  storage_failed_ = true;
  log_("storage failed: " + what + "; stopping (exit status 1): what was stored before is kept, frames heard from now on "
       "cannot be stored");
}

void Gateway::guarded(const std::function<void()>& step) {
  try {
    step();
  } catch (const DatabaseError& e) {
    storage_failed(e.what());
  }
}

void Gateway::run(const std::function<void()>& listening) {
  guarded([this] {
    delivery_.start();
    if (coordination_) coordination_->start();
  });
  if (stop_) return;  // the database failed before anything was listening

  sources_running_ = static_cast<int>(sources_.size());
  for (auto& s : sources_) conversing_radios_ += s->can_converse() ? 1 : 0;
  for (auto& s : sources_) {
    Source* src = s.get();
    const std::string label = src->label();
    FrameHandlers to;
    const bool converses = src->can_converse();
    to.on_advertisement = [this, src, label, converses](const Advertisement& a) {
      loop_.post([this, src, label, converses, a] {
        const int decoded = pipeline_.advertisement(a, label);
        if (converses && !stop_) consider_conversation(*src, label, a, decoded);
      });
    };
    to.on_gatt_value = [this, label](const GattValue& v) {
      loop_.post([this, label, v] { pipeline_.gatt_value(v, label); });
    };
    to.on_reading = [this, label](const Reading& r, const Bytes& raw, std::int64_t t) {
      loop_.post([this, label, r, raw, t] { pipeline_.reading(r, raw, t, label); });
    };
    threads_.emplace_back([this, src, to] {
      try {
        src->run(to, source_stop_);
      } catch (const std::exception& e) {
        // A source that cannot work ends the run (exit status 1: systemd restarts it).
        const std::string what = src->describe() + ": " + e.what();
        loop_.post([this, what] {
          log_(what);
          failed_ = true;
          stop_ = true;
        });
      }
      loop_.post([this] { --sources_running_; });
    });
  }
  if (listening) listening();

  auto next_deadline = [this] {
    std::int64_t d = pipeline_.next_deadline_us();
    if (const std::int64_t dd = delivery_.next_deadline_us(); dd && (!d || dd < d)) d = dd;
    // A finite run polls for "settled" while outputs work (acknowledgements arrive as tasks).
    if (exit_when_done_ && sources_running_ == 0) {
      const std::int64_t poll = now_unix_us() + 200'000;
      if (!d || poll < d) d = poll;
    }
    return d;
  };
  auto tick = [this] {
    const std::int64_t now = now_unix_us();
    pipeline_.tick(now);
    delivery_.tick(now);
  };
  auto done = [this] {
    if (stop_) return true;
    if (!exit_when_done_ || sources_running_ > 0 || pipeline_.oldest_held_id()) return false;
    return delivery_.settled() && (!coordination_ || coordination_->settled());
  };
  // A task that throws (a storage error) leaves the loop; after it, done() is true.
  for (bool ended = false; !ended;) guarded([&] {
      loop_.run(done, next_deadline, tick);
      ended = true;
    });

  // 1-2: stop the sources, then store everything they handed over (what still
  // can be: after a storage error each task may fail again, said once).
  source_stop_.request();
  for (auto& t : threads_) t.join();
  threads_.clear();
  for (bool drained = false; !drained;) guarded([&] {
      loop_.drain();
      drained = true;
    });
  guarded([this] { pipeline_.flush(); });  // weighings still settling go out as they are

  // 3: let the outputs finish what is in flight.
  guarded([this] {
    delivery_.begin_stop();
    if (coordination_) coordination_->begin_stop();
  });
  const std::int64_t deadline = now_unix_us() + stop_timeout_us_;
  for (bool ended = false; !ended;) guarded([&] {
      loop_.run(
          [&] {
            if (now_unix_us() >= deadline) return true;
            return delivery_.idle() && (!coordination_ || coordination_->idle());
          },
          [&] { return std::min(deadline, now_unix_us() + 50'000); }, {});
      ended = true;
    });
  guarded([this] {
    if (coordination_) coordination_->finish_stop();  // disconnects
  });
  for (bool drained = false; !drained;) guarded([&] {
      loop_.drain();
      drained = true;
    });
  guarded([this] { delivery_.finish_stop(); });  // what is left stays in the outbox, and the log says so
}

}  // namespace declouder
