#include "link/session.hpp"

#include "core/time.hpp"

namespace declouder {

void SessionContext::emit(const Reading& r, const Bytes& raw) {
  const std::int64_t t = now_unix_us();
  readings.push_back({r, raw, t});
  if (handlers.on_reading) handlers.on_reading(r, raw, t);
}

Step subscribe_step(const Uuid& c, std::string label) {
  Step s;
  s.kind = Step::Kind::subscribe;
  s.characteristic = c;
  s.label = label.empty() ? "subscribe to " + c.short_str() : std::move(label);
  return s;
}

Step write_step(const Uuid& c, Bytes value, WriteMode mode, std::string label) {
  return write_step(c, [value](SessionContext&) { return value; }, mode,
                    label.empty() ? "write " + to_hex(value) + " to " + c.short_str() : std::move(label));
}

Step write_step(const Uuid& c, std::function<Bytes(SessionContext&)> payload, WriteMode mode, std::string label) {
  Step s;
  s.kind = Step::Kind::write;
  s.characteristic = c;
  s.payload = std::move(payload);
  s.mode = mode;
  s.label = label.empty() ? "write to " + c.short_str() : std::move(label);
  return s;
}

Step read_step(const Uuid& c, std::function<void(const Bytes&, SessionContext&)> on_read, std::string label) {
  Step s;
  s.kind = Step::Kind::read;
  s.characteristic = c;
  s.on_read = std::move(on_read);
  s.label = label.empty() ? "read " + c.short_str() : std::move(label);
  return s;
}

Step expect_step(std::string label, std::function<Verdict(const GattValue&, SessionContext&)> match,
                 std::chrono::milliseconds timeout) {
  Step s;
  s.kind = Step::Kind::expect;
  s.label = std::move(label);
  s.match = std::move(match);
  s.timeout = timeout;
  return s;
}

Step gate_step(std::string prompt, std::function<Verdict(const GattValue&, SessionContext&)> match,
               std::chrono::milliseconds timeout) {
  Step s;
  s.kind = Step::Kind::gate;
  s.label = "wait for the person: " + prompt;
  s.prompt = std::move(prompt);
  s.match = std::move(match);
  s.timeout = timeout;
  return s;
}

Step pause_step(std::chrono::milliseconds d) {
  Step s;
  s.kind = Step::Kind::pause;
  s.label = "pause " + std::to_string(d.count()) + " ms";
  s.timeout = d;
  return s;
}

Step action_step(std::string label, std::function<void(SessionContext&)> action) {
  Step s;
  s.kind = Step::Kind::action;
  s.label = std::move(label);
  s.action = std::move(action);
  return s;
}

namespace {
std::string seconds_text(std::chrono::milliseconds d) {
  const long long ms = d.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}
}  // namespace

void SessionRunner::run_step(const Step& step, SessionContext& ctx) {
  using Clock = GattLink::Clock;
  switch (step.kind) {
    case Step::Kind::subscribe:
      link_.subscribe(step.characteristic);
      return;
    case Step::Kind::write: {
      if (pacing_.count() > 0 && last_write_ != Clock::time_point{}) {
        auto wait = last_write_ + pacing_ - Clock::now();
        if (wait > Clock::duration::zero()) link_.pause(wait);
      }
      Bytes value = step.payload(ctx);
      link_.write(step.characteristic, value, step.mode);
      last_write_ = Clock::now();
      return;
    }
    case Step::Kind::read: {
      Bytes value = link_.read(step.characteristic);
      if (step.on_read) step.on_read(value, ctx);
      return;
    }
    case Step::Kind::pause:
      link_.pause(step.timeout);
      return;
    case Step::Kind::action:
      if (step.action) step.action(ctx);
      return;
    case Step::Kind::expect:
    case Step::Kind::gate: {
      auto timeout = step.timeout;
      if (step.kind == Step::Kind::gate) {
        if (ctx.tell) ctx.tell(step.prompt);
        timeout = std::chrono::milliseconds(static_cast<long long>(timeout.count() * options_.gate_timeout_scale));
      }
      const auto deadline = Clock::now() + timeout;
      for (;;) {
        std::optional<GattValue> v;
        try {
          v = link_.next_value(deadline);
        } catch (const LinkLost&) {
          // The device ended the link: for a wait that may come to nothing, that is its answer.
          if (step.optional && step.hang_up_moves_on) return;
          throw;
        }
        if (!v && step.optional) return;
        if (!v)
          throw SessionError("step '" + step.label + "' timed out after " + seconds_text(timeout));
        if (ctx.handlers.on_gatt_value) ctx.handlers.on_gatt_value(*v);
        switch (step.match(*v, ctx)) {
          case Verdict::ignore:
          case Verdict::more:
            continue;
          case Verdict::done:
            return;
          case Verdict::fail:
            throw SessionError("step '" + step.label + "': the device answered " + to_hex(v->value) + " on " +
                               v->characteristic.short_str());
        }
      }
    }
  }
}

SessionResult SessionRunner::run(const Conversation& conversation, const FrameHandlers& handlers) {
  SessionContext ctx{link_, handlers, {}, {}, {}, {}, options_.tell};
  SessionResult result;
  pacing_ = conversation.pacing;
  last_write_ = {};
  const auto& steps = conversation.steps;

  if (!link_.connected()) link_.connect(options_.connect_timeout);
  std::size_t i = 0;
  while (i < steps.size()) {
    try {
      run_step(steps[i], ctx);
      ++i;
    } catch (const LinkLost& lost) {
      if (result.reconnects >= conversation.max_reconnects)
        throw SessionError("conversation '" + conversation.name + "' failed at step '" + steps[i].label + "': " +
                           lost.what() + " (gave up after " + std::to_string(result.reconnects) + " reconnects)");
      ++result.reconnects;
      std::size_t resume = 0;
      for (std::size_t j = 0; j <= i; ++j)
        if (steps[j].resume_here) resume = j;
      if (ctx.tell)
        ctx.tell(std::string(lost.what()) + " during '" + steps[i].label + "'; reconnecting and resuming at '" +
                 steps[resume].label + "'");
      link_.connect(options_.connect_timeout);
      for (std::size_t j = 0; j < resume; ++j)
        if (steps[j].kind == Step::Kind::subscribe) run_step(steps[j], ctx);
      ctx.buffer.clear();
      i = resume;
    }
  }
  result.readings = std::move(ctx.readings);
  link_.disconnect();
  return result;
}

}  // namespace declouder
