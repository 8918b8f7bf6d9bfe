#include "store/band_store.hpp"

#include <cstdio>

#include "core/time.hpp"

namespace declouder::miband {
namespace {

std::string minute_text(const CivilTime& t) {
  char b[32];
  std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d", t.year, t.month, t.day, t.hour, t.minute);
  return b;
}

}  // namespace

ActivityStoreSummary store_activity(Database& db, const MacAddress& band, const std::vector<ActivityMinute>& minutes) {
  ActivityStoreSummary sum;
  Database::Transaction tx(db);
  auto ins = db.prepare(
      "INSERT OR IGNORE INTO band_activity (address, minute_local, kind, intensity, steps, heart_rate, imported_unix_us) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7)");
  const std::int64_t now = now_unix_us();
  for (const auto& m : minutes) {
    ins.reset();
    ins.bind(1, band.str()).bind(2, minute_text(m.time)).bind(3, static_cast<int>(m.kind)).bind(4, static_cast<int>(m.intensity))
        .bind(5, static_cast<int>(m.steps));
    if (m.heart_rate) ins.bind(6, static_cast<int>(*m.heart_rate));
    else ins.bind_null(6);
    ins.bind(7, now).run();
    if (db.changes() > 0) ++sum.added;
    else ++sum.already_stored;
  }
  tx.commit();
  return sum;
}

std::vector<ActivityMinute> stored_activity(Database& db, const MacAddress& band) {
  std::vector<ActivityMinute> out;
  auto q = db.prepare("SELECT minute_local, kind, intensity, steps, heart_rate FROM band_activity WHERE address = ?1 ORDER BY minute_local");
  q.bind(1, band.str());
  while (q.step()) {
    ActivityMinute m;
    std::string t = q.text(0);
    std::sscanf(t.c_str(), "%d-%d-%dT%d:%d", &m.time.year, &m.time.month, &m.time.day, &m.time.hour, &m.time.minute);
    m.kind = static_cast<std::uint8_t>(q.int64(1));
    m.intensity = static_cast<std::uint8_t>(q.int64(2));
    m.steps = static_cast<std::uint8_t>(q.int64(3));
    if (!q.is_null(4)) m.heart_rate = static_cast<std::uint8_t>(q.int64(4));
    out.push_back(m);
  }
  return out;
}

}  // namespace declouder::miband
