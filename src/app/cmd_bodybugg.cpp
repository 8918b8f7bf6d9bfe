// declouder bodybugg info|download|clear|set-clock|records|parse|simulate: the
// BodyMedia BodyBugg armband over its USB serial link, without the vendor's paid
// service. The armband's code is in src/devices/bodybugg/ (frames, text commands, PDP
// dump, download order, the simulated armband); the port is link/serial_port.hpp.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "app/store_session.hpp"
#include "core/input_files.hpp"
#include "core/time.hpp"
#include "devices/bodybugg/armband_memory.hpp"
#include "devices/bodybugg/channels.hpp"
#include "devices/bodybugg/commands.hpp"
#include "devices/bodybugg/download.hpp"
#include "devices/bodybugg/gowearfit_flash.hpp"
#include "devices/bodybugg/pdp.hpp"
#include "devices/bodybugg/simulator.hpp"
#include "devices/bodybugg/transport.hpp"
#include "link/serial_port.hpp"
#include "store/armband_store.hpp"
#include "store/database.hpp"

namespace declouder {
namespace {

// Downloaded sessions go into the armband tables of this database (store/armband_store.hpp),
// on disk before the download may clear the armband: a power cut right after the
// clear would otherwise undo the commit, and the data would be on neither side.
bodybugg::SessionStore store_in(Database& db) {
  return [&db](const bodybugg::PdpDump& sessions, const std::string& source) {
    return bodybugg::store_pdp_durably(db, sessions, source);
  };
}

using bodybugg::ArmbandCommands;

constexpr std::string_view kLinkOptions = R"(Link options (every subcommand that talks to the armband):
  --port DEVICE        the armband's serial port (/dev/ttyUSB0; a pty from 'bodybugg simulate')
  --baud N             line speed, default 921600 (8N1, raw, no flow control)
  --transport KIND     how text commands travel, NOT publicly known, so selectable:
                       line   (default) ASCII command + end of line; the answer ends at
                              --prompt, or after --quiet-ms of silence
                       framed the text inside 0xAB..0xBA binary frames (placeholder
                              command bytes; see docs/wearables.md)
  --eol crlf|cr|lf     end of line sent after a command (line transport), default crlf
  --prompt TEXT        the device's prompt, when known: ends an answer at once
  --quiet-ms N         silence that ends an answer (line transport), default 500
  --stall-ms N         silence waited out while a dump does not look whole yet, default 5000
  --timeout-ms N       wait for the first byte of an answer, default 3000
  --raw-log FILE       append every byte sent and received, hex with times, to FILE)";

// The port, the raw log and the transport, opened from the common options.
struct Link {
  std::unique_ptr<SerialPort> port;
  std::unique_ptr<RawByteLog> log;
  std::unique_ptr<bodybugg::CommandTransport> transport;
  std::unique_ptr<ArmbandCommands> commands;
};

struct LinkOptions {
  std::string port;
  int baud = 921600;
  std::string transport = "line";
  bodybugg::LineTransportOptions line;
  std::optional<std::string> raw_log;
};

LinkOptions read_link_options(Args& args) {
  LinkOptions o;
  auto port = args.value("--port");
  if (auto b = args.integer("--baud", 50, 4000000)) o.baud = static_cast<int>(*b);
  if (auto t = args.value("--transport")) o.transport = *t;
  if (auto e = args.value("--eol")) {
    if (*e == "crlf") o.line.end_of_line = "\r\n";
    else if (*e == "cr") o.line.end_of_line = "\r";
    else if (*e == "lf") o.line.end_of_line = "\n";
    else throw UsageError("--eol: '" + *e + "' is not crlf, cr or lf");
  }
  o.line.prompt = args.value("--prompt");
  if (auto q = args.integer("--quiet-ms")) {
    if (*q < 1 || *q > 60000) throw UsageError("--quiet-ms: between 1 and 60000");
    o.line.quiet_ms = static_cast<int>(*q);
  }
  if (auto st = args.integer("--stall-ms")) {
    if (*st < 1 || *st > 600000) throw UsageError("--stall-ms: between 1 and 600000");
    o.line.stall_ms = static_cast<int>(*st);
  }
  if (auto t = args.integer("--timeout-ms")) {
    if (*t < 1 || *t > 600000) throw UsageError("--timeout-ms: between 1 and 600000");
    o.line.response_timeout_ms = static_cast<int>(*t);
  }
  o.raw_log = args.value("--raw-log");
  if (!port) throw UsageError("--port DEVICE is required (the armband's serial port)");
  if (o.transport != "line" && o.transport != "framed")
    throw UsageError("--transport: '" + o.transport + "' is not line or framed");
  o.port = *port;
  return o;
}

Link open_link(const LinkOptions& o) {
  Link l;
  try {
    l.port = std::make_unique<SerialPort>(o.port, SerialSettings{o.baud});
  } catch (const SerialError& e) {
    throw CommandError(e.what());
  }
  ByteStream* stream = l.port.get();
  if (o.raw_log) {
    l.log = std::make_unique<RawByteLog>(*l.port, *o.raw_log);
    stream = l.log.get();
  }
  if (o.transport == "framed")
    l.transport = std::make_unique<bodybugg::FramedTextTransport>(*stream, o.line.response_timeout_ms);
  else
    l.transport = std::make_unique<bodybugg::LineTransport>(*stream, o.line);
  l.commands = std::make_unique<ArmbandCommands>(*l.transport);
  return l;
}

// The first line of an answer, without a leading "name:" that repeats the question.
std::string answer_value(const std::string& s, std::string_view name = {}) {
  std::string t = s.substr(0, s.find_first_of("\r\n"));
  if (!name.empty() && t.starts_with(std::string(name) + ":")) {
    t.erase(0, name.size() + 1);
    while (!t.empty() && t.front() == ' ') t.erase(0, 1);
  }
  return t;
}

// ---- info ---------------------------------------------------------------

constexpr std::string_view kInfoUsage = R"(Usage: declouder bodybugg info --port DEVICE [link options] [--get NAME]...

Asks the armband who it is and how it is doing: serial number, firmware version,
battery, its clock against this computer's, the last data update (when the
vendor service, or declouder, last cleared it) and how much data it holds.
--get NAME adds any parameter of 'get' (see the device's own list in
docs/wearables.md); repeatable.
)";

