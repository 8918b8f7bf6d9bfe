#include "devices/bodybugg/commands.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <sstream>

#include "devices/bodybugg/pdp.hpp"

namespace declouder::bodybugg {
namespace {

// From the device's help text (commands.txt), in its order.
constexpr std::array<std::string_view, 79> kGet = {
    "age", "banner", "battery", "birth", "bluetoothaddr", "bluetoothname", "boardnum", "boardseries",
    "bootdiagnostic", "bt_link_data", "bt_local_port", "bt_mysterybyte", "bt_remote_address", "capabilities",
    "charge", "checksum", "deepsleeptimeout", "defaultconfig", "dialstring", "disable", "display1224", "eedebug",
    "eegoalmsg", "eerunning", "eetarget", "eetoday", "eeyesterday", "epoch", "gsrthresh", "handed", "height",
    "hostname", "hrtarget", "iapbundleseedid", "iapprotocol", "ipaddress", "lastdataupdate", "led", "memory",
    "modgoalmsg", "modrunning", "modtarget", "modthreshold", "modtoday", "modyesterday", "offbodydelay",
    "operationmode", "orientation", "password", "personalized", "productcode", "radiotimeout", "rrcollect",
    "sampletimeout", "secondactivity", "serialnum", "sex", "smoker", "spewmode", "stepgoalmsg", "stepsrunning",
    "stepstoday", "stepsyesterday", "steptarget", "subject", "timezonechange", "usbspeed", "username", "value",
    "version", "viggoalmsg", "vigrunning", "vigtarget", "vigthreshold", "vigtoday", "vigyesterday", "volume",
    "weight", "welcomemsg"};

constexpr std::array<std::string_view, 71> kSet = {
    "age", "birth", "bluetoothaddr", "bluetoothname", "boardnum", "boardseries", "bootdiagnostic", "bt_link_data",
    "bt_local_port", "bt_mysterybyte", "bt_remote_address", "deepsleeptimeout", "defaultconfig", "dialstring",
    "disable", "display1224", "eedebug", "eegoalmsg", "eerunning", "eetarget", "eetoday", "eeyesterday", "epoch",
    "gsrthresh", "handed", "height", "hostname", "hrtarget", "iapbundleseedid", "iapprotocol", "ipaddress",
    "lastdataupdate", "led", "modgoalmsg", "modrunning", "modtarget", "modthreshold", "modtoday", "modyesterday",
    "offbodydelay", "operationmode", "orientation", "password", "personalized", "productcode", "radiotimeout",
    "rrcollect", "sampletimeout", "secondactivity", "serialnum", "sex", "smoker", "spewmode", "stepgoalmsg",
    "stepsrunning", "stepstoday", "stepsyesterday", "steptarget", "subject", "timezonechange", "usbspeed",
    "username", "viggoalmsg", "vigrunning", "vigtarget", "vigthreshold", "vigtoday", "vigyesterday", "volume",
    "weight", "welcomemsg"};

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::optional<int> to_int(const std::string& s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool starts_with_usage(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::string head;
  for (std::size_t k = i; k < text.size() && head.size() < 6; ++k) head += static_cast<char>(std::tolower(static_cast<unsigned char>(text[k])));
  return head == "usage:";
}

}  // namespace

std::span<const std::string_view> get_parameters() { return kGet; }
std::span<const std::string_view> set_parameters() { return kSet; }
bool is_get_parameter(std::string_view n) {
  auto g = get_parameters();
  return std::find(g.begin(), g.end(), n) != g.end();
}
bool is_set_parameter(std::string_view n) { return std::find(kSet.begin(), kSet.end(), n) != kSet.end(); }

int record_bytes_for(std::size_t n) { return static_cast<int>((n * 12 + 7) / 8) + 1; }

std::vector<RecordSlot> parse_record_show(std::string_view text) {
  std::vector<RecordSlot> out;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    auto w = words(line);
    if (w.size() != 13) continue;
    auto idx = to_int(w[0]), type = to_int(w[1]), div = to_int(w[3]), bytes = to_int(w[12]);
    if (!idx || !type || !div || !bytes) continue;  // the heading lines
    RecordSlot s{*idx, *type, w[2], *div, {}, *bytes};
    bool ok = true;
    for (int c = 4; c < 12; ++c) {
      auto ch = to_int(w[c]);
      if (!ch) ok = false;
      else if (*ch != 254) s.channels.push_back(*ch);
    }
    if (ok) out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::pair<int, std::string>> parse_channel_show(std::string_view text) {
  std::vector<std::pair<int, std::string>> out;
  // The BodyBuggBypass write-up shows the table flattened into one line too: read number/name pairs.
  auto w = words(text);
  for (std::size_t i = 0; i + 1 < w.size(); ++i) {
    auto id = to_int(w[i]);
    if (id && !to_int(w[i + 1]) && w[i + 1].find('-') == std::string::npos) {
      out.emplace_back(*id, w[i + 1]);
      ++i;
    }
  }
  return out;
}

std::optional<std::int64_t> number_in_answer(std::string_view text) {
  auto from = [&](std::size_t start) -> std::optional<std::int64_t> {
    std::size_t i = start;
    while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) return std::nullopt;
    bool neg = i > 0 && text[i - 1] == '-';
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data() + i, text.data() + text.size(), v);
    if (ec != std::errc()) return std::nullopt;
    return neg ? -v : v;
  };
  if (auto c = text.find(':'); c != std::string_view::npos)
    if (auto v = from(c + 1)) return v;
  return from(0);
}

std::string ArmbandCommands::run(const std::string& command, const AnswerProgress& progress, bool answer_expected,
                                 const AnswerCheck& looks_complete) {
  std::string answer = t_.exchange(command, progress, answer_expected, looks_complete);
  if (starts_with_usage(answer)) {
    std::string first = answer.substr(0, answer.find_first_of("\r\n"));
    throw ArmbandCommandError("the armband rejected '" + command + "': " + first);
  }
  return answer;
}

std::string ArmbandCommands::retrieve_pdp(const AnswerProgress& progress, std::optional<std::size_t> expected_bytes) {
  return run("retrieve PDP", progress, false, [expected_bytes](std::string_view text) {
    if (expected_bytes && text.size() < *expected_bytes) return false;
    return !parse_pdp(text).error;
  });
}

std::string ArmbandCommands::get(std::string_view parameter) {
  if (!is_get_parameter(parameter)) throw ArmbandCommandError("'" + std::string(parameter) + "' is not a parameter the armband can get");
  return run("get " + std::string(parameter));
}

std::optional<std::int64_t> ArmbandCommands::get_number(std::string_view parameter) {
  return number_in_answer(get(parameter));
}

void ArmbandCommands::set(std::string_view parameter, const std::vector<std::string>& values) {
  if (!is_set_parameter(parameter)) throw ArmbandCommandError("'" + std::string(parameter) + "' is not a parameter the armband can set");
  if (values.empty() || values.size() > 3) throw ArmbandCommandError("set " + std::string(parameter) + " takes 1 to 3 values");
  std::string cmd = "set " + std::string(parameter);
  for (const auto& v : values) cmd += " " + v;
  run(cmd, {}, false);
}

std::int64_t ArmbandCommands::last_data_update() {
  std::string a = get("lastdataupdate");
  auto v = number_in_answer(a);
  if (!v) throw ArmbandCommandError("no number in the answer to 'get lastdataupdate': " + a.substr(0, 60));
  return *v;
}

std::int64_t ArmbandCommands::last_data_update_after_warmup(int attempts) {
  for (int i = 1;; ++i) {
    try {
      return last_data_update();
    } catch (const PartialAnswerError&) {
      throw;
    } catch (const SerialError&) {
      if (i >= attempts) throw;
    }
  }
}

void ArmbandCommands::record_define(const RecordSlot& s) {
  if (s.channels.empty() || s.channels.size() > 8) throw ArmbandCommandError("a record holds 1 to 8 channels");
  if (s.bytes != record_bytes_for(s.channels.size()))
    throw ArmbandCommandError("record " + s.name + ": " + std::to_string(s.channels.size()) + " channels take " +
                              std::to_string(record_bytes_for(s.channels.size())) + " bytes, not " + std::to_string(s.bytes));
  if (s.name.empty() || s.name.size() > 8 || s.name.find(' ') != std::string::npos)
    throw ArmbandCommandError("record name must be 1 to 8 characters without spaces");
  std::string cmd = "record define " + std::to_string(s.index) + " " + std::to_string(s.type) + " " + s.name + " " +
                    std::to_string(s.divisor);
  for (int c : s.channels) cmd += " " + std::to_string(c);
  cmd += " " + std::to_string(s.bytes);
  run(cmd, {}, false);
}

}  // namespace declouder::bodybugg
