// Every command of the declouder program, one line each. A command's code is in
// src/app/cmd_<name>.cpp; `declouder --help` lists them in name order.
#include <algorithm>
#include <array>

#include "app/cli.hpp"

namespace declouder {

extern const Command kAssignCommand;
extern const Command kBodyCommand;
extern const Command kBodybuggInfoCommand;
extern const Command kBodybuggDownloadCommand;
extern const Command kBodybuggClearCommand;
extern const Command kBodybuggSetClockCommand;
extern const Command kBodybuggRecordsCommand;
extern const Command kBodybuggParseCommand;
extern const Command kBodybuggSimulateCommand;
extern const Command kCaptureAdvertsCommand;
extern const Command kCaptureAttCommand;
extern const Command kCaptureConvertCommand;
extern const Command kCaptureDecodeCommand;
extern const Command kCaptureFindCommand;
extern const Command kCaptureInfoCommand;
extern const Command kCaptureLearnCommand;
extern const Command kDecodeCommand;
extern const Command kDevicesCommand;
extern const Command kExportCommand;
extern const Command kHistoryCommand;
extern const Command kMibandHeartRateCommand;
extern const Command kMibandActivityCommand;
extern const Command kMibandInfoCommand;
extern const Command kMibandUserInfoCommand;
extern const Command kReadCommand;
extern const Command kRecordCommand;
extern const Command kRunCommand;
extern const Command kScanCommand;
extern const Command kSimulateCommand;
extern const Command kWebCommand;
extern const Command kImportCommand;

std::span<const Command* const> all_commands() {
  static const auto sorted = [] {
    auto list = std::to_array<const Command*>({
        &kAssignCommand,
        &kBodyCommand,
        &kBodybuggInfoCommand,
        &kBodybuggDownloadCommand,
        &kBodybuggClearCommand,
        &kBodybuggSetClockCommand,
        &kBodybuggRecordsCommand,
        &kBodybuggParseCommand,
        &kBodybuggSimulateCommand,
        &kCaptureAdvertsCommand,
        &kCaptureAttCommand,
        &kCaptureConvertCommand,
        &kCaptureDecodeCommand,
        &kCaptureFindCommand,
        &kCaptureInfoCommand,
        &kCaptureLearnCommand,
        &kDecodeCommand,
        &kDevicesCommand,
        &kExportCommand,
        &kHistoryCommand,
        &kMibandHeartRateCommand,
        &kMibandActivityCommand,
        &kMibandInfoCommand,
        &kMibandUserInfoCommand,
        &kReadCommand,
        &kRecordCommand,
        &kRunCommand,
        &kScanCommand,
        &kSimulateCommand,
        &kWebCommand,
        &kImportCommand,
    });
    std::sort(list.begin(), list.end(), [](const Command* a, const Command* b) { return a->name < b->name; });
    return list;
  }();
  return sorted;
}

}  // namespace declouder
