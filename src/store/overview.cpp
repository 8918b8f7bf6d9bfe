#include "store/overview.hpp"

#include <algorithm>

namespace declouder {

std::vector<HeardDevice> devices_heard(Database& db) {
  std::vector<HeardDevice> out;
  auto scales = db.prepare(R"sql(
SELECT d.family_id, d.address, d.name, d.first_seen_us, d.last_seen_us,
       (SELECT r.battery_percent FROM readings r WHERE r.device_id = d.id AND r.battery_percent IS NOT NULL
        ORDER BY r.last_heard_us DESC LIMIT 1),
       (SELECT count(*) FROM readings r WHERE r.device_id = d.id),
       (SELECT count(*) FROM measurements m WHERE m.device_id = d.id)
FROM devices d)sql");
  while (scales.step()) {
    HeardDevice h;
    h.kind = "scale";
    h.family = scales.text(0);
    h.address = scales.text(1);
    h.name = scales.opt_text(2);
    h.first_seen_us = scales.int64(3);
    h.last_seen_us = scales.int64(4);
    if (auto b = scales.opt_int64(5)) h.battery_percent = static_cast<int>(*b);
    h.readings = scales.int64(6);
    h.measurements = scales.int64(7);
    out.push_back(std::move(h));
  }
  // The band's minutes are wall-clock text; when it was heard is when they were imported.
  auto bands = db.prepare(
      "SELECT address, min(imported_unix_us), max(imported_unix_us), count(*) FROM band_activity GROUP BY address");
  while (bands.step()) {
    HeardDevice h;
    h.kind = "band";
    h.family = "miband";
    h.address = bands.text(0);
    h.first_seen_us = bands.int64(1);
    h.last_seen_us = bands.int64(2);
    h.readings = bands.int64(3);
    out.push_back(std::move(h));
  }
  auto armbands = db.prepare(
      "SELECT device_address, model, min(start_unix_s), max(start_unix_s), count(*) FROM armband_sessions "
      "GROUP BY device_address, model");
  while (armbands.step()) {
    HeardDevice h;
    h.kind = "armband";
    h.address = std::to_string(armbands.int64(0));
    h.family = armbands.text(1);
    h.first_seen_us = armbands.int64(2) * 1000000;
    h.last_seen_us = armbands.int64(3) * 1000000;
    h.readings = armbands.int64(4);
    out.push_back(std::move(h));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const HeardDevice& a, const HeardDevice& b) { return a.last_seen_us > b.last_seen_us; });
  return out;
}

PersonSummary person_summary(Database& db, const std::string& name) {
  PersonSummary out;
  auto st = db.prepare(
      "SELECT count(*), min(m.time_us), "
      "(SELECT m2.id FROM measurements m2 WHERE m2.person_id = p.id ORDER BY m2.time_us DESC, m2.id DESC LIMIT 1) "
      "FROM people p LEFT JOIN measurements m ON m.person_id = p.id WHERE p.name = ? GROUP BY p.id");
  st.bind(1, name);
  if (st.step()) {
    out.measurements = st.int64(0);
    out.first_us = st.opt_int64(1);
    out.latest_id = st.opt_int64(2);
  }
  return out;
}

std::vector<BandMinute> band_minutes(Database& db, const std::string& from, const std::string& to) {
  std::vector<BandMinute> out;
  auto st = db.prepare(
      "SELECT address, minute_local, steps, heart_rate FROM band_activity "
      "WHERE (?1 = '' OR minute_local >= ?1) AND (?2 = '' OR minute_local < ?2) ORDER BY address, minute_local");
  st.bind(1, from).bind(2, to);
  while (st.step()) {
    BandMinute m;
    m.address = st.text(0);
    m.minute_local = st.text(1);
    m.steps = static_cast<int>(st.int64(2));
    if (auto hr = st.opt_int64(3)) m.heart_rate = static_cast<int>(*hr);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace declouder