int run_info(Args& args) {
  auto extra = args.values("--get");
  LinkOptions o = read_link_options(args);
  args.finish();
  for (const auto& g : extra)
    if (!bodybugg::is_get_parameter(g)) throw UsageError("--get: '" + g + "' is not a parameter the armband can get");
  Link l = open_link(o);
  auto& a = *l.commands;
  try {
    const std::int64_t ldu = a.last_data_update_after_warmup();
    for (const char* p : {"serialnum", "version", "battery"}) {
      try {
        std::printf("%-18s %s\n", p, answer_value(a.get(p), p).c_str());
      } catch (const bodybugg::ArmbandCommandError& e) {
        std::printf("%-18s (not answered: %s)\n", p, e.what());
      }
    }
    if (auto epoch = a.get_number("epoch")) {
      const std::int64_t host = now_unix_us() / 1000000;
      std::printf("%-18s %s (%+lld s against this computer)\n", "clock", iso8601_utc_s(*epoch).c_str(),
                  static_cast<long long>(*epoch - host));
    }
    std::printf("%-18s %s (%lld)\n", "last data update", iso8601_utc_s(ldu).c_str(), static_cast<long long>(ldu));
    try {
      if (auto n = a.file_size()) std::printf("%-18s %lld bytes\n", "data held", static_cast<long long>(*n));
    } catch (const bodybugg::ArmbandCommandError&) {
    }
    for (const auto& g : extra) std::printf("%-18s %s\n", g.c_str(), answer_value(a.get(g), g).c_str());
  } catch (const SerialError& e) {
    throw CommandError(e.what());
  } catch (const bodybugg::ArmbandCommandError& e) {
    throw CommandError(e.what());
  }
  return 0;
}

// ---- download -----------------------------------------------------------

constexpr std::string_view kDownloadUsage = R"(Usage: declouder bodybugg download --port DEVICE [--database FILE] [--config FILE]
                                  [--output-dir DIR] [--clear] [--memory] [link options]

