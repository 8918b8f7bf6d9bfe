#include "outputs/jsonl_output.hpp"

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "outputs/measurement_json.hpp"

namespace declouder {

JsonLinesOutput::JsonLinesOutput(const std::string& path) {
  if (path == "-") {
    file_ = stdout;
    return;
  }
  file_ = std::fopen(path.c_str(), "a");
  if (!file_) throw std::runtime_error("cannot open " + path + " for JSON lines: " + std::strerror(errno));
  owned_ = true;
}

JsonLinesOutput::~JsonLinesOutput() {
  if (owned_) std::fclose(file_);
}

void JsonLinesOutput::measurement(const Measurement& m, std::string_view source) {
  Json j = measurement_to_json(m);
  j["source"] = source;
  const std::string line = j.dump() + "\n";
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

void LogOutput::measurement(const Measurement& m, std::string_view source) {
  std::ostringstream s;
  s.precision(5);
  if (source.rfind("simulated", 0) == 0) s << "[SIMULATED] ";
  s << "measurement " << round_to(m.weight_kg, 2) << " kg";
  if (m.impedance_ohm) s << ", impedance " << *m.impedance_ohm << " ohm";
  s << " from " << m.model;
  if (m.address) s << " " << m.address->str();
  s << (m.person.empty() ? std::string(", unassigned") : ", " + m.person);
  if (m.metrics.fat_percent) s << ", fat " << round_to(*m.metrics.fat_percent, 1) << " %";
  s << " (stored";
  if (m.id) s << " as #" << m.id;
  s << ", uid " << m.uid << ")";
  log_(s.str());
}

}  // namespace declouder
