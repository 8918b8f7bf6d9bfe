// `declouder capture learn`: a working definition from captures of the vendor app talking to
// a device and the values the person saw on its display.
//
// It does by itself what openScale's reverse-engineering guide (openScale wiki, "How to
// support a new scale") walks a person through by hand, and what `capture find` only
// starts: it finds the source (a service data UUID, a company id, or the characteristic
// the device notifies on) and the field where the weight holds in every weighing (every
// offset, 1-4 bytes, both byte orders, common scale factors, kg or lb), the time in the
// same frames (Unix seconds or a wall-clock struct, near the capture's own clock or the
// --time given), the impedance when a value set names it, the bit that sets the final
// frames apart from the settling ones; for a device that must be asked, the writes the app
// made before the weighing (which bytes are the time, a trailing sum or xor) and the
// acknowledgement after it. Then it checks the definition by decoding the captures with
// it alone, and says, where the captures cannot decide between layouts, which capture would.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "capture/trace.hpp"
#include "definitions/definition.hpp"

namespace declouder::definitions {

struct LearnError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One weighing: what the display showed (and when).
struct LearnWeighing {
  double weight = 0;
  int decimals = 1;      // as the person wrote it: 81.1 matches 81.05..81.15
  bool in_lb = false;    // the display showed pounds
  std::optional<double> impedance;
  std::optional<std::int64_t> unix_time;
};

struct LearnInput {
  std::vector<std::string> captures;
  std::vector<LearnWeighing> weighings;  // one per capture, or one for all of them
  std::string id;                        // "" = from the device's name
  capture::HandleMap assumed_uuids;      // handles the captures' discovery does not name (--map)
};

struct LearnResult {
  std::shared_ptr<Definition> definition;
  std::string toml;                 // the file to write
  std::vector<std::string> found;   // what was found, one line each
  std::vector<std::string> checks;  // the captures decoded with it, one line each
  std::vector<std::string> advice;  // what the captures cannot decide, and which capture would
  bool verified = false;            // every weighing decoded to what the display showed
};

// Throws LearnError (no weight anywhere, no device, unreadable capture...).
LearnResult learn_definition(const LearnInput& input);

}  // namespace declouder::definitions