Downloads everything the armband logged ('retrieve PDP'), keeps the raw answer
verbatim in DIR/<lastdataupdate>.log (named after the armband's last data update,
as BodyBuggBypass did; an existing file is never overwritten), parses it and
stores every complete session in the SQLite database FILE (tables armband_*).
A progress bar goes to stderr.

Only after all of that succeeded, --clear erases the armband's log ('file init')
and sets its last data update and its clock to now, so it keeps logging. A
download that breaks leaves the armband untouched, keeps what arrived in the .log
file, stores the sessions that arrived whole, says so and exits 1.

  --database FILE   the SQLite database (created if missing); default: [database]
                    path in the config file, else ~/.local/share/declouder/declouder.db
  --config FILE     the config file (default ~/.config/declouder/config.toml)
  --output-dir DIR  where the raw .log goes, default the current directory
  --clear           clear the armband and set its clocks after a good download
  --memory          a GoWearFit / ArmBand Mini: read its flash memory over the binary
                    frames instead (verified framing); the raw image is kept as
                    DIR/gowearfit-<first session start>.bin; --clear then sends the
                    clear-memory frame
)";

class ProgressBar {
 public:
  void update(std::size_t done, std::optional<std::size_t> total) {
    if (total && *total > 0) {
      int pct = static_cast<int>(std::min<std::size_t>(100, done * 100 / *total));
      if (pct == last_pct_) return;
      last_pct_ = pct;
      const int width = 30, filled = pct * width / 100;
      std::fprintf(stderr, "\rdownloading [%s%s] %3d%% %zu/%zu bytes", std::string(filled, '#').c_str(),
                   std::string(width - filled, '.').c_str(), pct, done, *total);
    } else {
      if (done - last_bytes_ < 4096 && last_bytes_ != 0) return;
      last_bytes_ = done;
      std::fprintf(stderr, "\rdownloading %zu bytes", done);
    }
    shown_ = true;
  }
  void finish() {
    if (shown_) std::fprintf(stderr, "\n");
  }

 private:
  int last_pct_ = -1;
  std::size_t last_bytes_ = 0;
  bool shown_ = false;
};

int run_memory_download(const LinkOptions& o, Database& db, const std::string& database, bodybugg::DownloadOptions opt,
                        ProgressBar& bar) {
  std::unique_ptr<SerialPort> port;
  try {
    port = std::make_unique<SerialPort>(o.port, SerialSettings{o.baud});
  } catch (const SerialError& e) {
    throw CommandError(e.what());
  }
  std::unique_ptr<RawByteLog> log;
  ByteStream* stream = port.get();
  if (o.raw_log) {
    log = std::make_unique<RawByteLog>(*port, *o.raw_log);
    stream = log.get();
  }
  bodybugg::MemoryDownloadResult r;
  try {
    r = bodybugg::download_gowearfit(*stream, store_in(db), opt);
  } catch (const SerialError& e) {
    bar.finish();
    throw CommandError(std::string(e.what()));
  }
  bar.finish();
  if (!r.image_path.empty()) std::printf("saved %zu bytes to %s\n", r.bytes, r.image_path.c_str());
  else if (!r.problem) std::printf("the armband holds no data\n");
  std::printf("%zu minutes; stored %d new sessions (%lld samples), %d already in %s\n", r.minutes, r.stored.sessions_added,
              static_cast<long long>(r.stored.samples_added), r.stored.sessions_already_stored, database.c_str());
  if (r.problem) {
    std::fprintf(stderr, "declouder bodybugg download: %s\nthe armband was NOT cleared\n", r.problem->c_str());
    return 1;
  }
  if (r.clear_problem) {
    std::fprintf(stderr,
                 "declouder bodybugg download: the link failed while clearing the armband: %s\n"
                 "the armband may have been cleared; everything it sent is stored and in %s\n",
                 r.clear_problem->c_str(), r.image_path.c_str());
    return 1;
  }
  if (r.cleared) std::printf("cleared the armband's memory\n");
  return 0;
}

