// declouder capture learn: a device definition written from captures of the vendor app and
// the values the person saw (src/definitions/learn.hpp does the work).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/cmd_capture.hpp"
#include "core/time.hpp"
#include "definitions/learn.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder capture learn CAPTURE... --value N [--value N]... [--time ISO8601]...
                               [--id NAME] [--map HANDLE=UUID]... --output FILE.toml

Writes a working device definition (docs/definitions.md) from captures of the vendor
app talking to the device (btsnoop, PacketLogger, hcidump/btmon text), and the values
the person saw on its display: one --value, and optionally one --time, per weighing,
in capture order (one capture per weighing; one --value alone applies to every capture).

It finds the device, the frames that carry the weight (advertised service data or
manufacturer data, or the characteristic the device notifies on) and where the weight,
the time and the impedance hide in them, the bit that marks the final frame; for a
device that must be asked, the request the app wrote (which bytes are the time) and its
acknowledgement. Then it decodes the captures with the definition alone and says so, and
where the captures cannot decide between layouts, which further capture would.

  --value N         what the display showed: 81.1 (kg), 178.8lb; weight=N is the same;
                    impedance=N names the impedance of the same weighing (a second set)
  --time ISO8601    when the weighing was made (default: the capture's own clock)
  --id NAME         the device's id in the definition (default: from its name)
  --map H=UUID      name a handle the captures' discovery does not (a capture started
                    after the app connected): --map 0x004b=2a37. Repeatable.
  --output FILE     where to write the definition (.toml)

Exit status: 0 when the definition decodes every weighing as the display showed it;
1 when it does not (it is still written, and the reason printed), or nothing was found;
2 for a mistake on the command line.

Example:
  declouder capture learn monday.btsnoop tuesday.btsnoop --value 81.1 --value 80.6 \
      --id acme-bs2 --output ~/.config/declouder/devices/acme-bs2.toml)";

int decimals_of(const std::string& text) {
  auto dot = text.find('.');
  if (dot == std::string::npos) return 0;
  int n = 0;
  for (std::size_t i = dot + 1; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) ++n;
  return n;
}

double number_or_fail(const std::string& option, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v) || v <= 0)
    throw UsageError(option + ": '" + text + "' is not a positive number");
  return v;
}

int run(Args& args) {
  const auto values = args.values("--value");
  const auto times = args.values("--time");
  const auto id = args.value("--id");
  const auto map = capture_map_option(args);
  const auto output = args.value("--output");
  const auto files = args.positionals();
  if (files.empty()) throw UsageError("missing CAPTURE (one or more captures of the vendor app)");
  if (!output) throw UsageError("--output FILE.toml is required (where the definition is written)");

  definitions::LearnInput in;
  in.captures = files;
  std::vector<double> impedances;
  for (const std::string& raw : values) {
    std::string text = raw;
    std::string name = "weight";
    if (auto eq = text.find('='); eq != std::string::npos) {
      name = text.substr(0, eq);
      text = text.substr(eq + 1);
    }
    if (name == "impedance") {
      impedances.push_back(number_or_fail("--value impedance", text));
      continue;
    }
    if (name != "weight") throw UsageError("--value " + raw + ": a value is N, weight=N or impedance=N");
    definitions::LearnWeighing w;
    if (text.size() > 2 && text.substr(text.size() - 2) == "lb") {
      w.in_lb = true;
      text.resize(text.size() - 2);
    } else if (text.size() > 2 && text.substr(text.size() - 2) == "kg") {
      text.resize(text.size() - 2);
    }
    w.weight = number_or_fail("--value", text);
    w.decimals = decimals_of(text);
    in.weighings.push_back(w);
  }
  if (in.weighings.empty()) throw UsageError("--value is required: the weight the display showed, one per weighing");
  if (impedances.size() > in.weighings.size()) throw UsageError("--value impedance=N: more impedances than weighings");
  for (std::size_t i = 0; i < impedances.size(); ++i) in.weighings[i].impedance = impedances[i];
  if (times.size() > in.weighings.size()) throw UsageError("--time: more times than weighings");
  for (std::size_t i = 0; i < times.size(); ++i) {
    auto us = parse_iso8601_us(times[i]);
    if (!us) throw UsageError("--time: '" + times[i] + "' is not an ISO 8601 time (2024-03-17T19:59:33Z)");
    in.weighings[i].unix_time = *us / 1000000;
  }
  if (id) in.id = *id;
  in.assumed_uuids = map;

  definitions::LearnResult r;
  try {
    r = definitions::learn_definition(in);
  } catch (const definitions::LearnError& e) {
    throw CommandError(e.what());
  }
  {
    std::ofstream out(*output, std::ios::binary | std::ios::trunc);
    out << r.toml;
    if (!out) throw CommandError("--output " + *output + ": cannot be written");
  }
  for (const auto& line : r.found) std::cout << line << '\n';
  for (const auto& line : r.checks) std::cout << "check: " << line << '\n';
  for (const auto& line : r.advice) std::cout << "to decide: " << line << '\n';
  std::cout << "wrote " << *output << " (device " << r.definition->id << ")"
            << (r.verified ? "" : ": it does NOT decode every weighing as the display showed it") << '\n';
  return r.verified ? 0 : 1;
}

}  // namespace

extern const Command kCaptureLearnCommand = {
    .name = "capture learn",
    .summary = "write a device definition from captures of the vendor app and the values on the display",
    .usage = kUsage,
    .run = run,
};

}  // namespace declouder
