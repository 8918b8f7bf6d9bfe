// Download, store, and only then clear: the BodyBugg's data leaves the armband
// in this order, so a broken download never costs data.
//
//  1. `get lastdataupdate` names the raw dump file `<lastdataupdate>.log` (as
//     BodyBuggBypass did); `file size` (when answered) sizes the progress bar;
//  2. `retrieve PDP` -> the raw answer is written to that file, verbatim, first;
//  3. the dump is parsed; complete sessions are stored in SQLite in one
//     transaction (an interrupted session is not stored: a later download of the
//     same data would otherwise be shadowed by the partial copy);
//  4. only when all of that succeeded and clearing was asked for:
//     `file init`, `set lastdataupdate <now>`, `set epoch <now>`.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "devices/bodybugg/commands.hpp"
#include "devices/bodybugg/pdp.hpp"
#include "link/byte_stream.hpp"

namespace declouder::bodybugg {

// What the place the sessions were saved in reported (store/armband_store.hpp: SQLite).
struct StoreSummary {
  int sessions_added = 0;
  int sessions_already_stored = 0;  // same device, channel and start time
  std::int64_t samples_added = 0;
};

// Saves complete sessions durably, in one transaction, and says what was new; `source`
// names where they came from (the raw .log file). Throws when it cannot: the armband is
// then left as it was. The download never knows where the sessions go.
using SessionStore = std::function<StoreSummary(const PdpDump& sessions, const std::string& source)>;

struct DownloadOptions {
  std::string output_dir = ".";
  bool clear = false;
  // progress(bytes so far, expected total when the armband said)
  std::function<void(std::size_t, std::optional<std::size_t>)> progress;
  std::function<std::int64_t()> now_unix_s;  // for tests; default: the host clock
};

struct DownloadResult {
  std::int64_t last_data_update = 0;
  std::string log_path;  // the raw dump as received ("" when nothing arrived)
  std::size_t bytes = 0;
  PdpDump dump;
  StoreSummary stored;
  bool cleared = false;
  std::optional<std::string> problem;  // set: the device was left untouched
  // Set: the link failed while clearing, after everything was stored; 'file init' may
  // have reached the armband, so nobody can say it was left untouched.
  std::optional<std::string> clear_problem;
};

DownloadResult download_armband(ArmbandCommands& armband, const SessionStore& store, const DownloadOptions& opt);

// The GoWearFit / ArmBand Mini: the same order over the binary memory read
// (devices/bodybugg/armband_frame.hpp): read until the record stream ends, keep the raw image
// as DIR/gowearfit-<first session start>.bin, parse, store complete sessions, and
// only then, when asked, send the clear-memory frame.
struct MemoryDownloadResult {
  std::string image_path;
  std::size_t bytes = 0;
  std::size_t minutes = 0;  // epochs of the first record definition
  StoreSummary stored;
  bool cleared = false;
  std::optional<std::string> problem;
  std::optional<std::string> clear_problem;  // as DownloadResult's
};
MemoryDownloadResult download_gowearfit(ByteStream& port, const SessionStore& store, const DownloadOptions& opt);

// `file init`, `set lastdataupdate now`, `set epoch now`.
void clear_armband(ArmbandCommands& armband, std::int64_t now_unix_s);

}  // namespace declouder::bodybugg
