// The outbox: every measurement this gateway stored, and for each of its
// outputs whether that output has it yet, in SQLite, so that a broker that is
// down, a restart of declouder or a power cut loses nothing and delivers
// nothing twice (docs/schema.md, tables gateway_outbox, gateway_outputs,
// gateway_deliveries, gateway_cursor).
//
// One row per measurement uid (UNIQUE: a scale re-advertising its last reading
// after a restart is not queued again), holding the measurement as it was
// handed on (the one measurement JSON, numbers exact). For each output the
// gateway has ever run (gateway_outputs, by Output::name()) each row gets a
// delivery record, pending until that output said the measurement is safely
// out. An output seen for the first time starts from then: rows queued
// before it have no record for it.
//
// Household outputs (Home Assistant, Domoticz) also need the row's claim: only
// the one gateway whose claim came first delivers to the household. `claim`
// goes waiting -> claimed -> won | lost (gateway/coordination.hpp); a household
// output gets a row once it is won, and a row lost to another gateway takes
// its household records with it.
//
// A weighing assigned after it was queued (`declouder assign`, the web page,
// Home Assistant's select) is reassign()ed: the row takes the new person and
// body, and every output that had it delivered has it pending again, so each
// output gets each (measurement, assignment) once. `assignment` counts those
// changes; an acknowledgement for an older one records nothing.
//
// The cursor remembers the last store row id queued, so measurements stored
// just before a crash (or by another command while no gateway ran) are queued
// on the next start.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/measurement.hpp"
#include "core/reading.hpp"
#include "outputs/output.hpp"
#include "store/database.hpp"

namespace declouder {

struct OutboxRow {
  std::int64_t id = 0;
  std::string uid;
  std::string device;  // scale address, "" when unknown
  std::string person;  // "" when unassigned
  std::string model;
  std::string source;  // where it was heard ("" in rows queued before migration 0301)
  std::string body;    // the measurement (outputs/measurement_json.hpp; numbers exact since 0301)
  std::int64_t heard_us = 0;
  std::string claim;  // waiting | claimed | won | lost
  std::string claimed_by;
  int assignment = 0;  // times its person changed after it was queued (Outbox::reassign)
  // From pending(): whom that output was last given it for ("" nobody); unset when
  // it never was (its first delivery).
  std::optional<std::string> given_person;
};

struct OutboxCounts {
  int total = 0, undecided = 0, won = 0, lost = 0;
};

class Outbox {
 public:
  explicit Outbox(Database& db) : db_(db) {}

  // Queues a measurement (with its person's display unit and where it was
  // heard), with a pending delivery for every output known, and moves the
  // cursor past its store id, but not to or past `oldest_unqueued` (a stored
  // measurement still held by the pipeline). False when the uid is already
  // queued.
  bool enqueue(const Measurement& m, WeightUnit unit, std::string_view source, std::int64_t now_us,
               std::optional<std::int64_t> oldest_unqueued = {});
  // The last store id queued (everything up to it is in the outbox).
  std::int64_t cursor() const;
  // On the very first start, the cursor starts after the measurements already
  // stored (history imported earlier is not delivered).
  void start_cursor_if_new();

  // Makes `output` known. New: it starts from now (no records for rows queued
  // before). Returns true when it is new.
  bool add_output(std::string_view output, Audience audience, std::int64_t now_us);
  // Outputs that migration 0301 carried over from the MQTT outbox of 0300
  // (feed, home-assistant, domoticz) are unconfirmed until a start runs them.
  // The first start that runs any of them drops those it does not run: they
  // were not configured then, and when they are configured one day they start
  // from that day.
  void confirm_carried_over(const std::vector<std::string>& running, std::int64_t now_us);
  std::vector<std::string> outputs() const;

  // The rows `output` still has to get, in queue order; for a household output
  // only rows whose claim this gateway won.
  std::vector<OutboxRow> pending(std::string_view output, Audience audience, int limit) const;
  // Rows whose claim is still undecided (waiting or claimed) that one of these
  // household outputs has pending: what needs a claim before it can go out.
  std::vector<OutboxRow> undecided(const std::vector<std::string>& household_outputs) const;
  int pending_count(std::string_view output) const;
  std::optional<OutboxRow> find(const std::string& uid) const;
  // What `output` was delivered before: the people and scales of its rows.
  OutputHistory history(std::string_view output) const;

  // `output` has this row safely out, as it was at `assignment`, for `person`. An
  // acknowledgement of an older assignment leaves the row pending (its new person
  // still has to go) and notes `person` as whom the output was last given it for.
  void mark_delivered(std::int64_t id, std::string_view output, std::int64_t now_us, int assignment = 0,
                      std::string_view person = {});
  // The row's measurement now has another person (assigned by hand after it was
  // queued): `m` becomes its body, and every output that has it delivered gets it
  // again (its record pending, with whom it was given for in given_person), in one
  // transaction. False (nothing done) when the row already has m's person.
  bool reassign(std::int64_t id, const Measurement& m, WeightUnit unit);
  // Notes kept across restarts (table gateway_notes): `scope` is an output's name. set_note with nullopt forgets the key.
  std::optional<std::string> note(std::string_view scope, std::string_view key) const;
  std::vector<std::pair<std::string, std::string>> notes(std::string_view scope) const;
  void set_note(std::string_view scope, std::string_view key, const std::optional<std::string>& value);
  // Rows whose person is not the store's any more (assigned by hand since they were
  // queued, by any process): (row id, measurements.id), in queue order.
  std::vector<std::pair<std::int64_t, std::int64_t>> assigned_since() const;
  // SQLite's data_version: it changes when another connection (`declouder assign`,
  // the web page) committed to the database.
  std::int64_t data_version() const;
  bool delivered(std::int64_t id, std::string_view output) const;
  // `output` still has this row to get (a pending record: not lost, not delivered).
  bool waiting(std::int64_t id, std::string_view output) const;
  // A claim decision. "lost" also removes the row's pending household records.
  void set_claim(std::int64_t id, const std::string& state, const std::string& by);
  OutboxCounts counts() const;

 private:
  std::vector<OutboxRow> rows(const std::string& sql, const std::vector<std::string>& texts, int limit,
                              bool with_given_person = false) const;
  Database& db_;
};

}  // namespace declouder
