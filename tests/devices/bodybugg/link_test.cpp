// The text command layer and the download order, against the simulated armband
// on a real pseudo-terminal, over both transport hypotheses; the GoWearFit memory
// download over the binary frames.
#include <gtest/gtest.h>

#include "shared_fixtures.hpp"

#include <filesystem>

#include "devices/bodybugg/armband_memory.hpp"
#include "devices/bodybugg/download.hpp"
#include "devices/bodybugg/gowearfit_flash.hpp"
#include "devices/bodybugg/simulator.hpp"
#include "link/serial_port.hpp"

using namespace declouder;
using namespace declouder::bodybugg;
using namespace declouder::test;

namespace {

// Where a download puts what it got: here, a list (the SQLite tables are the store's,
// tests/store/armband_store_test.cpp).
struct KeptSessions {
  std::vector<PdpSession> sessions;
  std::vector<std::string> sources;
  SessionStore store() {
    return [this](const PdpDump& dump, const std::string& source) {
      sources.push_back(source);
      StoreSummary summary;
      for (const PdpSession& session : dump.sessions) {
        sessions.push_back(session);
        ++summary.sessions_added;
        summary.samples_added += static_cast<std::int64_t>(session.entry_count());
      }
      return summary;
    };
  }
};

// The public sample dump when it is beside the checkout (the tests that check its numbers
// skip otherwise), else the simulator's built-in day.
std::string armband_dump() {
  return declouder::test::shared_exists("fixtures/bodybugg/sample.log") ? read_shared_text("fixtures/bodybugg/sample.log")
                                                                          : sim::synthetic_pdp_dump();
}

// The options with the rig's transport. (Setting it inside the simulator's first
// constructor argument relied on that argument being evaluated before the copy of the
// options: C++ leaves the order unspecified, and GCC copies first once the options
// are not trivially copyable.)
sim::BodyBuggSimOptions on_transport(sim::BodyBuggSimOptions o, sim::SimTransport t) {
  o.transport = t;
  return o;
}

struct Rig {
  explicit Rig(sim::SimTransport t, sim::BodyBuggSimOptions o = {})
      : simulator(sim::default_bodybugg_state(armband_dump()), on_transport(std::move(o), t)),
        port((simulator.start(), simulator.port_path())) {
    if (t == sim::SimTransport::line)
      transport = std::make_unique<LineTransport>(port, LineTransportOptions{.quiet_ms = 100, .stall_ms = 600});
    else
      transport = std::make_unique<FramedTextTransport>(port, 1000);
    commands = std::make_unique<ArmbandCommands>(*transport);
  }
  sim::BodyBuggSimulator simulator;
  SerialPort port;
  std::unique_ptr<CommandTransport> transport;
  std::unique_ptr<ArmbandCommands> commands;
};

std::string temp_dir(const char* name) {
  auto d = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d.string();
}

class BodyBuggLink : public ::testing::TestWithParam<sim::SimTransport> {};

}  // namespace

TEST_P(BodyBuggLink, GetSetAndTheKnownAnswers) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/sample.log");
  Rig rig(GetParam());
  auto& a = *rig.commands;
  EXPECT_EQ(a.last_data_update(), 1353335358);
  EXPECT_EQ(a.get_number("battery"), 3061);
  a.set("weight", {"80"});
  EXPECT_EQ(a.get("weight"), "weight: 80\r\n");
  a.set_epoch(1700000000);
  auto clock = a.get_number("epoch");
  ASSERT_TRUE(clock);
  EXPECT_NEAR(static_cast<double>(*clock), 1700000000.0, 2.0);
  EXPECT_EQ(a.file_size(), 42225);
  auto channels = a.channel_show();
  ASSERT_EQ(channels.size(), 42u);
  EXPECT_EQ(channels[40], (std::pair<int, std::string>{40, "COMPGSR"}));
  auto records = a.record_show();
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[3].name, "V6RES4");
  EXPECT_EQ(records[3].channels, (std::vector<int>{26, 18, 25, 10, 8}));
  // Names the device does not list never reach the wire.
  EXPECT_THROW(a.get("shoesize"), ArmbandCommandError);
  EXPECT_THROW(a.set("memory", {"1"}), ArmbandCommandError);  // get-only
  // The device's usage answer becomes an error.
  EXPECT_THROW(a.run("frobnicate"), ArmbandCommandError);
}

