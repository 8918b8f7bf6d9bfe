#include "app/device_lists.hpp"

#include <algorithm>

#include "devices/registry.hpp"

namespace declouder {

std::string conversations_help() {
  std::string out = "\nDevices with a conversation (`declouder devices` lists every device):\n";
  for (const DeviceDescriptor* d : builtin_registry().devices()) {
    if (!d->conversation) continue;
    out += "  " + d->id + (d->conversation->unattended ? "" : " (only `read`: run hears it in its adverts)") + "\n";
    out += "      " + d->name + "\n      " + d->conversation->summary + "\n";
  }
  return out;
}

std::string simulators_help() {
  std::string out = "\nSimulated devices (the DEVICE names; `declouder devices` says which device each plays):\n";
  for (const DeviceDescriptor* d : builtin_registry().devices())
    if (d->simulator) {
      std::string name = d->simulator->name;
      name.resize(std::max<std::size_t>(name.size() + 2, 18), ' ');
      out += "  " + name + d->simulator->summary + "\n";
    }
  return out;
}

}  // namespace declouder
