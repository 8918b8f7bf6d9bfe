// declouder capture att: the ATT conversation of a capture, in order.
#include <cstdio>

#include "app/cmd_capture.hpp"
#include "capture/text_out.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder capture att FILE [--device MAC] [--map HANDLE=UUID]... [--json]

Prints every ATT PDU of the capture (btsnoop, PacketLogger, hcidump or btmon
text; the format is recognised from the content), after ACL reassembly, in
file order. Responses carry the handle of the request they answer; handles are
shown with the characteristic UUID the capture's GATT discovery revealed.

  --device MAC   only the connection(s) to this device
  --map H=UUID   name a handle the capture's discovery does not (a capture
                 started after discovery): --map 0x004b=2a37. Repeatable.
  --json         one JSON object per PDU with the keys time (ISO 8601 UTC with
                 microseconds), address (when the connection is known),
                 direction (host->device or device->host), opcode (number),
                 op (its name), handle (number, when the PDU has one), uuid
                 (when known), value (lowercase hex, "" when none), and error
                 (the ATT error code) for Error Responses

A truncated or corrupt file prints everything before the fault and says on
stderr where it stopped. Exit status: 0 when records were read, 1 when none
could be, 2 for a mistake on the command line.

Example:
  declouder capture att btsnoop_hci.log --json)";

int run(Args& args) {
  const bool json = args.flag("--json");
  const auto device = capture_device_option(args);
  const auto map = capture_map_option(args);
  const std::string path = capture_single_file(args);

  capture::TextOut out;
  // Everything of a JSON line between the time and the value depends only on
  // (address, direction, opcode, handle, uuid): runs of PDUs share it, so it is
  // formatted once per run.
  struct LineKey {
    std::optional<MacAddress> address;
    bool from_host;
    std::uint8_t opcode;
    std::optional<std::uint16_t> handle;
    std::optional<Uuid> uuid;
    bool operator==(const LineKey&) const = default;
  };
  std::optional<LineKey> last_key;
  std::string middle;
  capture::TraceHandlers h;
  h.on_att = [&](const capture::AttEvent& e) {
    if (device && e.address != device) return;
    const auto& pdu = e.pdu;
    const std::string_view dir = e.from_host ? "host->device" : "device->host";
    if (json) {
      LineKey key{e.address, e.from_host, pdu.opcode, e.handle, e.uuid};
      if (!last_key || !(*last_key == key)) {
        last_key = key;
        middle = "\"";
        if (e.address) middle += ",\"address\":\"" + e.address->str() + "\"";
        middle += ",\"direction\":\"" + std::string(dir) + "\",\"opcode\":" + std::to_string(pdu.opcode);
        middle += ",\"op\":\"" + std::string(capture::att_opcode_name(pdu.opcode)) + "\"";
        if (e.handle) middle += ",\"handle\":" + std::to_string(*e.handle);
        if (e.uuid) middle += ",\"uuid\":\"" + e.uuid->short_str() + "\"";
        middle += ",\"value\":\"";
      }
      out.raw("{\"time\":\"").iso_time_us(e.record.time_us).raw(middle).hex(e.value).ch('"');
      if (pdu.error_code) out.raw(",\"error\":").num(*pdu.error_code);
      out.raw("}\n");
    } else {
      out.iso_time_us(e.record.time_us).ch(' ');
      out.raw(e.address ? e.address->str() : std::string("handle ") + std::to_string(e.connection)).ch(' ');
      out.raw(dir).ch(' ').raw(capture::att_opcode_name(pdu.opcode));
      char op[8];
      std::snprintf(op, sizeof op, " (0x%02x)", pdu.opcode);
      out.raw(op);
      if (e.handle) {
        char hb[16];
        std::snprintf(hb, sizeof hb, " 0x%04x", *e.handle);
        out.raw(hb);
      }
      if (e.uuid) out.ch(' ').raw(e.uuid->short_str());
      if (!e.value.empty()) out.raw(" = ").raw(to_hex_spaced(e.value));
      if (pdu.error_code)
        out.raw(" error ").num(*pdu.error_code).raw(" (").raw(capture::att_error_name(*pdu.error_code)).ch(')');
      out.ch('\n');
    }
  };
  auto summary = capture_trace_or_fail(path, std::move(h), {}, map);
  out.flush();
  return capture_exit_status("capture att", path, summary);
}

}  // namespace

extern const Command kCaptureAttCommand = {
    .name = "capture att",
    .summary = "show the ATT conversation (reads, writes, notifications) of a capture",
    .usage = kUsage,
    .run = run,
};

}  // namespace declouder
