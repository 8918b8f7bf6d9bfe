// Shared plumbing of the `capture` commands.
#include "app/cmd_capture.hpp"

#include <cstdio>

namespace declouder {

std::optional<MacAddress> capture_device_option(Args& args) {
  auto text = args.value("--device");
  if (!text) return std::nullopt;
  auto mac = MacAddress::parse(*text);
  if (!mac) throw UsageError("--device: '" + *text + "' is not a Bluetooth address (AA:BB:CC:DD:EE:FF)");
  return mac;
}

capture::HandleMap capture_map_option(Args& args) {
  capture::HandleMap map;
  for (const auto& m : args.values("--map")) {
    auto eq = m.find('=');
    std::optional<Uuid> uuid = eq == std::string::npos ? std::nullopt : Uuid::parse(m.substr(eq + 1));
    unsigned long handle = 0;
    bool ok = eq != std::string::npos && uuid;
    if (ok) {
      try {
        std::size_t used = 0;
        handle = std::stoul(m.substr(0, eq), &used, 0);
        ok = used == eq && handle <= 0xFFFF;
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (!ok) throw UsageError("--map: '" + m + "' is not HANDLE=UUID (0x004b=2a37)");
    map[static_cast<std::uint16_t>(handle)] = *uuid;
  }
  return map;
}

std::string capture_single_file(Args& args) {
  auto pos = args.positionals();
  if (pos.empty()) throw UsageError("missing FILE (a btsnoop, PacketLogger, hcidump or btmon capture)");
  if (pos.size() > 1) throw UsageError("unexpected argument '" + pos[1] + "' (one FILE only)");
  return pos[0];
}

capture::CaptureSummary capture_trace_or_fail(const std::string& path, capture::TraceHandlers handlers,
                                              const std::function<void(const capture::HciRecord&)>& on_record,
                                              const capture::HandleMap& assumed_uuids) {
  try {
    return capture::trace_capture(path, std::move(handlers), on_record, assumed_uuids);
  } catch (const capture::CaptureError& e) {
    throw CommandError(e.what());
  }
}

int capture_exit_status(std::string_view command, const std::string& path, const capture::CaptureSummary& s) {
  if (s.stop) {
    std::fflush(stdout);
    std::fprintf(stderr, "declouder %.*s: %s: %s (%llu records read before)\n", static_cast<int>(command.size()),
                 command.data(), path.c_str(), s.stop->describe().c_str(),
                 static_cast<unsigned long long>(s.records));
  }
  if (s.records == 0 && !s.stop) {
    // A btsnoop header alone, a text file with no packet in it: nothing was read, which is a failure.
    std::fflush(stdout);
    std::fprintf(stderr, "declouder %.*s: %s: no packet in it: nothing was read\n", static_cast<int>(command.size()),
                 command.data(), path.c_str());
  }
  return s.records == 0 ? 1 : 0;
}

}  // namespace declouder
