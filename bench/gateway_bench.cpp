// Gateway latency: from the advertisement that completes a weighing (the
// impedance frame) reaching the gateway, to the broker acknowledging it on
// MQTT, through the whole path: decode, SQLite (reading + measurement + body
// composition, one transaction), outbox, claim round trip, Home Assistant
// states (QoS 2). A real Mosquitto is started on a free loopback port.
// Reports the median and the 99th percentile of the household delivery, and
// of the gateway's own feed (QoS 1), with Mosquitto's default socket options
// (Nagle's algorithm on: set_tcp_nodelay false) and with set_tcp_nodelay true.
// Run: build/bench/declouder_bench --benchmark_filter=Gateway
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/time.hpp"
#include "gateway/coordination.hpp"
#include "gateway/delivery.hpp"
#include "gateway/event_loop.hpp"
#include "gateway/pipeline.hpp"
#include "gateway/simulated_scale.hpp"
#include "mqtt/connection.hpp"
#include "outputs/feed_output.hpp"
#include "outputs/home_assistant_output.hpp"

extern char** environ;

namespace declouder {
namespace {

int free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

struct Broker {
  pid_t pid = 0;
  int port = free_port();
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("declouder-bench-" + std::to_string(getpid()));
  explicit Broker(bool tcp_nodelay) {
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "m.conf") << "listener " << port << " 127.0.0.1\nallow_anonymous true\n"
                                  << "set_tcp_nodelay " << (tcp_nodelay ? "true" : "false") << "\n";
    std::string conf = (dir / "m.conf").string();
    const char* argv[] = {"mosquitto", "-c", conf.c_str(), nullptr};
    posix_spawnp(&pid, "mosquitto", nullptr, nullptr, const_cast<char**>(argv), environ);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ~Broker() {
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    std::filesystem::remove_all(dir);
  }
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * (v.size() - 1))];
}

void BM_GatewayAdvertToMqtt(benchmark::State& state) {
  Broker broker(state.range(0) != 0);  // 0: mosquitto's default (Nagle on); 1: set_tcp_nodelay true
  const auto db_path = broker.dir / "gateway.db";
  Database db(db_path.string());
  Recorder recorder(db);
  EventLoop loop;
  CoordinationSettings cs;
  cs.gateway_id = "bench";
  MqttSettings session;
  session.port = broker.port;
  prepare_gateway_session(session, cs);
  auto quiet = [](const std::string&) {};
  MqttConnection connection(session, [&loop](std::function<void()> f) { loop.post(std::move(f)); }, quiet);
  Outbox outbox(db);
  GatewayCoordination coordination(connection, outbox, cs, quiet);
  FeedOutput feed(connection, cs.base, cs.gateway_id);
  HomeAssistantSettings ha_settings;
  ha_settings.gateway_id = cs.gateway_id;
  HomeAssistantOutput ha(connection, ha_settings, quiet);
  Delivery delivery(outbox, &recorder, {&feed, &ha}, cs.gateway_id, quiet);
  delivery.use_claims(&coordination);
  Pipeline pipeline(recorder, {&delivery, &coordination});
  delivery.hold_cursor_behind([&pipeline] { return pipeline.oldest_held_id(); });

  std::mutex m;
  std::condition_variable cv;
  std::map<std::string, std::int64_t> sent_us;  // uid -> when the completing frame was posted
  std::vector<double> household_ms, feed_ms;
  int delivered = 0;
  delivery.on_delivered = [&](const std::string& output, const std::string& uid) {
    const bool household = output == "home-assistant";
    std::lock_guard lock(m);
    auto it = sent_us.find(uid);
    if (it == sent_us.end()) return;
    (household ? household_ms : feed_ms).push_back((now_unix_us() - it->second) / 1000.0);
    if (household) ++delivered;
    cv.notify_all();
  };
  bool done = false;
  std::thread loop_thread([&] {
    delivery.start();
    coordination.start();
    loop.run([&] { return done; }, [&] { return std::max(pipeline.next_deadline_us(), delivery.next_deadline_us()); },
             [&] {
               pipeline.tick(now_unix_us());
               delivery.tick(now_unix_us());
             });
    delivery.begin_stop();
    coordination.begin_stop();
    coordination.finish_stop();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // connected, owners known

  SimulatedScaleSpec spec;
  std::int64_t clock = 1'900'000'000;
  int expected = 0;
  for (auto _ : state) {
    auto frames = mi_scale2_weighing_frames(spec, 72.45, 503, clock += 60);
    for (std::size_t i = 0; i + 2 < frames.size(); ++i)  // climbing, stabilized (stored, held)
      loop.post([&pipeline, f = frames[i]] { pipeline.advertisement(f, "bench"); });
    // The impedance frame completes the weighing: time from here.
    Advertisement last = frames[frames.size() - 2];
    last.rssi = -60;
    loop.post([&, last] {
      const std::int64_t t0 = now_unix_us();
      pipeline.advertisement(last, "bench");  // stored, queued and its first messages handed to libmosquitto
      std::lock_guard lock(m);  // the uid is known now: acknowledgements are matched to t0 by it
      for (const auto& row : outbox.pending("feed", Audience::this_gateway, 1000))
        if (!sent_us.count(row.uid)) sent_us[row.uid] = t0;
    });
    ++expected;
    std::unique_lock lock(m);
    cv.wait_for(lock, std::chrono::seconds(5), [&] { return delivered >= expected; });
  }
  loop.post([&] { done = true; });
  loop_thread.join();
  state.counters["household_median_ms"] = percentile(household_ms, 0.5);
  state.counters["household_p99_ms"] = percentile(household_ms, 0.99);
  state.counters["feed_median_ms"] = percentile(feed_ms, 0.5);
  state.counters["feed_p99_ms"] = percentile(feed_ms, 0.99);
  state.counters["delivered"] = delivered;
}
BENCHMARK(BM_GatewayAdvertToMqtt)->Arg(0)->Arg(1)->ArgName("broker_nodelay")->Iterations(300)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace declouder
