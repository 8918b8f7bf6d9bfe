// The BodyBugg SP / V3 ("Firefly2") text command layer.
//
// Source: bemasher, "Reverse Engineering the BodyBugg" (the BodyBuggBypass write-up) and
// the device's own help text (in the BodyBuggBypass repository): `get|set <parameter>`, `retrieve
// PDP`, `file init|clear|size|msgerase`, `record show|define|commit`, `channel
// show`, ... The device answers like a Unix program: an unknown or incomplete
// command gets its usage text back, which we turn into an error.
//
// Known answer formats: `get lastdataupdate` -> "Last Data Update: <unix s>"
// (BodyBuggBypass's regex); `record show` and `channel show` tables as printed in
// that write-up. Other `get` answers are unpublished: we return the text, and
// get_number() takes the first integer after a ':' (or the first integer at all).
//
// Download and clear, in the only order known to work (BodyBuggBypass):
// get lastdataupdate -> retrieve PDP -> file init -> set lastdataupdate <now> ->
// set epoch <now>. This layer offers each step; the `bodybugg` command decides
// that nothing is cleared before the dump is safely stored.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "devices/bodybugg/transport.hpp"

namespace declouder::bodybugg {

struct ArmbandCommandError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Every parameter the device's help lists for `get` and for `set`.
std::span<const std::string_view> get_parameters();
std::span<const std::string_view> set_parameters();
bool is_get_parameter(std::string_view name);
bool is_set_parameter(std::string_view name);

// One line of `record show` / the arguments of `record define`.
struct RecordSlot {
  int index = 0;
  int type = 0;  // the record type byte it is logged under (16 = 0x10 ...)
  std::string name;
  int divisor = 0;                 // 1/32 s ticks: 1920 = once a minute
  std::vector<int> channels;       // 1..8 channel ids, without the 254 fillers
  int bytes = 0;                   // ceil(n * 12 / 8) + 1
};
int record_bytes_for(std::size_t channel_count);  // the BodyBuggBypass write-up's formula
std::vector<RecordSlot> parse_record_show(std::string_view text);
std::vector<std::pair<int, std::string>> parse_channel_show(std::string_view text);
// First integer after "Last Data Update:" / after a ':' / anywhere.
std::optional<std::int64_t> number_in_answer(std::string_view text);

class ArmbandCommands {
 public:
  explicit ArmbandCommands(CommandTransport& t) : t_(t) {}

  // Any command, verbatim; throws ArmbandCommandError when the device answers with its usage text.
  std::string run(const std::string& command, const AnswerProgress& progress = {}, bool answer_expected = true,
                  const AnswerCheck& looks_complete = {});

  std::string get(std::string_view parameter);  // throws ArmbandCommandError for names the device does not list
  std::optional<std::int64_t> get_number(std::string_view parameter);
  void set(std::string_view parameter, const std::vector<std::string>& values);

  std::int64_t last_data_update();  // throws if the answer has no number
  // The first command after opening the port: the GoWearFit "needs some commands to
  // warm up" (bmhack retried ~5 times), so a silent first attempt is retried.
  std::int64_t last_data_update_after_warmup(int attempts = 3);
  void set_last_data_update(std::int64_t unix_seconds) { set("lastdataupdate", {std::to_string(unix_seconds)}); }
  void set_epoch(std::int64_t unix_seconds) { set("epoch", {std::to_string(unix_seconds)}); }

  // An armband with no data may say nothing at all. A dump that stops at a quiet
  // moment is waited out while its last session is short of what its header
  // declared, or while it is shorter than `expected_bytes` (from `file size`).
  std::string retrieve_pdp(const AnswerProgress& progress = {}, std::optional<std::size_t> expected_bytes = std::nullopt);
  std::optional<std::int64_t> file_size() { return number_in_answer(run("file size")); }
  void file_init() { run("file init", {}, false); }

  std::vector<RecordSlot> record_show() { return parse_record_show(run("record show")); }
  void record_define(const RecordSlot& slot);  // checks 1..8 channels and the bytes formula first
  void record_commit() { run("record commit", {}, false); }
  std::vector<std::pair<int, std::string>> channel_show() { return parse_channel_show(run("channel show")); }

 private:
  CommandTransport& t_;
};

}  // namespace declouder::bodybugg
