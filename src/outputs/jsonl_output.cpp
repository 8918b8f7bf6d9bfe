#include "outputs/jsonl_output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/private_files.hpp"
#include "outputs/measurement_json.hpp"

namespace declouder {

JsonLinesOutput::JsonLinesOutput(const std::string& path, Log log) : log_(std::move(log)) {
  if (path == "-") {
    name_ = "jsonl:-";
    file_ = stdout;
    return;
  }
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  name_ = "jsonl:" + (ec ? path : absolute.lexically_normal().string());
  try {
    file_ = ::fdopen(open_private_for_writing(path, /*append=*/true), "a");  // 0600: health data
  } catch (const std::system_error& e) {
    throw std::runtime_error("cannot open " + path + " for JSON lines: " + std::strerror(e.code().value()));
  }
  if (!file_) throw std::runtime_error("cannot open " + path + " for JSON lines: " + std::strerror(errno));
  owned_ = true;
}

JsonLinesOutput::~JsonLinesOutput() {
  if (owned_) std::fclose(file_);
}

std::string JsonLinesOutput::line(const OutgoingMeasurement& m) {
  Json j = measurement_to_json(m.measurement, m.unit);
  j["source"] = m.source;
  return j.dump();
}

void JsonLinesOutput::deliver(const OutgoingMeasurement& m, Done done) {
  const std::string text = line(m) + "\n";
  const bool written = std::fwrite(text.data(), 1, text.size(), file_) == text.size();
  if (std::fflush(file_) != 0 || !written) {
    // Not delivered: it stays queued for this output and is written again at the next start.
    if (log_) log_(name_ + ": cannot write measurement " + m.measurement.uid + ": " + std::strerror(errno));
    std::clearerr(file_);
    return;
  }
  done();
}

}  // namespace declouder