TEST_P(BodyBuggLink, RecordDefineIsCheckedThenCommitted) {
  Rig rig(GetParam());
  auto& a = *rig.commands;
  RecordSlot bad{4, 20, "SKIN30", 960, {9, 14}, 5};
  EXPECT_THROW(a.record_define(bad), ArmbandCommandError);
  RecordSlot good{4, 20, "SKIN30", 960, {9, 14}, 4};
  a.record_define(good);
  EXPECT_EQ(a.record_show()[4].name, "UNUSED");  // staged, not yet active
  a.record_commit();
  EXPECT_EQ(a.record_show()[4].name, "SKIN30");
  EXPECT_EQ(record_bytes_for(8), 13);
  EXPECT_EQ(record_bytes_for(5), 9);
}

TEST_P(BodyBuggLink, DownloadStoresThenClears) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/sample.log");
  Rig rig(GetParam());
  KeptSessions kept;
  DownloadOptions opt;
  opt.output_dir = temp_dir(GetParam() == sim::SimTransport::line ? "dl_line" : "dl_framed");
  opt.clear = true;
  opt.now_unix_s = [] { return std::int64_t{1800000000}; };
  std::size_t last_progress = 0;
  opt.progress = [&](std::size_t n, std::optional<std::size_t> total) {
    EXPECT_EQ(total, 42225u);
    last_progress = n;
  };
  auto r = download_armband(*rig.commands, kept.store(), opt);
  EXPECT_FALSE(r.problem) << *r.problem;
  EXPECT_EQ(last_progress, 42225u);
  EXPECT_EQ(read_shared_bytes("fixtures/bodybugg/sample.log"), [&] {
    std::ifstream in(r.log_path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
  }());
  EXPECT_EQ(r.log_path, opt.output_dir + "/1353335358.log");
  EXPECT_EQ(r.stored.sessions_added, 29);
  EXPECT_TRUE(r.cleared);
  // The device's side: data gone, clocks set, in the known order.
  const auto& log = rig.simulator.device().log;
  std::vector<std::string> tail(log.end() - 3, log.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"file init", "set lastdataupdate 1800000000", "set epoch 1800000000"}));
  EXPECT_EQ(rig.simulator.device().state().pdp_dump, "");
  EXPECT_EQ(rig.simulator.device().state().last_data_update, 1800000000);
}

TEST_P(BodyBuggLink, BrokenDownloadLeavesTheArmbandUntouched) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/sample.log");
  sim::BodyBuggSimOptions o;
  o.break_pdp_after = 10000;
  Rig rig(GetParam(), o);
  KeptSessions kept;
  DownloadOptions opt;
  opt.output_dir = temp_dir(GetParam() == sim::SimTransport::line ? "broken_line" : "broken_framed");
  opt.clear = true;
  auto r = download_armband(*rig.commands, kept.store(), opt);
  ASSERT_TRUE(r.problem);
  EXPECT_FALSE(r.cleared);
  EXPECT_EQ(r.bytes, 10000u);
  EXPECT_EQ(std::filesystem::file_size(r.log_path), 10000u);
  EXPECT_EQ(r.stored.sessions_added, 6);  // whole sessions only
  for (const auto& c : rig.simulator.device().log) {
    EXPECT_NE(c, "file init");
    EXPECT_FALSE(c.starts_with("set "));
  }
  EXPECT_EQ(rig.simulator.device().state().pdp_dump.size(), 42225u);
}

INSTANTIATE_TEST_SUITE_P(Transports, BodyBuggLink, ::testing::Values(sim::SimTransport::line, sim::SimTransport::framed),
                         [](const auto& info) { return info.param == sim::SimTransport::line ? "line" : "framed"; });

