// The command-line framework: arguments are consumed by name, and anything left
// over is an error that names the argument.
//
// A command lives in its own file, src/app/cmd_<name>.cpp, defines
//
//   extern const Command kDecodeCommand = {
//       .name = "decode",                 // may be two words: "capture info"
//       .summary = "decode one advertisement or characteristic value",
//       .usage = "declouder decode [--name NAME] ...\n\n<what every option does>",
//       .run = run_decode,
//   };
//
// and is listed once in src/app/commands.cpp.
//
// `run` gets an Args; it reads options with flag()/value()/values(), then calls
// args.positionals() (or args.finish() when it takes none), which throws a
// UsageError naming the first unknown option.
#pragma once

#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace declouder {

// A mistake on the command line: printed as one line, exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A failure the person can act on (no adapter, file not found, ...): one line, exit status 1.
struct CommandError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  explicit Args(std::vector<std::string> tokens);

  // A value as an error message quotes it: at most 40 characters (a pasted file
  // must not become a 131 KB error line).
  static std::string quote(std::string_view value);

  // "--json": true if present (consumed).
  bool flag(std::string_view name);
  // "--name VALUE" or "--name=VALUE"; the last one wins. Throws if the value is
  // missing, also when the next word is an option ("--name --json": give
  // "--name=--json" for a value that starts with "--").
  std::optional<std::string> value(std::string_view name);
  // Every occurrence of a repeatable option, in order.
  std::vector<std::string> values(std::string_view name);
  // Typed helpers: throw UsageError naming the option when the text is not a
  // number, is not finite (nan, inf), or lies outside lo..hi.
  std::optional<double> number(std::string_view name, double lo = -std::numeric_limits<double>::max(),
                               double hi = std::numeric_limits<double>::max());
  std::optional<long long> integer(std::string_view name, long long lo = -(1LL << 53), long long hi = 1LL << 53);

  // What is left, once options are consumed. Throws UsageError on a leftover "--option".
  std::vector<std::string> positionals();
  // For commands without positionals: throws on anything left over.
  void finish();

 private:
  std::vector<std::string> tokens_;
  std::vector<bool> used_;
};

struct Command {
  std::string_view name;     // "decode", "capture info"
  std::string_view summary;  // one line for `declouder --help`
  std::string_view usage;    // the whole text for `declouder NAME --help`
  int (*run)(Args& args) = nullptr;
  // Appended to `usage`: what is listed from the device registry (so it cannot go stale).
  std::string (*usage_more)() = nullptr;
};

// Every command, sorted by name (src/app/commands.cpp lists them).
std::span<const Command* const> all_commands();

// Entry point used by main(); separated so tests can run commands in-process.
int run_cli(int argc, char** argv);

}  // namespace declouder
