// declouder capture convert: rewrite a capture in another container.
#include <cstdio>

#include "app/cmd_capture.hpp"
#include "capture/writer.hpp"

namespace declouder {
namespace {

constexpr std::string_view kUsage = R"(Usage: declouder capture convert FILE --to FORMAT --output OUT

Reads any capture declouder understands and writes its records to OUT in
FORMAT, one of: btsnoop-h4 (Android), btsnoop-hci (datalink 1001),
btsnoop-monitor (btmon -w), pklg-be, pklg-le (PacketLogger), hcidump-text
(hcidump -R -t raw hex). Text logs in decoded form become binary packets that
Wireshark can open. Records the target cannot carry (notes in btsnoop-h4, for
example) are skipped and counted on stderr.

Exit status: 0 when records were written, 1 when none could be read, 2 for a
mistake on the command line.)";

int run(Args& args) {
  auto to = args.value("--to");
  auto output = args.value("--output");
  const std::string path = capture_single_file(args);
  if (!to) throw UsageError("--to FORMAT is required (btsnoop-h4, btsnoop-hci, btsnoop-monitor, pklg-be, pklg-le, hcidump-text)");
  if (!output) throw UsageError("--output OUT is required");
  auto format = capture::parse_format_name(*to);
  if (!format || *format == capture::CaptureFormat::btmon_text)
    throw UsageError("--to: '" + *to + "' is not a format declouder writes");
  try {
    capture::CaptureReader reader = capture::CaptureReader::open(path);
    capture::CaptureWriter writer = capture::CaptureWriter::to_file(*output, *format);
    capture::HciRecord rec;
    std::uint64_t skipped = 0;
    while (reader.next(rec))
      if (!writer.write(rec)) ++skipped;
    writer.close();
    if (skipped)
      std::fprintf(stderr, "declouder capture convert: %llu records cannot be carried by %s and were skipped\n",
                   static_cast<unsigned long long>(skipped), to->c_str());
    return capture_exit_status("capture convert", path,
                               capture::CaptureSummary{reader.format(), reader.records_read(), reader.stop()});
  } catch (const capture::CaptureError& e) {
    throw CommandError(e.what());
  }
}

}  // namespace

extern const Command kCaptureConvertCommand = {
    .name = "capture convert",
    .summary = "rewrite a capture as btsnoop, PacketLogger or hcidump text",
    .usage = kUsage,
    .run = run,
};

}  // namespace declouder
