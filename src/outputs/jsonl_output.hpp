// JSON lines: one measurement per line (outputs/measurement_json.hpp), to
// stdout or appended to a file, flushed after each line so `tail -f` and pipes
// see it at once. Also the human log line for each measurement.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

#include "gateway/output.hpp"

namespace declouder {

class JsonLinesOutput : public GatewayOutput {
 public:
  // "-" = stdout. Throws std::runtime_error when the file cannot be opened.
  explicit JsonLinesOutput(const std::string& path);
  ~JsonLinesOutput() override;
  void measurement(const Measurement& m, std::string_view source) override;

 private:
  std::FILE* file_ = nullptr;
  bool owned_ = false;
};

// Logs each measurement in one line for people: "measurement 72.45 kg ... (stored as #3)".
class LogOutput : public GatewayOutput {
 public:
  explicit LogOutput(std::function<void(const std::string&)> log) : log_(std::move(log)) {}
  void measurement(const Measurement& m, std::string_view source) override;

 private:
  std::function<void(const std::string&)> log_;
};

}  // namespace declouder
