#include <algorithm>
#include <vector>

#include "sim/simulated_device.hpp"

namespace declouder {

namespace {
std::vector<SimulatorInfo>& simulators() {
  static std::vector<SimulatorInfo> list;
  return list;
}
}  // namespace

SimulatorRegistration::SimulatorRegistration(SimulatorInfo info) {
  auto& list = simulators();
  list.push_back(info);
  std::sort(list.begin(), list.end(), [](const SimulatorInfo& a, const SimulatorInfo& b) { return a.name < b.name; });
}

std::span<const SimulatorInfo> all_simulators() { return simulators(); }

const SimulatorInfo* find_simulator(std::string_view name) {
  for (const auto& s : simulators())
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace declouder
