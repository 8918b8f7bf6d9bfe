// Mi Band activity minutes in SQLite (migration 0201_band_activity, docs/schema.md).
// The band's clock is a wall clock without a zone (set from the phone's local
// time), so minutes are keyed by that civil time as text, not converted to UTC.
#pragma once
#include <string>
#include <vector>

#include "core/address.hpp"
#include "devices/miband/protocol.hpp"
#include "store/database.hpp"

namespace declouder::miband {

struct ActivityStoreSummary {
  int added = 0;
  int already_stored = 0;
};

ActivityStoreSummary store_activity(Database& db, const MacAddress& band, const std::vector<ActivityMinute>& minutes);
std::vector<ActivityMinute> stored_activity(Database& db, const MacAddress& band);

}  // namespace declouder::miband
