#include "gateway/delivery.hpp"

#include <stdexcept>

#include "core/time.hpp"
#include "outputs/measurement_json.hpp"

namespace declouder {

namespace {
constexpr int kBatch = 200;  // rows looked at per output and pump
// How often another process's writes are looked for (one PRAGMA data_version): a
// `declouder assign` reaches the outputs within about this.
constexpr std::int64_t kStoreLookUs = 1'000'000;
}  // namespace

Delivery::Delivery(Outbox& outbox, Recorder* recorder, std::vector<Output*> outputs, std::string gateway_id, Log log)
    : outbox_(outbox), recorder_(recorder), gateway_id_(std::move(gateway_id)), log_(std::move(log)) {
  for (Output* o : outputs) {
    running_.push_back({o, o->name(), o->audience(), {}});
    if (o->audience() == Audience::household) household_.push_back(o->name());
  }
}

void Delivery::use_claims(HouseholdClaims* claims) {
  claims_ = claims;
  if (claims_) claims_->on_change([this] { pump(); });
}

void Delivery::catch_up() {
  outbox_.start_cursor_if_new();
  if (!recorder_) return;
  for (;;) {
    auto batch = recorder_->measurements_after(outbox_.cursor(), kBatch);
    if (batch.empty()) break;
    for (const Measurement& m : batch) {
      auto stored = recorder_->stored_measurement(m.id);
      outbox_.enqueue(m, display_unit(*recorder_, m), stored ? stored->source : std::string(), now_unix_us());
    }
  }
}

void Delivery::start() {
  // Measurements stored before a crash (or by `record` while no gateway ran) but
  // not yet queued: queued now, for the outputs known before this start.
  catch_up();
  const std::int64_t now = now_unix_us();
  const bool history = outbox_.counts().total > 0;
  std::vector<std::string> names;
  for (Running& r : running_) {
    if (outbox_.add_output(r.name, r.audience, now) && history && log_)
      log_("output " + r.name + " is new here: it gets the measurements stored from now on, not the earlier ones");
    names.push_back(r.name);
  }
  outbox_.confirm_carried_over(names, now);
  if (recorder_) {
    // Assigned while no gateway ran, or just before a crash: they go out now.
    data_version_ = outbox_.data_version();
    next_store_look_us_ = now + kStoreLookUs;
    check_assignments();
  }
  for (Running& r : running_) {
    OutputHistory h = outbox_.history(r.name);
    if (recorder_) {  // what the store says now, for outputs that show a current state
      h.configured.emplace();
      for (const Person& p : recorder_->people()) h.configured->push_back({p.topic_id(), p.name, p.unit});
      // Only what this output delivered itself (or what was stored before the
      // outbox began): one it still has to get, one not queued yet (held by the
      // pipeline) or one another gateway won (and may still be sending) would go
      // out twice. The gateway that delivered a measurement restores it.
      h.latest = [recorder = recorder_, outbox = &outbox_, name = r.name] {
        std::vector<OutgoingMeasurement> out;
        for (Measurement& m : recorder->latest_measurements()) {
          auto row = outbox->find(m.uid);
          if (row ? !outbox->delivered(row->id, name) : m.id > outbox->cursor()) continue;
          const WeightUnit unit = display_unit(*recorder, m);
          out.push_back({std::move(m), unit, {}});
        }
        return out;
      };
      h.assign = [this, name = r.name](std::int64_t id,
                                       std::optional<std::string> person) -> std::optional<OutputHistory::Assigned> {
        try {
          Measurement m = recorder_->assign(id, person ? std::optional<std::string_view>(*person) : std::nullopt);
          const WeightUnit unit = display_unit(*recorder_, m);
          auto row = outbox_.find(m.uid);
          const bool had_it = row && (outbox_.delivered(row->id, name) || outbox_.waiting(row->id, name));
          OutputHistory::Assigned a{OutgoingMeasurement{std::move(m), unit, {}, {}}, had_it};
          check_assignments();  // the outputs get it again (pumped once this returns)
          return a;
        } catch (const StoreError& e) {
          if (log_) log_(std::string("assign: ") + e.what());
          return std::nullopt;
        }
      };
      for (auto& [key, value] : outbox_.notes(r.name)) h.notes.emplace_back(key, value);
      h.note = [outbox = &outbox_, name = r.name](const std::string& key, const std::optional<std::string>& value) {
        outbox->set_note(name, key, value);
      };
    }
    r.output->start(h, [this] { pump(); });
  }
  started_ = true;
  if (auto waiting = backlog("waiting from before"); !waiting.empty())
    log_(waiting + ", handed over as their outputs can take them");
  pump();
}

std::string Delivery::backlog(const char* what) const {
  int total = 0;
  std::string list;
  for (const Running& r : running_) {
    const int n = outbox_.pending_count(r.name);
    if (n == 0) continue;
    total += n;
    list += (list.empty() ? "" : ", ") + r.name + " " + std::to_string(n);
  }
  if (total == 0 || !log_) return {};
  return "outbox: " + std::to_string(total) + (total == 1 ? " delivery " : " deliveries ") + what + " (" + list + ")";
}

void Delivery::measurement(const Measurement& m, std::string_view source) {
  const WeightUnit unit = recorder_ ? display_unit(*recorder_, m) : WeightUnit::kg;
  outbox_.enqueue(m, unit, source, now_unix_us(), oldest_held_ ? oldest_held_() : std::nullopt);
  pump();
}

int Delivery::check_assignments() {
  if (!recorder_) return 0;
  int again = 0;
  // The outbox's person against the store's: whatever changed it, whenever.
  for (const auto& [row, measurement_id] : outbox_.assigned_since()) {
    auto m = recorder_->measurement(measurement_id);
    if (!m) continue;
    auto before = outbox_.find(m->uid);
    if (!before || !outbox_.reassign(row, *m, display_unit(*recorder_, *m))) continue;
    ++again;
    if (log_)
      log_("measurement " + std::to_string(m->id) + " is now " + (m->person.empty() ? "nobody's" : m->person + "'s") +
           " (was " + (before->person.empty() ? "nobody's" : before->person + "'s") + "): handed to its outputs again");
  }
  if (again) pump();
  return again;
}

std::int64_t Delivery::next_deadline_us() const {
  std::int64_t d = claims_ ? claims_->next_deadline_us() : 0;
  if (recorder_ && started_ && !stopping_ && (!d || next_store_look_us_ < d)) d = next_store_look_us_;
  return d;
}

void Delivery::tick(std::int64_t now_us) {
  if (recorder_ && started_ && now_us >= next_store_look_us_) {
    next_store_look_us_ = now_us + kStoreLookUs;
    // Another connection wrote (a `declouder assign`, the web page): look for new assignments.
    if (const std::int64_t v = outbox_.data_version(); v != data_version_) {
      data_version_ = v;
      check_assignments();
    }
  }
  pump();
}

void Delivery::battery(std::string_view device, int percent, std::string_view model) {
  for (Running& r : running_) r.output->battery(device, percent, model);
}

void Delivery::pump() {
  if (pumping_) {  // called from inside a `done` or a decision: go round once more
    again_ = true;
    return;
  }
  if (!started_ || stopping_) return;
  pumping_ = true;
  do {
    again_ = false;
    // Household rows need this gateway's claim first.
    if (!household_.empty()) {
      auto rows = outbox_.undecided(household_);
      if (claims_) {
        claims_->claim(rows, now_unix_us());
      } else {
        for (const OutboxRow& row : rows) outbox_.set_claim(row.id, "won", gateway_id_);
      }
    }
    for (Running& r : running_) {
      if (stopping_ || !r.output->ready()) continue;
      for (const OutboxRow& row : outbox_.pending(r.name, r.audience, kBatch)) {
        if (stopping_ || !r.output->ready()) break;
        if (!r.in_flight.count(row.id)) hand_over(r, row);
      }
    }
  } while (again_);
  pumping_ = false;
}

void Delivery::hand_over(Running& r, const OutboxRow& row) {
  OutgoingMeasurement m;
  try {
    auto parsed = measurement_from_json(row.body);
    m.measurement = std::move(parsed.measurement);
    m.unit = parsed.unit ? *parsed.unit : recorder_ ? display_unit(*recorder_, m.measurement) : WeightUnit::kg;
  } catch (const std::exception& e) {
    if (unreadable_.insert(row.id).second && log_)
      log_("outbox row " + std::to_string(row.id) + " (uid " + row.uid + ") cannot be read, left queued: " + e.what());
    return;
  }
  m.source = row.source;
  m.reassigned_from = row.given_person;
  r.in_flight[row.id] = {row.assignment, m.measurement.person};
  const std::string uid = row.uid;
  const std::int64_t id = row.id;
  const int assignment = row.assignment;
  const std::string person = m.measurement.person;
  Running* running = &r;
  r.output->deliver(m, [this, running, id, assignment, person, uid] { delivered(*running, id, assignment, person, uid); });
}

void Delivery::delivered(Running& r, std::int64_t row, int assignment, const std::string& person, const std::string& uid) {
  auto it = r.in_flight.find(row);
  if (it == r.in_flight.end() || it->second.assignment != assignment) return;  // `done` twice: recorded once
  r.in_flight.erase(it);
  // Assigned again while it was on its way: the record stays pending (the new person
  // goes next) and notes whom this output now shows it for.
  outbox_.mark_delivered(row, r.name, now_unix_us(), assignment, person);
  if (on_delivered) on_delivered(r.name, uid);
  pump();
}

bool Delivery::idle() const {
  for (const Running& r : running_)
    if (!r.output->idle()) return false;
  return true;
}

bool Delivery::settled() const {
  for (const Running& r : running_)
    if (!r.in_flight.empty() || !r.output->settled() || outbox_.pending_count(r.name) > 0) return false;
  return true;
}

void Delivery::begin_stop() {
  stopping_ = true;
  for (Running& r : running_) r.output->begin_stop();
}

void Delivery::finish_stop() {
  for (Running& r : running_) r.output->finish_stop();
  if (auto kept = backlog("kept for the next start"); !kept.empty()) log_(kept);
}

}  // namespace declouder
