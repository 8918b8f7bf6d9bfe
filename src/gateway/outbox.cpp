#include "gateway/outbox.hpp"

#include <nlohmann/json.hpp>

#include "outputs/measurement_json.hpp"

namespace declouder {

bool Outbox::enqueue(const Measurement& m, std::int64_t now_us, std::optional<std::int64_t> oldest_unqueued) {
  Database::Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT OR IGNORE INTO gateway_outbox(uid, measurement_id, device, person, body, heard_us) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  st.bind(1, m.uid);
  if (m.id) st.bind(2, m.id);
  else st.bind_null(2);
  st.bind(3, m.address ? m.address->str() : std::string());
  st.bind(4, m.person);
  st.bind(5, measurement_to_json(m, WeightUnit::kg, JsonNumbers::exact).dump());
  st.bind(6, now_us);
  st.run();
  const bool added = db_.changes() > 0;
  std::int64_t cursor = m.id;
  if (oldest_unqueued && *oldest_unqueued <= cursor) cursor = *oldest_unqueued - 1;
  if (cursor > 0) {
    db_.prepare(
           "INSERT INTO gateway_cursor(output, measurement_id) VALUES ('mqtt', ?) "
           "ON CONFLICT(output) DO UPDATE SET measurement_id = max(measurement_id, excluded.measurement_id)")
        .bind(1, cursor)
        .run();
  }
  tx.commit();
  return added;
}

void Outbox::start_cursor_if_new() {
  // `measurements` is the store's table (store/schema.cpp): only its ids are read.
  db_.exec(
      "INSERT OR IGNORE INTO gateway_cursor(output, measurement_id) "
      "SELECT 'mqtt', coalesce(max(id), 0) FROM measurements");
}

std::int64_t Outbox::cursor() const {
  auto st = db_.prepare("SELECT measurement_id FROM gateway_cursor WHERE output = 'mqtt'");
  return st.step() ? st.int64(0) : 0;
}

std::vector<OutboxRow> Outbox::rows(const char* where, int limit) const {
  std::string sql =
      "SELECT id, uid, device, person, body, heard_us, feed_sent_us, claim, claimed_by, delivered_us "
      "FROM gateway_outbox WHERE ";
  sql += where;
  sql += " ORDER BY id LIMIT ?";
  auto st = db_.prepare(sql);
  st.bind(1, limit);
  std::vector<OutboxRow> out;
  while (st.step()) {
    OutboxRow r;
    r.id = st.int64(0);
    r.uid = st.text(1);
    r.device = st.text(2);
    r.person = st.text(3);
    r.body = st.text(4);
    r.heard_us = st.int64(5);
    r.feed_sent_us = st.opt_int64(6);
    r.claim = st.text(7);
    r.claimed_by = st.text(8);
    r.delivered_us = st.opt_int64(9);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<OutboxRow> Outbox::feed_pending(int limit) const { return rows("feed_sent_us IS NULL", limit); }
std::vector<OutboxRow> Outbox::undecided() const { return rows("claim IN ('waiting','claimed')", 100000); }
std::vector<OutboxRow> Outbox::won_undelivered() const {
  return rows("claim = 'won' AND delivered_us IS NULL", 100000);
}

std::optional<OutboxRow> Outbox::find(const std::string& uid) const {
  auto st = db_.prepare("SELECT id FROM gateway_outbox WHERE uid = ?");
  st.bind(1, uid);
  if (!st.step()) return std::nullopt;
  auto r = rows(("id = " + std::to_string(st.int64(0))).c_str(), 1);
  if (r.empty()) return std::nullopt;
  return r.front();
}

std::vector<std::string> Outbox::delivered_people() const {
  std::vector<std::string> out;
  auto st = db_.prepare("SELECT DISTINCT person FROM gateway_outbox WHERE claim = 'won' AND person != '' ORDER BY person");
  while (st.step()) out.push_back(st.text(0));
  return out;
}

std::vector<std::string> Outbox::delivered_devices() const {
  std::vector<std::string> out;
  auto st = db_.prepare("SELECT DISTINCT device FROM gateway_outbox WHERE claim = 'won' AND device != '' ORDER BY device");
  while (st.step()) out.push_back(st.text(0));
  return out;
}

void Outbox::mark_feed_sent(std::int64_t id, std::int64_t now_us) {
  db_.prepare("UPDATE gateway_outbox SET feed_sent_us = ? WHERE id = ?").bind(1, now_us).bind(2, id).run();
}

void Outbox::set_claim(std::int64_t id, const std::string& state, const std::string& by) {
  db_.prepare("UPDATE gateway_outbox SET claim = ?, claimed_by = ? WHERE id = ?").bind(1, state).bind(2, by).bind(3, id).run();
}

void Outbox::mark_delivered(std::int64_t id, std::int64_t now_us) {
  db_.prepare("UPDATE gateway_outbox SET delivered_us = ? WHERE id = ?").bind(1, now_us).bind(2, id).run();
}

OutboxCounts Outbox::counts() const {
  OutboxCounts c;
  auto st = db_.prepare(
      "SELECT count(*), sum(feed_sent_us IS NULL), sum(claim IN ('waiting','claimed')), "
      "sum(claim = 'won' AND delivered_us IS NULL), sum(delivered_us IS NOT NULL), sum(claim = 'lost') "
      "FROM gateway_outbox");
  if (st.step()) {
    c.total = static_cast<int>(st.int64(0));
    c.feed_pending = static_cast<int>(st.int64(1));
    c.undecided = static_cast<int>(st.int64(2));
    c.won_undelivered = static_cast<int>(st.int64(3));
    c.delivered = static_cast<int>(st.int64(4));
    c.lost = static_cast<int>(st.int64(5));
  }
  return c;
}

}  // namespace declouder