TEST(GoWearFitDownload, MemoryReadsOverAPtyRebuildTheCapturedImage) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/gowearfit_ftest.frames");
  // The simulator serves the image reassembled from the real capture; the
  // download must send the vendor's exact requests and rebuild the same bytes.
  armband::MemoryAssembler from_capture;
  auto frames = read_length_prefixed_frames("fixtures/bodybugg/gowearfit_ftest.frames");
  for (std::size_t i = 1; i < frames.size(); i += 2) {
    armband::FrameDecoder d;
    d.feed(frames[i]);
    while (auto f = d.next()) ASSERT_FALSE(from_capture.add(*f));
  }
  auto state = sim::default_bodybugg_state("");
  state.flash_image = from_capture.image();
  sim::BodyBuggSimulator simulator(state, {.transport = sim::SimTransport::framed});
  simulator.start();
  SerialPort port(simulator.port_path());
  std::size_t calls = 0;
  auto got = armband::download_memory(port, {.total = 2 * 1024 * 1024, .stop_at_end_marker = true, .response_timeout_ms = 500},
                                      [&](std::size_t, std::size_t) { ++calls; });
  const Bytes& img = got.image;
  EXPECT_EQ(img, from_capture.image());  // five reads of 8800, like the vendor's
  EXPECT_EQ(got.device_address, 0x0E00802Au);
  EXPECT_EQ(calls, 1000u);  // one per 44-byte chunk
  auto parsed = parse_flash_image(img);
  EXPECT_FALSE(parsed.error);
  EXPECT_EQ(parsed.samples.size(), 856u * 27u);
}



TEST(BodyBuggWarmup, ASleepyArmbandIsWokenByRetries) {
  sim::BodyBuggSimOptions o;
  o.warmup_commands = 2;
  sim::BodyBuggSimulator simulator(sim::default_bodybugg_state(""), o);
  simulator.start();
  SerialPort port(simulator.port_path());
  LineTransport t(port, LineTransportOptions{.response_timeout_ms = 150, .quiet_ms = 50});
  ArmbandCommands a(t);
  EXPECT_EQ(a.last_data_update_after_warmup(3), 1353335358);
  EXPECT_EQ(simulator.device().log.size(), 3u);  // two ignored, one answered
}

TEST(BodyBuggWarmup, GivesUpWithAClearError) {
  sim::BodyBuggSimOptions o;
  o.warmup_commands = 5;
  sim::BodyBuggSimulator simulator(sim::default_bodybugg_state(""), o);
  simulator.start();
  SerialPort port(simulator.port_path());
  LineTransport t(port, LineTransportOptions{.response_timeout_ms = 100, .quiet_ms = 50});
  ArmbandCommands a(t);
  try {
    a.last_data_update_after_warmup(2);
    FAIL() << "no error";
  } catch (const SerialError& e) {
    EXPECT_NE(std::string(e.what()).find("no answer to 'get lastdataupdate'"), std::string::npos) << e.what();
  }
}

TEST(BodyBuggLineTransport, APauseInsideTheDumpIsWaitedOutNotMistakenForItsEnd) {
  SKIP_WITHOUT_SHARED("fixtures/bodybugg/sample.log");
  // The dump pauses 400 ms at a session boundary's middle (byte 20000), longer than
  // the 100 ms quiet period that ends short answers: the parser sees a short
  // session and the transport keeps listening.
  sim::BodyBuggSimOptions o;
  o.pause_pdp_at = 20000;
  o.pause_ms = 400;
  Rig rig(sim::SimTransport::line, o);
  KeptSessions kept;
  DownloadOptions opt;
  opt.output_dir = temp_dir("paused");
  auto r = download_armband(*rig.commands, kept.store(), opt);
  EXPECT_FALSE(r.problem) << *r.problem;
  EXPECT_EQ(r.bytes, 42225u);
  EXPECT_EQ(r.stored.sessions_added, 29);
}