int run_download(Args& args) {
  const bool clear = args.flag("--clear");
  const bool memory = args.flag("--memory");
  auto database_option = args.value("--database");
  auto config_option = args.value("--config");
  auto output_dir = args.value("--output-dir");
  LinkOptions o = read_link_options(args);
  args.finish();
  StoreSession store = open_store(config_option, database_option);
  Database& db = *store.database;
  const std::string* database = &db.path();
  ProgressBar bar;
  bodybugg::DownloadOptions opt;
  opt.output_dir = output_dir.value_or(".");
  opt.clear = clear;
  opt.progress = [&](std::size_t n, std::optional<std::size_t> total) { bar.update(n, total); };
  if (memory) return run_memory_download(o, db, *database, opt, bar);
  Link l = open_link(o);
  bodybugg::DownloadResult r;
  try {
    r = bodybugg::download_armband(*l.commands, store_in(db), opt);
  } catch (const SerialError& e) {
    bar.finish();
    throw CommandError(std::string(e.what()) + "; the armband was not changed");
  } catch (const bodybugg::ArmbandCommandError& e) {
    bar.finish();
    throw CommandError(std::string(e.what()) + "; the armband was not changed");
  }
  bar.finish();
  std::size_t complete = 0;
  for (const auto& s : r.dump.sessions) complete += s.complete ? 1 : 0;
  if (r.bytes == 0) std::printf("the armband holds no data\n");
  else std::printf("saved %zu bytes to %s\n", r.bytes, r.log_path.c_str());
  std::printf("%zu sessions (%zu complete); stored %d new (%lld samples), %d already in %s\n", r.dump.sessions.size(),
              complete, r.stored.sessions_added, static_cast<long long>(r.stored.samples_added),
              r.stored.sessions_already_stored, database->c_str());
  if (r.problem) {
    std::fprintf(stderr,
                 "declouder bodybugg download: %s\n"
                 "the armband was NOT cleared; what arrived is in %s; run the download again\n",
                 r.problem->c_str(), r.log_path.empty() ? "(nothing)" : r.log_path.c_str());
    return 1;
  }
  if (r.clear_problem) {
    std::fprintf(stderr,
                 "declouder bodybugg download: the link failed while clearing the armband: %s\n"
                 "the armband may have been cleared and its clocks not set; everything it sent is stored "
                 "and in %s; check it with 'declouder bodybugg info' and set its clock with "
                 "'declouder bodybugg set-clock'\n",
                 r.clear_problem->c_str(), r.log_path.c_str());
    return 1;
  }
  if (r.cleared) std::printf("cleared the armband and set its clock and last data update to now\n");
  return 0;
}

// ---- clear, set-clock ----------------------------------------------------

constexpr std::string_view kClearUsage = R"(Usage: declouder bodybugg clear --port DEVICE --yes [link options]

Erases the armband's logged data ('file init') and sets its last data update and
clock to now, WITHOUT downloading first. Use 'bodybugg download --clear' to keep
the data. --yes confirms that the data may be lost.
)";

int run_clear(Args& args) {
  const bool yes = args.flag("--yes");
  LinkOptions o = read_link_options(args);
  args.finish();
  if (!yes) throw UsageError("clear erases the armband's data without saving it: add --yes, or use 'bodybugg download --clear'");
  Link l = open_link(o);
  try {
    l.commands->last_data_update_after_warmup();  // is anyone there?
    bodybugg::clear_armband(*l.commands, now_unix_us() / 1000000);
  } catch (const std::exception& e) {
    throw CommandError(e.what());
  }
  std::printf("cleared the armband and set its clock and last data update to now\n");
  return 0;
}

constexpr std::string_view kSetClockUsage = R"(Usage: declouder bodybugg set-clock --port DEVICE [--time UNIX_SECONDS] [link options]

Sets the armband's clock ('set epoch') to this computer's time, or to --time.
)";

int run_set_clock(Args& args) {
  auto t = args.integer("--time");
  LinkOptions o = read_link_options(args);
  args.finish();
  const std::int64_t when = t ? *t : now_unix_us() / 1000000;
  if (when < 946684800 || when > 4102444800) throw UsageError("--time: not a plausible Unix time in seconds");
  Link l = open_link(o);
  try {
    l.commands->last_data_update_after_warmup();
    l.commands->set_epoch(when);
    auto back = l.commands->get_number("epoch");
    std::printf("armband clock set to %s", iso8601_utc_s(when).c_str());
    if (back) std::printf(" (it now reads %s)", iso8601_utc_s(*back).c_str());
    std::printf("\n");
  } catch (const std::exception& e) {
    throw CommandError(e.what());
  }
  return 0;
}

