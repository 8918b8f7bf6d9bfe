// Tells systemd (Type=notify units) that the service is ready or stopping, by
// sending one datagram to $NOTIFY_SOCKET as sd_notify(3) does. Does nothing
// when not started by systemd. Re-implemented from the documented protocol so
// the program needs no libsystemd call of its own.
#pragma once

#include <string_view>

namespace declouder {

void systemd_notify(std::string_view state);  // "READY=1", "STOPPING=1", "STATUS=..."

}  // namespace declouder
