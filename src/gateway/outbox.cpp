#include "gateway/outbox.hpp"

#include <nlohmann/json.hpp>

#include "core/person.hpp"
#include "outputs/measurement_json.hpp"

namespace declouder {

namespace {

constexpr const char* kColumns =
    "b.id, b.uid, b.device, b.person, b.model, b.source, b.body, b.heard_us, b.claim, b.claimed_by, b.assignment";

// "?, ?, ?" for a list of names bound from index `first`.
std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

}  // namespace

bool Outbox::enqueue(const Measurement& m, WeightUnit unit, std::string_view source, std::int64_t now_us,
                     std::optional<std::int64_t> oldest_unqueued) {
  Database::Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT OR IGNORE INTO gateway_outbox(uid, measurement_id, device, person, model, source, body, heard_us) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, m.uid);
  if (m.id) st.bind(2, m.id);
  else st.bind_null(2);
  st.bind(3, m.address ? m.address->str() : std::string());
  st.bind(4, m.person);
  st.bind(5, m.model);
  st.bind(6, source);
  st.bind(7, measurement_to_json(m, unit, JsonNumbers::exact).dump());
  st.bind(8, now_us);
  st.run();
  const bool added = db_.changes() > 0;
  if (added) {
    // Pending for every output known, running now or not: one that is configured
    // again later gets what it missed meanwhile.
    db_.prepare("INSERT INTO gateway_deliveries(output, outbox_id) SELECT output, ? FROM gateway_outputs")
        .bind(1, db_.last_insert_id())
        .run();
  }
  std::int64_t cursor = m.id;
  if (oldest_unqueued && *oldest_unqueued <= cursor) cursor = *oldest_unqueued - 1;
  if (cursor > 0) {
    db_.prepare(
           "INSERT INTO gateway_cursor(output, measurement_id) VALUES ('outbox', ?) "
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
      "SELECT 'outbox', coalesce(max(id), 0) FROM measurements");
}

std::int64_t Outbox::cursor() const {
  auto st = db_.prepare("SELECT measurement_id FROM gateway_cursor WHERE output = 'outbox'");
  return st.step() ? st.int64(0) : 0;
}

bool Outbox::add_output(std::string_view output, Audience audience, std::int64_t now_us) {
  db_.prepare("INSERT OR IGNORE INTO gateway_outputs(output, household, added_us) VALUES (?, ?, ?)")
      .bind(1, output)
      .bind(2, audience == Audience::household ? 1 : 0)
      .bind(3, now_us)
      .run();
  return db_.changes() > 0;
}

void Outbox::confirm_carried_over(const std::vector<std::string>& running, std::int64_t now_us) {
  if (running.empty()) return;
  const std::string in = "(" + placeholders(running.size()) + ")";
  auto bind_names = [&](Statement& st, int first) {
    for (std::size_t i = 0; i < running.size(); ++i) st.bind(first + static_cast<int>(i), running[i]);
  };
  Database::Transaction tx(db_);
  auto confirm = db_.prepare("UPDATE gateway_outputs SET added_us = ? WHERE added_us = 0 AND output IN " + in);
  confirm.bind(1, now_us);
  bind_names(confirm, 2);
  confirm.run();
  if (db_.changes() == 0) return;  // none of the carried-over outputs runs: keep them all for now
  db_.exec(
      "DELETE FROM gateway_deliveries WHERE output IN (SELECT output FROM gateway_outputs WHERE added_us = 0);"
      "DELETE FROM gateway_outputs WHERE added_us = 0;");
  tx.commit();
}

std::vector<std::string> Outbox::outputs() const {
  std::vector<std::string> out;
  auto st = db_.prepare("SELECT output FROM gateway_outputs ORDER BY output");
  while (st.step()) out.push_back(st.text(0));
  return out;
}

std::vector<OutboxRow> Outbox::rows(const std::string& sql, const std::vector<std::string>& texts, int limit,
                                    bool with_given_person) const {
  auto st = db_.prepare(sql + " LIMIT ?");
  int i = 1;
  for (const std::string& t : texts) st.bind(i++, t);
  st.bind(i, limit);
  std::vector<OutboxRow> out;
  while (st.step()) {
    OutboxRow r;
    r.id = st.int64(0);
    r.uid = st.text(1);
    r.device = st.text(2);
    r.person = st.text(3);
    r.model = st.text(4);
    r.source = st.text(5);
    r.body = st.text(6);
    r.heard_us = st.int64(7);
    r.claim = st.text(8);
    r.claimed_by = st.text(9);
    r.assignment = static_cast<int>(st.int64(10));
    if (with_given_person) r.given_person = st.opt_text(11);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<OutboxRow> Outbox::pending(std::string_view output, Audience audience, int limit) const {
  std::string sql = std::string("SELECT ") + kColumns + ", d.given_person" +
                    " FROM gateway_deliveries d JOIN gateway_outbox b ON b.id = d.outbox_id"
                    " WHERE d.output = ? AND d.delivered_us IS NULL";
  if (audience == Audience::household) sql += " AND b.claim = 'won'";
  sql += " ORDER BY d.outbox_id";
  return rows(sql, {std::string(output)}, limit, true);
}

std::vector<OutboxRow> Outbox::undecided(const std::vector<std::string>& household_outputs) const {
  if (household_outputs.empty()) return {};
  const std::string sql = std::string("SELECT ") + kColumns +
                          " FROM gateway_outbox b WHERE b.claim IN ('waiting', 'claimed') AND EXISTS ("
                          "SELECT 1 FROM gateway_deliveries d WHERE d.outbox_id = b.id AND d.delivered_us IS NULL"
                          " AND d.output IN (" +
                          placeholders(household_outputs.size()) + ")) ORDER BY b.id";
  return rows(sql, household_outputs, 100000);
}

int Outbox::pending_count(std::string_view output) const {
  auto st = db_.prepare("SELECT count(*) FROM gateway_deliveries WHERE output = ? AND delivered_us IS NULL");
  st.bind(1, output);
  return st.step() ? static_cast<int>(st.int64(0)) : 0;
}

std::optional<OutboxRow> Outbox::find(const std::string& uid) const {
  auto r = rows(std::string("SELECT ") + kColumns + " FROM gateway_outbox b WHERE b.uid = ?", {uid}, 1);
  if (r.empty()) return std::nullopt;
  return r.front();
}

OutputHistory Outbox::history(std::string_view output) const {
  OutputHistory h;
  // The id of each person's latest row: what their entities were made of. Rows
  // written before people had ids have none: the name's id then.
  auto people = db_.prepare(
      "SELECT b.person, json_extract(b.body, '$.person_id'), max(b.id) FROM gateway_deliveries d "
      "JOIN gateway_outbox b ON b.id = d.outbox_id "
      "WHERE d.output = ? AND d.delivered_us IS NOT NULL AND b.person != '' GROUP BY b.person ORDER BY b.person");
  people.bind(1, output);
  while (people.step()) {
    std::string name = people.text(0);
    std::string id = people.opt_text(1).value_or("");
    h.people.push_back({id.empty() ? person_id_from_name(name) : id, std::move(name)});
  }
  // The model of each scale's latest row (SQLite takes the bare columns from the max() row).
  auto scales = db_.prepare(
      "SELECT b.device, b.model, max(b.id) FROM gateway_deliveries d JOIN gateway_outbox b ON b.id = d.outbox_id "
      "WHERE d.output = ? AND d.delivered_us IS NOT NULL AND b.device != '' GROUP BY b.device ORDER BY b.device");
  scales.bind(1, output);
  while (scales.step()) h.scales.emplace_back(scales.text(0), scales.text(1).empty() ? "scale" : scales.text(1));
  return h;
}

void Outbox::mark_delivered(std::int64_t id, std::string_view output, std::int64_t now_us, int assignment,
                            std::string_view person) {
  db_.prepare(
         "UPDATE gateway_deliveries SET given_person = ? WHERE output = ? AND outbox_id = ? AND delivered_us IS NULL "
         "AND (SELECT assignment FROM gateway_outbox WHERE id = ?) != ?")
      .bind(1, person)
      .bind(2, output)
      .bind(3, id)
      .bind(4, id)
      .bind(5, assignment)
      .run();
  db_.prepare(
         "UPDATE gateway_deliveries SET delivered_us = ? WHERE output = ? AND outbox_id = ? AND delivered_us IS NULL "
         "AND (SELECT assignment FROM gateway_outbox WHERE id = ?) = ?")
      .bind(1, now_us)
      .bind(2, output)
      .bind(3, id)
      .bind(4, id)
      .bind(5, assignment)
      .run();
}

bool Outbox::reassign(std::int64_t id, const Measurement& m, WeightUnit unit) {
  Database::Transaction tx(db_);
  auto current = db_.prepare("SELECT person FROM gateway_outbox WHERE id = ?");
  current.bind(1, id);
  if (!current.step()) return false;
  const std::string before = current.text(0);
  if (before == m.person) return false;
  db_.prepare("UPDATE gateway_outbox SET person = ?, body = ?, assignment = assignment + 1 WHERE id = ?")
      .bind(1, m.person)
      .bind(2, measurement_to_json(m, unit, JsonNumbers::exact).dump())
      .bind(3, id)
      .run();
  // Delivered: pending again, remembering whom it went out for. Still pending: it goes
  // out once, with the new person (given_person stays what the output has, if anything).
  db_.prepare(
         "UPDATE gateway_deliveries SET delivered_us = NULL, given_person = ? "
         "WHERE outbox_id = ? AND delivered_us IS NOT NULL")
      .bind(1, before)
      .bind(2, id)
      .run();
  tx.commit();
  return true;
}

std::optional<std::string> Outbox::note(std::string_view scope, std::string_view key) const {
  auto st = db_.prepare("SELECT value FROM gateway_notes WHERE scope = ? AND key = ?");
  st.bind(1, scope).bind(2, key);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

std::vector<std::pair<std::string, std::string>> Outbox::notes(std::string_view scope) const {
  std::vector<std::pair<std::string, std::string>> out;
  auto st = db_.prepare("SELECT key, value FROM gateway_notes WHERE scope = ? ORDER BY key");
  st.bind(1, scope);
  while (st.step()) out.emplace_back(st.text(0), st.text(1));
  return out;
}

void Outbox::set_note(std::string_view scope, std::string_view key, const std::optional<std::string>& value) {
  if (value) {
    db_.prepare("INSERT INTO gateway_notes(scope, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT(scope, key) DO UPDATE SET value = excluded.value")
        .bind(1, scope)
        .bind(2, key)
        .bind(3, *value)
        .run();
  } else {
    db_.prepare("DELETE FROM gateway_notes WHERE scope = ? AND key = ?").bind(1, scope).bind(2, key).run();
  }
}

std::vector<std::pair<std::int64_t, std::int64_t>> Outbox::assigned_since() const {
  // `measurements` and `people` are the store's tables (store/schema.cpp): only who
  // each measurement is assigned to is read. A measurement deleted since has no row.
  auto st = db_.prepare(
      "SELECT b.id, m.id FROM gateway_outbox b JOIN measurements m ON m.id = b.measurement_id "
      "LEFT JOIN people p ON p.id = m.person_id WHERE b.person != coalesce(p.name, '') ORDER BY b.id");
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  while (st.step()) out.emplace_back(st.int64(0), st.int64(1));
  return out;
}

std::int64_t Outbox::data_version() const {
  auto st = db_.prepare("PRAGMA data_version");
  return st.step() ? st.int64(0) : 0;
}

bool Outbox::delivered(std::int64_t id, std::string_view output) const {
  auto st = db_.prepare(
      "SELECT 1 FROM gateway_deliveries WHERE output = ? AND outbox_id = ? AND delivered_us IS NOT NULL");
  st.bind(1, output).bind(2, id);
  return st.step();
}

bool Outbox::waiting(std::int64_t id, std::string_view output) const {
  auto st = db_.prepare("SELECT 1 FROM gateway_deliveries WHERE output = ? AND outbox_id = ? AND delivered_us IS NULL");
  st.bind(1, output).bind(2, id);
  return st.step();
}

void Outbox::set_claim(std::int64_t id, const std::string& state, const std::string& by) {
  Database::Transaction tx(db_);
  db_.prepare("UPDATE gateway_outbox SET claim = ?, claimed_by = ? WHERE id = ?").bind(1, state).bind(2, by).bind(3, id).run();
  if (state == "lost") {
    // Another gateway delivers it to the household: nothing left for ours.
    db_.prepare(
           "DELETE FROM gateway_deliveries WHERE outbox_id = ? AND delivered_us IS NULL "
           "AND output IN (SELECT output FROM gateway_outputs WHERE household = 1)")
        .bind(1, id)
        .run();
  }
  tx.commit();
}

OutboxCounts Outbox::counts() const {
  OutboxCounts c;
  auto st = db_.prepare(
      "SELECT count(*), coalesce(sum(claim IN ('waiting','claimed')), 0), coalesce(sum(claim = 'won'), 0), "
      "coalesce(sum(claim = 'lost'), 0) FROM gateway_outbox");
  if (st.step()) {
    c.total = static_cast<int>(st.int64(0));
    c.undecided = static_cast<int>(st.int64(1));
    c.won = static_cast<int>(st.int64(2));
    c.lost = static_cast<int>(st.int64(3));
  }
  return c;
}

}  // namespace declouder