// ---- records ---------------------------------------------------------------

constexpr std::string_view kRecordsUsage = R"(Usage: declouder bodybugg records --port DEVICE [--channels]
                                 [--define "INDEX TYPE NAME DIVISOR CH [CH...] BYTES"]... [--commit]
                                 [link options]

Shows what the armband logs ('record show'): each record slot, its divisor (1/32 s
ticks: 1920 = once a minute) and its channels by name. --channels prints the
channel table ('channel show'). --define stages a slot ('record define'; 1 to 8
channel ids; BYTES must be ceil(n*12/8)+1, checked before sending) and --commit
makes the staged table active ('record commit').
)";

int run_records(Args& args) {
  const bool channels = args.flag("--channels");
  const bool commit = args.flag("--commit");
  auto defines = args.values("--define");
  LinkOptions o = read_link_options(args);
  args.finish();
  std::vector<bodybugg::RecordSlot> slots;
  for (const auto& d : defines) {
    std::istringstream in(d);
    std::vector<std::string> w;
    for (std::string x; in >> x;) w.push_back(x);
    if (w.size() < 6 || w.size() > 13) throw UsageError("--define: expected INDEX TYPE NAME DIVISOR CH [CH...] BYTES");
    try {
      bodybugg::RecordSlot s;
      s.index = std::stoi(w[0]);
      s.type = std::stoi(w[1]);
      s.name = w[2];
      s.divisor = std::stoi(w[3]);
      for (std::size_t i = 4; i + 1 < w.size(); ++i) s.channels.push_back(std::stoi(w[i]));
      s.bytes = std::stoi(w.back());
      if (s.bytes != bodybugg::record_bytes_for(s.channels.size()))
        throw UsageError("--define: " + std::to_string(s.channels.size()) + " channels take " +
                         std::to_string(bodybugg::record_bytes_for(s.channels.size())) + " bytes");
      slots.push_back(s);
    } catch (const std::invalid_argument&) {
      throw UsageError("--define: '" + d + "' has a non-number where a number belongs");
    }
  }
  Link l = open_link(o);
  try {
    for (const auto& s : slots) l.commands->record_define(s);
    if (commit) l.commands->record_commit();
    if (channels) {
      for (const auto& [id, name] : l.commands->channel_show()) std::printf("%3d %s\n", id, name.c_str());
      return 0;
    }
    std::printf("slot type name     divisor  every  bytes channels\n");
    for (const auto& r : l.commands->record_show()) {
      std::string names;
      for (int c : r.channels) names += (names.empty() ? "" : " ") + std::string(bodybugg::channel_name(static_cast<std::uint8_t>(c)));
      std::printf("%4d %4d %-8s %7d %5gs %6d %s\n", r.index, r.type, r.name.c_str(), r.divisor,
                  r.divisor / 32.0, r.bytes, names.empty() ? "(unused)" : names.c_str());
    }
  } catch (const std::exception& e) {
    throw CommandError(e.what());
  }
  return 0;
}

// ---- parse -----------------------------------------------------------------

constexpr std::string_view kParseUsage = R"(Usage: declouder bodybugg parse FILE [--json]

Decodes a 'retrieve PDP' dump (the .log that 'bodybugg download' keeps, or
BodyBuggBypass's). With --json: one JSON object per session and line, with the
keys channel, epoch (session start, Unix seconds), divisor (1/32 s ticks) and
samples (raw 12-bit counts; 0xFFF, no data, as null). TIMESTMP samples are the
button presses in Unix seconds (with milliseconds); DIAGNSTC samples are objects
{"time","i","j"}. Also: channel_id, complete, device_address.
Without --json: a summary line per session.

FILE may also be a GoWearFit flash image (the .bin 'download --memory' keeps):
one object per channel and session start, in the same shape.

A damaged dump is decoded up to the break: the sessions before it are printed,
the reason and the byte offset go to stderr, and the exit status is 1.
)";

