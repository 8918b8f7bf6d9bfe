// The band and its wearer that the Mi Band conversation and session tests share:
// the band of seed 004 and the user of the research notes' user-info vector.
#pragma once

#include "core/address.hpp"
#include "devices/miband/protocol.hpp"

namespace declouder::miband::band_fixture {

inline const MacAddress kBand = *MacAddress::parse("C8:0F:10:32:CA:B6");

inline UserProfile wearer() {
  UserProfile u;
  u.uid = 1550050550;
  u.age_years = 30;
  u.height_cm = 175;
  u.weight_kg = 70;
  u.alias = "anna";
  return u;
}

}  // namespace declouder::miband::band_fixture
