#include "app/cli.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace declouder {

namespace {

bool starts_with_option(const std::string& t) { return t.size() > 2 && t[0] == '-' && t[1] == '-'; }

}  // namespace

Args::Args(std::vector<std::string> tokens) : tokens_(std::move(tokens)), used_(tokens_.size(), false) {}

bool Args::flag(std::string_view name) {
  bool found = false;
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    if (!used_[i] && tokens_[i] == name) {
      used_[i] = true;
      found = true;
    }
  }
  return found;
}

std::vector<std::string> Args::values(std::string_view name) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    if (used_[i]) continue;
    const std::string& t = tokens_[i];
    if (t == name) {
      if (i + 1 >= tokens_.size()) throw UsageError(std::string(name) + " needs a value");
      if (starts_with_option(tokens_[i + 1]))
        throw UsageError(std::string(name) + " needs a value, not the option " + quote(tokens_[i + 1]) + " (for a value "
                         "that starts with --, write " + std::string(name) + "=VALUE)");
      used_[i] = used_[i + 1] = true;
      out.push_back(tokens_[i + 1]);
      ++i;
    } else if (t.size() > name.size() && t.compare(0, name.size(), name) == 0 && t[name.size()] == '=') {
      used_[i] = true;
      out.push_back(t.substr(name.size() + 1));
    }
  }
  return out;
}

std::optional<std::string> Args::value(std::string_view name) {
  auto v = values(name);
  if (v.empty()) return std::nullopt;
  return v.back();
}

std::string Args::quote(std::string_view v) {
  if (v.size() <= 40) return "'" + std::string(v) + "'";
  std::size_t n = 37;
  while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80) --n;  // not inside a UTF-8 character
  return "'" + std::string(v.substr(0, n)) + "...' (" + std::to_string(v.size()) + " characters)";
}

namespace {
std::string shortest(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}
}  // namespace

std::optional<double> Args::number(std::string_view name, double lo, double hi) {
  auto v = value(name);
  if (!v) return std::nullopt;
  double d = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), d);
  // from_chars reads "nan" and "inf": no quantity declouder takes is either.
  if (ec != std::errc() || p != v->data() + v->size() || !std::isfinite(d))
    throw UsageError(std::string(name) + ": " + quote(*v) + " is not a number");
  if (d < lo || d > hi)
    throw UsageError(std::string(name) + ": " + quote(*v) + " is outside " + shortest(lo) + ".." + shortest(hi));
  return d;
}

std::optional<long long> Args::integer(std::string_view name, long long lo, long long hi) {
  auto v = value(name);
  if (!v) return std::nullopt;
  long long n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec == std::errc::result_out_of_range)
    throw UsageError(std::string(name) + ": " + quote(*v) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
  if (ec != std::errc() || p != v->data() + v->size())
    throw UsageError(std::string(name) + ": " + quote(*v) + " is not a whole number");
  if (n < lo || n > hi)
    throw UsageError(std::string(name) + ": " + quote(*v) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
  return n;
}

std::vector<std::string> Args::positionals() {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    if (used_[i]) continue;
    if (starts_with_option(tokens_[i])) throw UsageError("unknown option " + tokens_[i]);
    used_[i] = true;
    out.push_back(tokens_[i]);
  }
  return out;
}

void Args::finish() {
  auto rest = positionals();
  if (!rest.empty()) throw UsageError("unexpected argument '" + rest.front() + "'");
}

namespace {

void print_overview() {
  std::printf(
      "declouder %s: frees health data from vendor clouds.\n"
      "Talks to Bluetooth scales, bands and armbands directly, computes body composition,\n"
      "keeps everything in a local SQLite database and hands it on (MQTT/Home Assistant,\n"
      "Domoticz, CSV). Also a workbench for reverse-engineering new devices from captures.\n\n"
      "Usage: declouder COMMAND [OPTIONS]\n\nCommands:\n",
      DECLOUDER_VERSION);
  for (const Command* c : all_commands()) std::printf("  %-22s %.*s\n", std::string(c->name).c_str(),
                                                      static_cast<int>(c->summary.size()), c->summary.data());
  std::printf("\n'declouder COMMAND --help' explains a command and all its options.\n");
}

// Finds the command whose (one- or two-word) name matches the start of argv.
const Command* find_command(const std::vector<std::string>& words, std::size_t& consumed) {
  const Command* best = nullptr;
  for (const Command* c : all_commands()) {
    std::string_view name = c->name;
    std::size_t space = name.find(' ');
    if (space == std::string_view::npos) {
      if (!words.empty() && words[0] == name && !best) {
        best = c;
        consumed = 1;
      }
    } else if (words.size() >= 2 && words[0] == name.substr(0, space) && words[1] == name.substr(space + 1)) {
      consumed = 2;
      return c;  // two-word match always wins
    }
  }
  return best;
}

void print_group(std::string_view group) {
  std::printf("Usage: declouder %.*s SUBCOMMAND [OPTIONS]\n\nSubcommands:\n", static_cast<int>(group.size()),
              group.data());
  for (const Command* c : all_commands()) {
    if (c->name.size() > group.size() && c->name.substr(0, group.size()) == group && c->name[group.size()] == ' ')
      std::printf("  %-22s %.*s\n", std::string(c->name).c_str(), static_cast<int>(c->summary.size()),
                  c->summary.data());
  }
  std::printf("\n'declouder %.*s SUBCOMMAND --help' explains each one.\n", static_cast<int>(group.size()),
              group.data());
}

bool is_group(std::string_view word) {
  for (const Command* c : all_commands())
    if (c->name.size() > word.size() && c->name.substr(0, word.size()) == word && c->name[word.size()] == ' ')
      return true;
  return false;
}

}  // namespace

int run_cli(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    print_overview();
    return words.empty() ? 2 : 0;
  }
  if (words[0] == "--version") {
    std::printf("declouder %s\n", DECLOUDER_VERSION);
    return 0;
  }
  std::size_t consumed = 0;
  const Command* cmd = find_command(words, consumed);
  if (!cmd) {
    if (is_group(words[0])) {
      bool help = words.size() >= 2 && (words[1] == "--help" || words[1] == "-h");
      if (!help && words.size() >= 2)
        std::fprintf(stderr, "declouder %s: unknown subcommand '%s'\n", words[0].c_str(), words[1].c_str());
      print_group(words[0]);
      return help ? 0 : 2;
    }
    std::fprintf(stderr, "declouder: unknown command '%s'. Try 'declouder --help'.\n", words[0].c_str());
    return 2;
  }
  std::vector<std::string> rest(words.begin() + static_cast<long>(consumed), words.end());
  if (std::find(rest.begin(), rest.end(), "--help") != rest.end() ||
      std::find(rest.begin(), rest.end(), "-h") != rest.end()) {
    std::printf("%.*s\n", static_cast<int>(cmd->usage.size()), cmd->usage.data());
    if (cmd->usage_more) std::printf("%s", cmd->usage_more().c_str());
    return 0;
  }
  Args args(std::move(rest));
  std::string name(cmd->name);
  try {
    return cmd->run(args);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "declouder %s: %s\nTry 'declouder %s --help'.\n", name.c_str(), e.what(), name.c_str());
    return 2;
  } catch (const CommandError& e) {
    std::fprintf(stderr, "declouder %s: %s\n", name.c_str(), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "declouder %s: %s\n", name.c_str(), e.what());
    return 1;
  }
}

}  // namespace declouder
