// Helpers shared by the `capture ...` commands (cmd_capture_*.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/cli.hpp"
#include "capture/session.hpp"
#include "core/address.hpp"

namespace declouder {

// "--device MAC", checked.
std::optional<MacAddress> capture_device_option(Args& args);
// "--map HANDLE=UUID" (repeatable): handles the capture's discovery does not name.
capture::HandleMap capture_map_option(Args& args);
// Exactly one FILE positional.
std::string capture_single_file(Args& args);
// Runs trace_capture, turning CaptureError into CommandError.
capture::CaptureSummary capture_trace_or_fail(const std::string& path, capture::TraceHandlers handlers,
                                              const std::function<void(const capture::HciRecord&)>& on_record = {},
                                              const capture::HandleMap& assumed_uuids = {});
// Says on stderr where a truncated/corrupt file stopped. Returns the exit
// status: 1 when not a single record was read (a fault before the first, or
// a file with no packet in it: a btsnoop header alone, text with no packet).
int capture_exit_status(std::string_view command, const std::string& path, const capture::CaptureSummary& s);

}  // namespace declouder
