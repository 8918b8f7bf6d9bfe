// The outbox: every stored measurement waiting to go out over MQTT, in SQLite,
// so that a broker that is down, a restart of declouder or a power cut loses
// nothing and publishes nothing twice.
//
// One row per measurement uid (UNIQUE: a scale re-advertising its last reading
// after a restart is not queued again). Two things happen to a row:
//   - the gateway's own feed (declouder/gateways/<id>/measurements): what this
//     gateway heard; `feed_sent_us` is set once the broker acknowledged it;
//   - the household delivery (Home Assistant, Domoticz): exactly one gateway
//     delivers each uid. `claim` goes waiting -> claimed -> won | lost (see
//     outputs/mqtt_output.hpp), and `delivered_us` is set when the broker
//     acknowledged every message of the delivery.
// The cursor remembers the last store row id queued, so measurements stored
// just before a crash are queued on the next start.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/measurement.hpp"
#include "store/database.hpp"

namespace declouder {

struct OutboxRow {
  std::int64_t id = 0;
  std::string uid;
  std::string device;  // scale address, "" when unknown
  std::string person;  // "" when unassigned
  std::string body;    // the measurement (outputs/measurement_json.hpp, numbers exact)
  std::int64_t heard_us = 0;
  std::optional<std::int64_t> feed_sent_us;
  std::string claim;  // waiting | claimed | won | lost
  std::string claimed_by;
  std::optional<std::int64_t> delivered_us;
};

struct OutboxCounts {
  int total = 0, feed_pending = 0, undecided = 0, won_undelivered = 0, delivered = 0, lost = 0;
};

class Outbox {
 public:
  explicit Outbox(Database& db) : db_(db) {}

  // Queues a measurement and moves the cursor past its store id, but not to or
  // past `oldest_unqueued` (a stored measurement still held by the pipeline).
  // False when the uid is already queued.
  bool enqueue(const Measurement& m, std::int64_t now_us, std::optional<std::int64_t> oldest_unqueued = {});
  // The last store id queued (everything up to it is in the outbox).
  std::int64_t cursor() const;
  // On the very first start, the cursor starts after the measurements already
  // stored (history imported earlier is not published).
  void start_cursor_if_new();

  std::vector<OutboxRow> feed_pending(int limit) const;
  std::vector<OutboxRow> undecided() const;         // claim waiting or claimed
  std::vector<OutboxRow> won_undelivered() const;
  std::optional<OutboxRow> find(const std::string& uid) const;
  std::vector<std::string> delivered_people() const;   // people this gateway delivered for
  std::vector<std::string> delivered_devices() const;  // scales this gateway delivered for

  void mark_feed_sent(std::int64_t id, std::int64_t now_us);
  void set_claim(std::int64_t id, const std::string& state, const std::string& by);
  void mark_delivered(std::int64_t id, std::int64_t now_us);
  OutboxCounts counts() const;

 private:
  std::vector<OutboxRow> rows(const char* where, int limit) const;
  Database& db_;
};

}  // namespace declouder
