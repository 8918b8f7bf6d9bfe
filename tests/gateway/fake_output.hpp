// An output for tests: records what it is handed, and says "safely out" at once,
// later (done_all), or never (a crash before it could).
#pragma once

#include <string>
#include <vector>

#include "outputs/output.hpp"

namespace declouder {

class FakeOutput : public Output {
 public:
  explicit FakeOutput(std::string name, Audience audience = Audience::this_gateway)
      : name_(std::move(name)), audience_(audience) {}

  bool is_ready = true;
  bool confirm_at_once = true;
  std::vector<OutgoingMeasurement> got;
  std::vector<Done> unconfirmed;
  OutputHistory history;
  std::function<void()> wake;

  std::string name() const override { return name_; }
  Audience audience() const override { return audience_; }
  void start(const OutputHistory& h, std::function<void()> w) override {
    history = h;
    wake = std::move(w);
  }
  bool ready() const override { return is_ready; }
  void deliver(const OutgoingMeasurement& m, Done done) override {
    got.push_back(m);
    if (confirm_at_once) done();
    else unconfirmed.push_back(std::move(done));
  }
  void done_all() {
    auto all = std::move(unconfirmed);
    unconfirmed.clear();
    for (auto& d : all) d();
  }
  std::vector<std::string> uids() const {
    std::vector<std::string> out;
    for (const auto& m : got) out.push_back(m.measurement.uid);
    return out;
  }

 private:
  std::string name_;
  Audience audience_;
};

}  // namespace declouder
