// Delivery: the gateway hands every measurement it stored to every output
// (outputs/output.hpp), exactly once per output, across restarts, crashes and
// broker outages.
//
//   1. The pipeline hands on a stored, complete measurement; it is queued in the
//      outbox (gateway/outbox.hpp), with a pending delivery for every output
//      the database knows, in one transaction, before any output sees it.
//   2. Each output that is ready() is handed, in queue order, the rows it still
//      has pending (a household output only the rows this gateway's claim won:
//      HouseholdClaims below). What was stored is what goes out: the outbox
//      keeps the measurement exactly as it was handed on.
//   3. When the output calls `done` (line flushed, broker acknowledgement),
//      that row is marked delivered for that output. Nothing else marks it.
//   4. At start, measurements the store has but the outbox never saw (stored
//      just before a crash, or while no gateway ran) are queued first; then the
//      outputs are made known: one the database has never seen starts from
//      now. Whatever is still pending goes out as the outputs can take it.
//
//   5. A weighing assigned after it was queued, by this process (Home Assistant's
//      select) or another (`declouder assign`, the web page's own connection), is
//      found by comparing the outbox's person with the store's (at start, after
//      each assignment here, and each second once SQLite's data_version says
//      another connection wrote): its row takes the new person and goes to every
//      output that had it again (Outbox::reassign), with whom it had then. Both
//      persons are in SQLite, so an assignment made while no gateway ran, or just
//      before a crash, goes out at the next start.
//
// A hard kill between an output's "safely out" and SQLite recording it repeats
// that one delivery for that output at the next start (milliseconds).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/outbox.hpp"
#include "gateway/pipeline.hpp"
#include "outputs/output.hpp"
#include "store/recorder.hpp"

namespace declouder {

// Decides which gateway delivers an outbox row to the household: the claims
// between gateways (gateway/coordination.hpp does it over MQTT). Without one,
// this gateway is alone and every row is its to deliver.
class HouseholdClaims {
 public:
  virtual ~HouseholdClaims() = default;
  // These rows wait for a decision (claim waiting or claimed; the list may be
  // empty): work on them. Decisions are written with Outbox::set_claim.
  virtual void claim(const std::vector<OutboxRow>& rows, std::int64_t now_us) = 0;
  // When claim() should be called again (a standby runs out), Unix us; 0 = no need.
  virtual std::int64_t next_deadline_us() const = 0;
  // `changed` is to be called (never from inside claim()) when a decision was
  // written or claim() has more to do (a subscription is in place).
  virtual void on_change(std::function<void()> changed) = 0;
};

class Delivery : public PipelineListener {
 public:
  using Log = std::function<void(const std::string&)>;
  // `recorder` (may be null in tests): the store, for the catch-up at start and
  // the people's display units. `gateway_id` decides rows when there are no claims.
  Delivery(Outbox& outbox, Recorder* recorder, std::vector<Output*> outputs, std::string gateway_id, Log log);

  void use_claims(HouseholdClaims* claims);
  // The outbox's cursor must not pass a stored measurement the pipeline still
  // holds (gateway/pipeline.hpp): this says which is the oldest.
  void hold_cursor_behind(std::function<std::optional<std::int64_t>()> oldest_held) {
    oldest_held_ = std::move(oldest_held);
  }

  void start();
  void measurement(const Measurement& m, std::string_view source) override;
  void battery(std::string_view device, int percent, std::string_view model) override;

  // Hands over what can go out now. Called on every event that may let more
  // go out; safe to call from inside an output's `done`.
  void pump();
  std::int64_t next_deadline_us() const;
  void tick(std::int64_t now_us);
  // Hands measurements whose person changed in the store since the last look to
  // their outputs again (5. above). Returns how many.
  int check_assignments();
  bool idle() const;     // every output idle
  bool settled() const;  // nothing pending or in flight for any output, and every output settled
  void begin_stop();     // nothing new is handed over from now on
  void finish_stop();

  Outbox& outbox() { return outbox_; }
  // Every delivery recorded, with its output's name (the benchmark times them).
  std::function<void(const std::string& output, const std::string& uid)> on_delivered;

 private:
  struct Running {
    Output* output;
    std::string name;
    Audience audience;
    struct Given {
      int assignment = 0;
      std::string person;
    };
    std::map<std::int64_t, Given> in_flight;  // rows handed over, `done` not yet called -> as they were
  };
  void catch_up();
  void hand_over(Running& r, const OutboxRow& row);
  void delivered(Running& r, std::int64_t row, int assignment, const std::string& person, const std::string& uid);
  std::string backlog(const char* what) const;

  Outbox& outbox_;
  Recorder* recorder_;
  std::vector<Running> running_;
  std::vector<std::string> household_;  // names of the running household outputs
  std::string gateway_id_;
  Log log_;
  HouseholdClaims* claims_ = nullptr;
  std::function<std::optional<std::int64_t>()> oldest_held_;
  std::set<std::int64_t> unreadable_;  // rows whose body could not be read (logged once)
  bool started_ = false;
  bool stopping_ = false;
  bool pumping_ = false;
  bool again_ = false;
  std::int64_t next_store_look_us_ = 0;  // when tick() looks at data_version again
  std::int64_t data_version_ = 0;
};

}  // namespace declouder