int run_parse(Args& args) {
  const bool json = args.flag("--json");
  auto pos = args.positionals();
  if (pos.size() != 1) throw UsageError("expected one FILE (a retrieve PDP dump)");
  // A directory, an unreadable or empty file: one clear line and exit status 1.
  const std::string text = read_input_file(pos[0]);
  // A GoWearFit flash image (what 'download --memory' keeps) starts with a record
  // type byte, never with text: decode it into the same per-session shape.
  const bool flash = !text.empty() && !text.starts_with("SESSION-BEGIN") && static_cast<unsigned char>(text[0]) < 0x20;
  bodybugg::PdpDump dump;
  std::optional<std::string> flash_error;
  if (flash) {
    Bytes image(text.begin(), text.end());
    auto fi = bodybugg::parse_flash_image(image);
    dump = bodybugg::flash_sessions(fi, 0);
    flash_error = fi.error;
  } else {
    dump = bodybugg::parse_pdp(text);
  }
  for (const auto& s : dump.sessions) {
    if (json) {
      nlohmann::ordered_json j;
      j["channel"] = s.channel;
      j["epoch"] = s.epoch;
      j["divisor"] = s.divisor;
      auto samples = nlohmann::ordered_json::array();
      if (s.is_timestamps()) {
        for (auto ms : s.timestamps_ms) {
          if (ms % 1000 == 0) samples.push_back(ms / 1000);
          else samples.push_back(static_cast<double>(ms) / 1000.0);
        }
      } else if (s.is_diagnostics()) {
        for (const auto& d : s.diagnostics) samples.push_back({{"time", d.unix_seconds}, {"i", d.i}, {"j", d.j}});
      } else {
        for (const auto& v : s.samples) {
          if (v) samples.push_back(*v);
          else samples.push_back(nullptr);
        }
      }
      j["samples"] = std::move(samples);
      j["channel_id"] = s.channel_id;
      j["complete"] = s.complete;
      char addr[16];
      std::snprintf(addr, sizeof addr, "%08x", s.device_address);
      j["device_address"] = addr;
      std::cout << j.dump() << '\n';
    } else {
      std::printf("%-8s start %s  every %gs  %zu/%u entries%s\n", s.channel.c_str(), iso8601_utc_s(s.epoch).c_str(),
                  s.divisor / 32.0, s.entry_count(), s.declared_count, s.complete ? "" : "  (incomplete)");
    }
  }
  std::cout.flush();
  if (flash_error) {
    std::fprintf(stderr, "declouder bodybugg parse: %s: %s\n", pos[0].c_str(), flash_error->c_str());
    return 1;
  }
  if (dump.error) {
    std::fprintf(stderr, "declouder bodybugg parse: %s: stopped at byte %zu (line %zu): %s\n", pos[0].c_str(),
                 dump.error->byte_offset, dump.error->line, dump.error->reason.c_str());
    return 1;
  }
  return 0;
}

// ---- simulate ----------------------------------------------------------------

constexpr std::string_view kSimulateUsage = R"(Usage: declouder bodybugg simulate [--pdp FILE] [--transport line|framed]
                                  [--break-after BYTES] [--last-data-update UNIX_SECONDS]
                                  [--flash-frames FILE] [--warmup N] [--on-clear CMD]

Runs a simulated armband on a pseudo-terminal and prints the path of its port
(/dev/pts/N) on the first line of stdout, then serves until interrupted. It
answers the text commands from its state: 'retrieve PDP' returns FILE (default:
a built-in, made-up day of data: eight hours of six channels at one sample a
minute, two button presses), 'file init' really forgets it, 'set epoch' sets
its clock.
--break-after stops the next 'retrieve PDP' after BYTES bytes (a pulled cable).
--flash-frames FILE: a GoWearFit memory download capture (4-byte LE length +
frame, as RawBodyBugg's public ftest capture stores one); its answers are
reassembled into the flash image the simulator serves to memory reads (framed
transport). --warmup N ignores the first N commands, like a sleepy armband.
--on-clear CMD runs the shell command CMD when 'file init' (or the GoWearFit's
clear-memory frame) arrives, before the armband answers or forgets anything: the
moment the host's copy must already be safe (tests copy the database file then).
)";

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

