// JSON lines: one measurement per line, in the one measurement shape
// (outputs/measurement_json.hpp) plus "source", to stdout or appended to a
// file, flushed after each line so `tail -f` and pipes see it at once. A line
// counts as delivered once it is written and flushed.
//
// Its delivery record (outputs/output.hpp) is named after where it writes,
// "jsonl:-" for stdout or "jsonl:" and the absolute path: a file that was
// written before gets what it missed while declouder was down; another file
// starts from now.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

#include "outputs/output.hpp"

namespace declouder {

class JsonLinesOutput : public Output {
 public:
  using Log = std::function<void(const std::string&)>;
  // "-" = stdout. Throws std::runtime_error when the file cannot be opened.
  explicit JsonLinesOutput(const std::string& path, Log log = {});
  ~JsonLinesOutput() override;
  JsonLinesOutput(const JsonLinesOutput&) = delete;
  JsonLinesOutput& operator=(const JsonLinesOutput&) = delete;

  std::string name() const override { return name_; }
  Audience audience() const override { return Audience::this_gateway; }
  void deliver(const OutgoingMeasurement& m, Done done) override;

  // The line deliver() writes (without the newline).
  static std::string line(const OutgoingMeasurement& m);

 private:
  std::string name_;
  Log log_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
};

}  // namespace declouder
