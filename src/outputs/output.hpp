// What an output is: a module that knows measurements and where they go (a
// file, the log, Home Assistant, Domoticz, this gateway's MQTT feed), and
// nothing of the gateway that feeds it.
//
// Delivery is the gateway's (gateway/delivery.hpp): it keeps, in SQLite, which
// measurement each output still has to get, hands each one over with
// deliver(), and records it as delivered for that output only when the output
// calls `done`: once the measurement is safely out (a line written and
// flushed, the broker's acknowledgement of every message). A measurement whose
// `done` never came is handed over again on the next start, so every output
// gets every measurement once, across restarts, crashes and broker outages.
//
// Every method runs on the gateway's event-loop thread; `done` and `wake` must
// be called on it too (outputs/mqtt ones get their acknowledgements there via
// mqtt/connection.hpp).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/measurement.hpp"
#include "core/reading.hpp"

namespace declouder {

// Who an output serves, which decides what it is given.
enum class Audience {
  // This gateway's own outputs (the log, JSON lines, its MQTT feed): every
  // measurement this gateway stored.
  this_gateway,
  // The household's (Home Assistant, Domoticz): each measurement once for the
  // whole home, delivered by the one gateway whose claim came first when several
  // gateways heard it (gateway/coordination.hpp).
  household,
};

// One measurement as an output gets it.
struct OutgoingMeasurement {
  Measurement measurement;
  WeightUnit unit = WeightUnit::kg;  // its person's display unit: `weight` and `unit` in the JSON
  std::string source;                // where it was heard: "bluez", "simulated:mi-scale-2", "replay:FILE"
  // Set when this output was given this measurement before, for another person: it
  // was assigned again since (`declouder assign`, the web page, Home Assistant's
  // select). Whom it had then ("" nobody). The output shows the new assignment;
  // where it shows a current state, the previous person gets their own latest back.
  std::optional<std::string> reassigned_from;
};

// What an output was given on earlier runs, for outputs that describe what
// they deliver for (Home Assistant's discovery of people and scales).
struct OutputHistory {
  struct Person {
    std::string id;    // the id it was delivered under (Person::id)
    std::string name;
    bool operator==(const Person&) const = default;
  };
  std::vector<Person> people;                               // sorted by name
  std::vector<std::pair<std::string, std::string>> scales;  // (address, model), sorted by address

  // What the gateway's store knows now, for outputs that show a current state
  // (Home Assistant's entities); unset in a gateway without a store.
  struct ConfiguredPerson {
    std::string id, name;
    WeightUnit unit = WeightUnit::kg;
  };
  // The people of the config (someone delivered for before and no longer listed
  // was taken out of it). Unset: not known, nobody is taken out.
  std::optional<std::vector<ConfiguredPerson>> configured;
  // Read from the store when called: each person's latest measurement, and each
  // scale's latest one (assigned or not), in that person's unit, when this output
  // delivered it (or it predates the outbox): one still on its way, or won by
  // another gateway, is left out.
  std::function<std::vector<OutgoingMeasurement>()> latest;
  // Assigns stored measurement `id` to the person named `person` (nullopt:
  // nobody), by the same code as `declouder assign`, and returns it as it is now;
  // nullopt when the store refuses (unknown id or person: said in the log). The
  // delivery then hands it to every output that had it again (`reassigned_from`
  // set), this one included, unless `redelivered` is false (this gateway never
  // delivered it: it predates the outbox, or another gateway delivers it).
  struct Assigned {
    OutgoingMeasurement now;
    bool redelivered = false;
  };
  std::function<std::optional<Assigned>(std::int64_t id, std::optional<std::string> person)> assign;

  // What this output remembers across restarts, in SQLite (Home Assistant: the
  // devices deleted in its UI): the notes as they were at start, and `note` to set
  // one (nullopt forgets it). Unset in a gateway without a store.
  std::vector<std::pair<std::string, std::string>> notes;
  std::function<void(const std::string& key, const std::optional<std::string>& value)> note;
};

class Output {
 public:
  using Done = std::function<void()>;

  virtual ~Output() = default;

  // The name of its delivery record in the database: stable, unique among the
  // outputs of one gateway ("log", "jsonl:/var/log/w.jsonl", "feed",
  // "home-assistant", "domoticz"). A name the database has never seen starts
  // from now: it gets the measurements stored from then on, no old history.
  virtual std::string name() const = 0;
  virtual Audience audience() const = 0;

  // Once, before anything is delivered. `wake` tells the gateway that the
  // output can take deliveries again (ready() turned true: the broker is back).
  virtual void start(const OutputHistory& /*history*/, std::function<void()> /*wake*/) {}
  // Can it take a measurement now? While not, what it has to get waits.
  virtual bool ready() const { return true; }
  // Hands over one measurement. Call `done` once it is safely out, now or later;
  // not at all when it could not go out (it is handed over again next start).
  virtual void deliver(const OutgoingMeasurement& m, Done done) = 0;
  // A device reported its battery level (0-100 %), e.g. a standard scale's
  // Battery Level 0x2A19; `device` is its address. The latest level, not kept.
  virtual void battery(std::string_view /*device*/, int /*percent*/, std::string_view /*model*/) {}

  // Nothing handed over is waiting to be safely out, or nothing more can
  // happen to it now (disconnected): what a stop waits for.
  virtual bool idle() const { return true; }
  // Nothing of its own left to do (a finite run, e.g. --replay, waits for it
  // besides the deliveries): MQTT outputs are settled once connected with
  // nothing in flight.
  virtual bool settled() const { return true; }
  // A stop: after begin_stop() nothing new is delivered; finish_stop() comes
  // after the gateway waited for idle() (up to its stop timeout).
  virtual void begin_stop() {}
  virtual void finish_stop() {}
};

}  // namespace declouder