int run_simulate(Args& args) {
  auto pdp = args.value("--pdp");
  auto transport = args.value("--transport");
  auto brk = args.integer("--break-after");
  auto ldu = args.integer("--last-data-update");
  auto flash_frames = args.value("--flash-frames");
  auto warmup = args.integer("--warmup");
  auto on_clear = args.value("--on-clear");
  args.finish();
  std::string dump = sim::synthetic_pdp_dump();  // built in: no file needed
  if (pdp) {
    dump = read_input_file(*pdp);
  }
  sim::BodyBuggSimOptions opt;
  if (transport && *transport == "framed") opt.transport = sim::SimTransport::framed;
  else if (transport && *transport != "line") throw UsageError("--transport: '" + *transport + "' is not line or framed");
  if (brk) {
    if (*brk < 0) throw UsageError("--break-after: a number of bytes");
    opt.break_pdp_after = static_cast<std::size_t>(*brk);
  }
  if (on_clear)
    opt.before_clear = [command = *on_clear](const std::string&) {
      // Synchronous: the armband answers (and forgets its data) only after it returned.
      if (const int rc = std::system(command.c_str()); rc != 0)
        std::fprintf(stderr, "declouder bodybugg simulate: --on-clear command exited with %d\n", rc);
    };
  auto state = sim::default_bodybugg_state(dump);
  if (ldu) state.last_data_update = *ldu;
  if (warmup) {
    if (*warmup < 0 || *warmup > 1000) throw UsageError("--warmup: between 0 and 1000");
    opt.warmup_commands = static_cast<int>(*warmup);
  }
  if (flash_frames) {
    const std::string frames = read_input_file(*flash_frames);
    Bytes all(frames.begin(), frames.end());
    armband::MemoryAssembler image;
    for (std::size_t p = 0; p + 4 <= all.size();) {
      std::size_t n = le32(&all[p]);
      p += 4;
      if (p + n > all.size()) throw CommandError(*flash_frames + ": frame at byte " + std::to_string(p - 4) + " runs past the end");
      armband::FrameDecoder dec;
      dec.feed(ByteView(&all[p], n));
      while (auto f = dec.next())
        if (f->kind == armband::kKindAnswer) image.add(*f);
      p += n;
    }
    state.flash_image = image.image();
  }
  sim::BodyBuggSimulator simulator(std::move(state), opt);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::printf("%s\n", simulator.port_path().c_str());
  std::fflush(stdout);
  simulator.serve(g_stop);
  return 0;
}

// The help of every subcommand that talks to the armband ends with the link options.
std::string with_link_options(std::string_view usage) {
  while (!usage.empty() && usage.back() == '\n') usage.remove_suffix(1);
  return std::string(usage) + "\n\n" + std::string(kLinkOptions);
}
const std::string kInfoHelp = with_link_options(kInfoUsage);
const std::string kDownloadHelp = with_link_options(kDownloadUsage);
const std::string kClearHelp = with_link_options(kClearUsage);
const std::string kSetClockHelp = with_link_options(kSetClockUsage);
const std::string kRecordsHelp = with_link_options(kRecordsUsage);

}  // namespace

extern const Command kBodybuggInfoCommand = {.name = "bodybugg info", .summary = "show the BodyBugg armband's identity, battery, clock and data held", .usage = kInfoHelp, .run = run_info};
extern const Command kBodybuggDownloadCommand = {.name = "bodybugg download", .summary = "download the armband's log into SQLite (and a raw .log), then optionally clear it", .usage = kDownloadHelp, .run = run_download};
extern const Command kBodybuggClearCommand = {.name = "bodybugg clear", .summary = "erase the armband's log without downloading (needs --yes)", .usage = kClearHelp, .run = run_clear};
extern const Command kBodybuggSetClockCommand = {.name = "bodybugg set-clock", .summary = "set the armband's clock to this computer's", .usage = kSetClockHelp, .run = run_set_clock};
extern const Command kBodybuggRecordsCommand = {.name = "bodybugg records", .summary = "show or define what the armband logs (record show|define|commit)", .usage = kRecordsHelp, .run = run_records};
extern const Command kBodybuggParseCommand = {.name = "bodybugg parse", .summary = "decode a 'retrieve PDP' dump file, as JSON with --json", .usage = kParseUsage, .run = run_parse};
extern const Command kBodybuggSimulateCommand = {.name = "bodybugg simulate", .summary = "run a simulated armband on a pseudo-terminal", .usage = kSimulateUsage, .run = run_simulate};

}  // namespace declouder
