#include "store/armband_store.hpp"

#include <sstream>
#include <stdexcept>

#include "core/time.hpp"

namespace declouder::bodybugg {

StoreSummary store_pdp_durably(Database& db, const PdpDump& dump, const std::string& source) {
  db.exec("PRAGMA synchronous=FULL");
  StoreSummary stored = store_pdp(db, dump, source);
  auto checkpoint = db.prepare("PRAGMA wal_checkpoint(FULL)");  // one row: busy, WAL frames, frames copied
  checkpoint.step();
  return stored;
}

StoreSummary store_pdp(Database& db, const PdpDump& dump, const std::string& source) {
  StoreSummary sum;
  Database::Transaction tx(db);
  auto session = db.prepare(
      "INSERT OR IGNORE INTO armband_sessions (device_address, model, format_version, channel, channel_id, "
      "start_unix_s, divisor, sample_bits, tick_rate, declared_count, stored_count, complete, header_info, source, "
      "imported_unix_us) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)");
  auto sample = db.prepare("INSERT INTO armband_samples (session_id, sample_index, time_unix_ms, raw) VALUES (?1,?2,?3,?4)");
  auto diag = db.prepare(
      "INSERT INTO armband_diagnostics (session_id, entry_index, time_unix_s, code_i, code_j) VALUES (?1,?2,?3,?4,?5)");
  const std::int64_t now = now_unix_us();
  for (const PdpSession& s : dump.sessions) {
    session.reset();
    session.bind(1, static_cast<std::int64_t>(s.device_address))
        .bind(2, s.model)
        .bind(3, s.format_version)
        .bind(4, s.channel)
        .bind(5, static_cast<int>(s.channel_id))
        .bind(6, s.epoch)
        .bind(7, static_cast<int>(s.divisor))
        .bind(8, static_cast<int>(s.sample_bits))
        .bind(9, static_cast<int>(s.tick_rate))
        .bind(10, static_cast<std::int64_t>(s.declared_count))
        .bind(11, static_cast<std::int64_t>(s.entry_count()))
        .bind(12, s.complete ? 1 : 0)
        .bind(13, s.info_hex)
        .bind(14, source)
        .bind(15, now);
    session.run();
    if (db.changes() == 0) {
      ++sum.sessions_already_stored;
      continue;
    }
    const std::int64_t id = db.last_insert_id();
    ++sum.sessions_added;
    if (s.is_diagnostics()) {
      for (std::size_t k = 0; k < s.diagnostics.size(); ++k) {
        diag.reset();
        diag.bind(1, id).bind(2, static_cast<std::int64_t>(k)).bind(3, s.diagnostics[k].unix_seconds)
            .bind(4, s.diagnostics[k].i).bind(5, s.diagnostics[k].j).run();
      }
      continue;
    }
    for (std::size_t k = 0; k < s.entry_count(); ++k) {
      sample.reset();
      sample.bind(1, id).bind(2, static_cast<std::int64_t>(k));
      if (s.is_timestamps()) {
        sample.bind(3, s.timestamps_ms[k]).bind_null(4);
      } else {
        sample.bind(3, s.sample_time_ms(k));
        if (s.samples[k]) sample.bind(4, static_cast<int>(*s.samples[k]));
        else sample.bind_null(4);
      }
      sample.run();
      ++sum.samples_added;
    }
  }
  tx.commit();
  return sum;
}

CalibrationTable calibration_from_db(Database& db) {
  CalibrationTable t;
  auto q = db.prepare("SELECT channel, scale, offset, unit, source FROM armband_calibration");
  while (q.step()) t[q.text(0)] = Calibration{q.real(1), q.real(2), q.text(3), q.text(4)};
  return t;
}

CalibrationTable calibration_from_csv(const std::string& text) {
  CalibrationTable t;
  std::istringstream in(text);
  int line_no = 0;
  bool header_seen = false;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::istringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) f.push_back(c);
    if (!header_seen) {
      header_seen = true;
      if (f.size() >= 1 && f[0] == "channel") continue;
    }
    if (f.size() < 4) throw std::runtime_error("calibration line " + std::to_string(line_no) + ": expected channel,scale,offset,unit[,source]");
    try {
      std::size_t used = 0;
      double scale = std::stod(f[1], &used);
      double offset = std::stod(f[2]);
      t[f[0]] = Calibration{scale, offset, f[3], f.size() > 4 ? f[4] : ""};
    } catch (const std::exception&) {
      throw std::runtime_error("calibration line " + std::to_string(line_no) + ": scale and offset must be numbers");
    }
  }
  return t;
}

std::vector<ExportRow> armband_samples(Database& db, const std::optional<std::string>& channel) {
  std::vector<ExportRow> out;
  auto q = db.prepare(
      "SELECT s.channel, x.time_unix_ms, x.raw FROM armband_samples x JOIN armband_sessions s ON s.id = x.session_id "
      "WHERE (?1 IS NULL OR s.channel = ?1) ORDER BY s.channel, x.time_unix_ms, x.sample_index");
  q.bind(1, channel);
  while (q.step()) out.push_back({q.text(0), q.int64(1), q.opt_int64(2)});
  return out;
}

std::vector<std::string> armband_channels(Database& db) {
  std::vector<std::string> out;
  auto q = db.prepare("SELECT DISTINCT channel FROM armband_sessions ORDER BY channel");
  while (q.step()) out.push_back(q.text(0));
  return out;
}

}  // namespace declouder::bodybugg
