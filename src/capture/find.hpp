// Where does the weight hide? The search openScale's wiki describes doing by
// hand, automated: given the value a person read on the device's display (and
// when), scan every advertisement field and every ATT value of a capture for
// that number at every offset, width (8/16/24/32 bits), byte order, sign and
// scale factor (x1, x5, x10, x20, x100, x200; kg or lb), and for the time as
// Unix seconds (either byte order) or year/month/day/hour/minute/second
// structs. A candidate that holds in several captures (one value per capture)
// ranks above any that holds in one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capture/session.hpp"
#include "capture/trace.hpp"
#include "core/time.hpp"

namespace declouder::capture {

struct FindTarget {
  std::optional<double> value;  // what the display showed
  int decimals = 1;             // how many decimals it showed (sets the tolerance)
  bool value_in_lb = false;     // the display showed pounds
  std::optional<std::int64_t> unix_seconds;  // when (UTC)
  std::optional<CivilTime> wall_clock;       // the same time as the person wrote it (for device clocks)
};

struct FindCandidate {
  std::string kind;    // "value" or "time"
  std::string source;  // "advert:service_data:181b", "advert:manufacturer_data:343", "att:fff1", "att:0x0012"
  std::size_t offset = 0;
  int width_bits = 16;
  std::string byte_order;  // "big" or "little"
  bool is_signed = false;
  double factor = 1;       // raw number / value
  std::string unit;        // value: "kg" or "lb"; time: the encoding
  int files = 0;           // in how many captures it held
  double score = 0;
  std::string example;     // hex of a payload where it held
};

class ValueFinder {
 public:
  // Scans one capture (throws CaptureError when it cannot be read). Returns
  // what it read: its records, and where and why reading stopped early.
  CaptureSummary add_capture(const std::string& path, const FindTarget& target, const HandleMap& assumed_uuids = {});
  std::vector<FindCandidate> ranked() const;  // best first

 private:
  struct Key {
    std::string kind, source, unit, byte_order;
    std::size_t offset;
    int width_bits;
    bool is_signed;
    double factor;
    auto operator<=>(const Key&) const = default;
  };
  struct Tally {
    int files = 0;
    double best = 0;  // best plausibility in any file
    double sum = 0;   // sum over files of the best plausibility in that file
    std::string example;
  };
  std::map<Key, Tally> tallies_;
  int files_ = 0;
};

}  // namespace declouder::capture
