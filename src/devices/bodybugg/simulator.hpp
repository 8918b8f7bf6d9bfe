// The armband's side of the serial link, for tests and `declouder bodybugg simulate`.
//
// BodyBuggDevice is the device as a pure text machine: it answers the command set
// of bemasher's BodyBuggBypass write-up from its state (the `retrieve PDP` dump it holds, its clock, its
// parameters, its record table), and `file init` really forgets the data.
// BodyBuggSimulator puts it on a pseudo-terminal pair and speaks either transport
// hypothesis (devices/bodybugg/transport.hpp), plus the binary memory read of
// the GoWearFit (devices/bodybugg/armband_frame.hpp) when it holds a flash image.
//
// Answer texts we know from public material: the usage texts (commands.txt),
// "Last Data Update: N", the `record show` and `channel show` tables (the write-up).
// Everything else is our guess, chosen to be plain: "<name>: <value>" for `get`,
// "File Size: N" for `file size`, and silence after `set`, `file init` and
// `record define|commit` (the driver must not rely on an acknowledgement).
#pragma once
#include <atomic>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/bytes.hpp"
#include "devices/bodybugg/commands.hpp"
#include "link/serial_port.hpp"

namespace declouder::sim {

struct BodyBuggDeviceState {
  std::string pdp_dump;                 // what `retrieve PDP` answers (synthetic_pdp_dump by default)
  Bytes flash_image;                    // what memory reads answer (GoWearFit), may be empty
  std::int64_t last_data_update = 1353335358;
  std::int64_t clock_unix_s = 1354009655;  // the device clock when the simulator starts
  std::map<std::string, std::string> parameters;  // get/set values besides the two clocks
  std::vector<bodybugg::RecordSlot> records;      // `record show`
};

// The default state: a BodyBugg SP with the record table the armband's own `record show`
// prints, holding `pdp_dump`.
BodyBuggDeviceState default_bodybugg_state(const std::string& pdp_dump);

// A day's worth of made-up armband data in the `retrieve PDP` layout (pdp.hpp), built in so
// `declouder bodybugg simulate` needs no file: from `start_unix_s`, eight hours of one sample
// a minute on the channels the armband logs by default (skin temperature, galvanic skin
// response, accelerometer means, steps, heat flux), two button presses, and a diagnostic
// entry. The values follow a smooth daily shape with deterministic noise: they are for
// trying the download, the store and the export, not physiology.
std::string synthetic_pdp_dump(std::int64_t start_unix_s = 1353312000);

class BodyBuggDevice {
 public:
  explicit BodyBuggDevice(BodyBuggDeviceState s);
  // The answer text for one command line (without its end of line).
  std::string answer(const std::string& command);
  const BodyBuggDeviceState& state() const { return s_; }
  void erase_flash() { s_.flash_image.assign(1, 0xFF); }  // an empty record stream
  std::vector<std::string> log;  // every command received, in order

 private:
  std::int64_t clock_now() const;
  BodyBuggDeviceState s_;
  std::vector<bodybugg::RecordSlot> staged_;
  std::int64_t clock_set_at_host_ = 0;
};

enum class SimTransport { line, framed };

struct BodyBuggSimOptions {
  SimTransport transport = SimTransport::line;
  // Stop answering in the middle of the next `retrieve PDP`, after this many bytes
  // (a cable pulled out); the simulator answers normally afterwards.
  std::optional<std::size_t> break_pdp_after;
  std::size_t write_chunk = 4096;  // the dump goes out in pieces, like a real link
  // Pause the dump for pause_ms after this many bytes (a device reading its
  // flash); the line goes quiet longer than a short answer's quiet period.
  std::size_t pause_pdp_at = 0;
  int pause_ms = 0;
  // Ignore the first N commands after start, like a GoWearFit that "needs some
  // commands to warm up" (bmhack).
  int warmup_commands = 0;
  // Called with the command when 'file init' or 'file clear' arrives, before the
  // data is forgotten and before anything is answered: the moment the host must
  // already have made the data safe (tests look at the host's database then).
  std::function<void(const std::string& command)> before_clear;
};

class BodyBuggSimulator {
 public:
  BodyBuggSimulator(BodyBuggDeviceState state, BodyBuggSimOptions opt = {});
  ~BodyBuggSimulator();
  const std::string& port_path() const { return pty_.slave_path; }
  void start();  // serves on a thread until stop()
  void stop();
  // Serves until `stop` becomes true (the CLI uses this on its main thread).
  void serve(const std::atomic<bool>& stop);
  BodyBuggDevice& device() { return device_; }

 private:
  bool asleep(const std::string& what);  // true while warm-up commands are being ignored
  void handle_line(const std::string& line);
  void handle_bytes(ByteView in);
  void send(ByteView b);
  void send_text_answer(const std::string& command, const std::string& text);

  PtyPair pty_;
  BodyBuggDevice device_;
  BodyBuggSimOptions opt_;
  int ignored_ = 0;
  std::string line_buf_;
  Bytes frame_buf_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace declouder::sim
