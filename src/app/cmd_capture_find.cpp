// declouder capture find: where a value the person saw hides in the bytes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cmd_capture.hpp"
#include "capture/find.hpp"
#include "outputs/reading_json.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder capture find FILE... --value NUMBER [--time ISO8601] [--lb]
                              [--map HANDLE=UUID]... [--limit N] [--json]

Given the value the device's display showed while the capture was recorded
(and, optionally, when), lists the fields that could hold it: every
advertisement field (service data, manufacturer data) and every ATT value, at
every byte offset, 8/16/24/32 bits wide, big- or little-endian, signed or not,
scaled x1, x5, x10, x20, x100 or x200, in kg or lb. The time is searched as
Unix seconds (both byte orders, within 5 minutes) and as year/month/day/hour/
minute/second structs (in the wall-clock time you wrote).

Give several captures, each with its own --value (and --time), in the same
order: a candidate that holds in every capture ranks first. One --value with
several files applies to all of them.

  --value NUMBER   the number the display showed (its decimals set the tolerance:
                   81.1 matches 81.05..81.15)
  --time ISO8601   when: 2024-03-17T19:59:33Z, or local wall time 2024-03-17T20:59:33+01:00
  --lb             the display showed pounds (default: kg)
  --map H=UUID     name a handle the capture's discovery does not: 0x004b=2a37
  --limit N        print the N best candidates (default 20; 0 for all)
  --json           one object per candidate, best first, with the keys kind
                   (value or time), source (advert:service_data:181b,
                   advert:manufacturer_data:343, att:fff1, att:0x0012),
                   offset, width_bits, byte_order (big or little), signed,
                   factor (raw number / value; 1 for Unix seconds), unit (kg or
                   lb; for times the encoding), files (captures it held in),
                   score and example (hex of a payload where it held)

Example:
  declouder capture find picooc.pklg --value 81.1 --time 2024-03-17T19:59:33Z)";

int decimals_of(const std::string& text) {
  auto dot = text.find('.');
  if (dot == std::string::npos) return 0;
  int n = 0;
  for (std::size_t i = dot + 1; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) ++n;
  return n;
}

int run(Args& args) {
  const bool json = args.flag("--json");
  const bool lb = args.flag("--lb");
  const auto values = args.values("--value");
  const auto times = args.values("--time");
  const auto limit = args.integer("--limit").value_or(20);
  const auto map = capture_map_option(args);
  const auto files = args.positionals();
  if (files.empty()) throw UsageError("missing FILE (one or more captures)");
  if (values.empty() && times.empty()) throw UsageError("--value is required (the number the display showed)");
  if (values.size() > 1 && values.size() != files.size())
    throw UsageError("--value: give one value, or one per FILE (" + std::to_string(files.size()) + ")");
  if (times.size() > 1 && times.size() != files.size())
    throw UsageError("--time: give one time, or one per FILE (" + std::to_string(files.size()) + ")");
  if (limit < 0) throw UsageError("--limit: must be 0 or more");

  std::vector<capture::FindTarget> targets(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    capture::FindTarget& t = targets[i];
    t.value_in_lb = lb;
    if (!values.empty()) {
      const std::string& text = values.size() == 1 ? values[0] : values[i];
      char* end = nullptr;
      double v = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !std::isfinite(v)) throw UsageError("--value: '" + text + "' is not a number");
      t.value = v;
      t.decimals = decimals_of(text);
    }
    if (!times.empty()) {
      const std::string& text = times.size() == 1 ? times[0] : times[i];
      auto us = parse_iso8601_us(text);
      if (!us) throw UsageError("--time: '" + text + "' is not an ISO 8601 time (2024-03-17T19:59:33Z)");
      t.unix_seconds = *us / 1000000;
      // The wall clock as written (devices keep local time without a zone).
      auto local = parse_iso8601_us(text.substr(0, std::min<std::size_t>(text.size(), 19)));
      if (local) t.wall_clock = civil_from_unix(*local / 1000000);
    }
  }

  capture::ValueFinder finder;
  int status = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    try {
      const capture::CaptureSummary s = finder.add_capture(files[i], targets[i], map);
      // Said for each file; a file that gave nothing (exit 1) still lets the others be ranked.
      status = std::max(status, capture_exit_status("capture find", files[i], s));
    } catch (const capture::CaptureError& e) {
      throw CommandError(e.what());
    }
  }
  auto ranked = finder.ranked();
  if (limit > 0 && ranked.size() > static_cast<std::size_t>(limit)) ranked.resize(static_cast<std::size_t>(limit));
  if (ranked.empty() && !json) std::fprintf(stderr, "declouder capture find: no field holds that value\n");
  for (const auto& c : ranked) {
    if (json) {
      Json j;
      j["kind"] = c.kind;
      j["source"] = c.source;
      j["offset"] = c.offset;
      j["width_bits"] = c.width_bits;
      j["byte_order"] = c.byte_order;
      j["signed"] = c.is_signed;
      j["factor"] = json_number(c.factor, 3);
      j["unit"] = c.unit;
      j["files"] = c.files;
      j["score"] = c.score;
      j["example"] = c.example;
      std::cout << j.dump() << '\n';
    } else {
      std::printf("%7.1f  %-5s %-32s offset %-3zu %2d bits %-6s %-8s x%-4g %-8s in %d of %zu  %s\n", c.score,
                  c.kind.c_str(), c.source.c_str(), c.offset, c.width_bits, c.byte_order.c_str(),
                  c.is_signed ? "signed" : "unsigned", c.factor, c.unit.c_str(), c.files, files.size(),
                  c.example.c_str());
    }
  }
  return status;
}

}  // namespace

extern const Command kCaptureFindCommand = {
    .name = "capture find",
    .summary = "find the fields that hold a value (weight, time) seen on the display",
    .usage = kUsage,
    .run = run,
};

}  // namespace declouder
