// declouder capture adverts: every advertisement of a capture.
#include "app/cmd_capture.hpp"
#include "capture/text_out.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder capture adverts FILE [--device MAC] [--json]

Prints every LE advertising report (legacy and extended) of the capture, one
line (or JSON object) per advertisement, in file order.

  --device MAC   only this device's advertisements
  --json         one object per advertisement with the keys time (ISO 8601 UTC
                 with microseconds), address, name (when advertised), rssi
                 (when the controller reported it), service_data (object:
                 UUID to lowercase hex) and manufacturer_data (object: company
                 id in decimal to lowercase hex)

Exit status: 0 when records were read, 1 when none could be, 2 for a mistake
on the command line.

Example:
  declouder capture adverts scan.pklg --device D0:49:00:3F:A1:5C --json)";

int run(Args& args) {
  const bool json = args.flag("--json");
  const auto device = capture_device_option(args);
  const std::string path = capture_single_file(args);

  capture::TextOut out;
  capture::TraceHandlers h;
  h.on_advert = [&](const capture::AdvertEvent& e) {
    const Advertisement& a = e.advert;
    if (device && a.address != device) return;
    if (json) {
      out.raw("{\"time\":\"").iso_time_us(a.time_us).raw("\",\"address\":\"").raw(a.address->str()).ch('"');
      if (!a.name.empty()) out.raw(",\"name\":").json_string(a.name);
      if (a.rssi) out.raw(",\"rssi\":").num(*a.rssi);
      out.raw(",\"service_data\":{");
      for (std::size_t i = 0; i < a.service_data.size(); ++i) {
        if (i) out.ch(',');
        out.ch('"').raw(a.service_data[i].first.short_str()).raw("\":\"").hex(a.service_data[i].second).ch('"');
      }
      out.raw("},\"manufacturer_data\":{");
      for (std::size_t i = 0; i < a.manufacturer_data.size(); ++i) {
        if (i) out.ch(',');
        out.ch('"').num(a.manufacturer_data[i].first).raw("\":\"").hex(a.manufacturer_data[i].second).ch('"');
      }
      out.raw("}}\n");
    } else {
      out.iso_time_us(a.time_us).ch(' ').raw(a.address->str()).ch(' ').raw(capture::advert_event_type_name(e.report));
      if (!a.name.empty()) out.raw(" name=").json_string(a.name);
      if (a.rssi) out.raw(" rssi=").num(*a.rssi);
      for (const auto& [u, d] : a.service_data) out.raw(" service_data[").raw(u.short_str()).raw("]=").hex(d);
      for (const auto& [c, d] : a.manufacturer_data) out.raw(" manufacturer_data[").num(c).raw("]=").hex(d);
      if (e.malformed) out.raw(" (malformed: ").raw(e.malformed).ch(')');
      out.ch('\n');
    }
  };
  auto summary = capture_trace_or_fail(path, std::move(h));
  out.flush();
  return capture_exit_status("capture adverts", path, summary);
}

}  // namespace

extern const Command kCaptureAdvertsCommand = {
    .name = "capture adverts",
    .summary = "list the advertisements in a capture",
    .usage = kUsage,
    .run = run,
};

}  // namespace declouder
