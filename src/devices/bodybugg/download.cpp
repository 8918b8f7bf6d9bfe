#include "devices/bodybugg/download.hpp"

#include <filesystem>
#include <fstream>

#include "core/private_files.hpp"
#include "core/time.hpp"
#include "devices/bodybugg/armband_memory.hpp"
#include "devices/bodybugg/gowearfit_flash.hpp"

namespace declouder::bodybugg {
namespace {

// `<ldu>.log`, or `<ldu>-2.log`... when an earlier dump already has the name:
// an earlier file is evidence, never overwritten.
std::string free_log_path(const std::string& dir, std::int64_t ldu) {
  namespace fs = std::filesystem;
  fs::path base = fs::path(dir) / (std::to_string(ldu) + ".log");
  for (int n = 2; fs::exists(base); ++n) base = fs::path(dir) / (std::to_string(ldu) + "-" + std::to_string(n) + ".log");
  return base.string();
}

}  // namespace

void clear_armband(ArmbandCommands& armband, std::int64_t now) {
  armband.file_init();
  armband.set_last_data_update(now);
  armband.set_epoch(now);
}

DownloadResult download_armband(ArmbandCommands& armband, const SessionStore& store, const DownloadOptions& opt) {
  DownloadResult r;
  auto now = opt.now_unix_s ? opt.now_unix_s : [] { return now_unix_us() / 1000000; };
  r.last_data_update = armband.last_data_update_after_warmup();

  std::optional<std::size_t> expected;
  try {
    if (auto n = armband.file_size(); n && *n > 0) expected = static_cast<std::size_t>(*n);
  } catch (const ArmbandCommandError&) {
    // Older firmware may not know `file size`: the bar then shows bytes only.
  }

  std::string text;
  try {
    text = armband.retrieve_pdp(
        [&](std::size_t n) {
          if (opt.progress) opt.progress(n, expected);
        },
        expected);
  } catch (const PartialAnswerError& e) {
    text = e.partial_answer;
    r.problem = std::string("the link failed during 'retrieve PDP': ") + e.what();
  }
  r.bytes = text.size();

  if (!text.empty()) {
    create_private_directories(opt.output_dir);
    r.log_path = free_log_path(opt.output_dir, r.last_data_update);
    // On disk (fsync) before the armband may be cleared below: the raw log is the copy that survives.
    write_private_file_durably(r.log_path, text);
  }

  r.dump = parse_pdp(text);
  if (r.dump.error && !r.problem)
    r.problem = "the dump is incomplete: " + r.dump.error->reason + " (line " + std::to_string(r.dump.error->line) +
                ", byte " + std::to_string(r.dump.error->byte_offset) + ")";

  PdpDump complete;
  for (const auto& s : r.dump.sessions)
    if (s.complete) complete.sessions.push_back(s);
  r.stored = store(complete, r.log_path);

  if (!r.problem && opt.clear) {
    // Everything is on disk by now: a link that fails here cannot lose data, but the
    // armband may have been cleared already, and the command must not say otherwise.
    try {
      clear_armband(armband, now());
      r.cleared = true;
    } catch (const std::exception& e) {
      r.clear_problem = e.what();
    }
  }
  return r;
}

MemoryDownloadResult download_gowearfit(ByteStream& port, const SessionStore& store, const DownloadOptions& opt) {
  namespace fs = std::filesystem;
  MemoryDownloadResult r;
  armband::MemoryDownloadOptions mo;
  mo.total = 2 * 1024 * 1024;  // the device's address space
  mo.stop_at_end_marker = true;
  armband::MemoryImage img;
  try {
    img = armband::download_memory(port, mo, [&](std::size_t n, std::size_t) {
      if (opt.progress) opt.progress(n, std::nullopt);
    });
  } catch (const SerialError& e) {
    r.problem = std::string("the memory download failed: ") + e.what();
    return r;  // nothing complete arrived: nothing to keep
  }
  r.bytes = img.image.size();
  const FlashImage fi = parse_flash_image(img.image);
  std::int64_t first = 0;
  for (const auto& e : fi.events)
    if (e.type == 0x02) {
      first = e.unix_seconds;
      break;
    }
  if (fi.ended && fi.samples.empty()) return r;  // an empty armband: nothing to keep
  create_private_directories(opt.output_dir);
  fs::path path = fs::path(opt.output_dir) / ("gowearfit-" + std::to_string(first) + ".bin");
  for (int n = 2; fs::exists(path); ++n)
    path = fs::path(opt.output_dir) / ("gowearfit-" + std::to_string(first) + "-" + std::to_string(n) + ".bin");
  r.image_path = path.string();
  write_private_file_durably(r.image_path, std::string_view(reinterpret_cast<const char*>(img.image.data()), img.image.size()));
  if (fi.error) r.problem = "the memory image is damaged: " + *fi.error;
  if (!fi.definitions.empty()) {
    const auto first_type = fi.definitions.front().channels.front();
    for (const auto& s : fi.samples) r.minutes += s.channel_id == first_type ? 1 : 0;
  }
  // A damaged image still yields its earlier sessions, but the last one may be cut:
  // keep only the sessions that a later session start (or the end marker) closed.
  PdpDump sessions = flash_sessions(fi, img.device_address);
  if (fi.error && !sessions.sessions.empty()) {
    const std::int64_t last = sessions.sessions.back().epoch;
    std::erase_if(sessions.sessions, [&](const PdpSession& s) { return s.epoch == last; });
  }
  r.stored = store(sessions, r.image_path);
  if (!r.problem && opt.clear) {
    try {
      armband::clear_memory(port);
      r.cleared = true;
    } catch (const std::exception& e) {
      r.clear_problem = e.what();
    }
  }
  return r;
}

}  // namespace declouder::bodybugg
