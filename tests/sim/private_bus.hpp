// Test helpers: a private "system" dbus-daemon (DBUS_SYSTEM_BUS_ADDRESS points at it while it
// lives) and a FakeBluez serving simulators on it from its own thread, so the real BlueZ
// client runs in the test's thread against it.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "devices/registry.hpp"
#include "sim/fake_bluez.hpp"

extern char** environ;

namespace declouder::testing {

class PrivateSystemBus {
 public:
  explicit PrivateSystemBus(const std::string& config = "system-allow-all.conf") {
    char tmpl[] = "/tmp/declouder-bus.XXXXXX";
    dir_ = mkdtemp(tmpl);
    const std::string socket = dir_ + "/bus";
    const std::string config_arg = std::string("--config-file=") + DECLOUDER_TESTDATA_DIR + "/dbus/" + config;
    const std::string address_arg = "--address=unix:path=" + socket;
    std::vector<std::string> args{"dbus-daemon", config_arg, address_arg, "--nofork", "--nopidfile"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, "dbus-daemon", nullptr, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("cannot start dbus-daemon");
    // Ready when it accepts a connection, not when the socket file appears: dbus-daemon binds
    // before it listens, and a client in between is refused (a BluezClient then reports
    // "no system bus", seen under load).
    for (int i = 0; i < 1000 && !accepts(socket); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    address_ = "unix:path=" + socket;
    setenv("DBUS_SYSTEM_BUS_ADDRESS", address_.c_str(), 1);
  }
  ~PrivateSystemBus() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
    std::string cmd = "rm -rf '" + dir_ + "'";
    (void)std::system(cmd.c_str());
  }
  const std::string& address() const { return address_; }

 private:
  static bool accepts(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    return ok;
  }

  pid_t pid_ = 0;
  std::string dir_;
  std::string address_;
};

// Runs `declouder simulate`'s fake BlueZ in a thread of the test.
class FakeBluezThread {
 public:
  FakeBluezThread(std::vector<std::string> devices, FakeBluezOptions options = {}, SimOptions sim = {}) {
    std::promise<void> ready;
    auto started = ready.get_future();
    thread_ = std::thread([this, devices, options, sim, &ready] {
      bool told = false;  // `ready` belongs to the constructor, which returns once it is told
      try {
        auto connection = sdbus::createSystemBusConnection();
        BusLoop loop(*connection);
        std::vector<std::unique_ptr<SimulatedDevice>> devs;
        for (const auto& d : devices) devs.push_back(builtin_registry().find_simulator(d)->create(sim));
        FakeBluez fake(*connection, loop, std::move(devs), options);
        fake.start();
        told = true;
        ready.set_value();
        while (!stop_) loop.run_once(BusLoop::Clock::now() + std::chrono::milliseconds(50));
      } catch (const std::exception& e) {
        if (!told) ready.set_exception(std::current_exception());
        else ADD_FAILURE() << "the fake BlueZ stopped: " << e.what();
      } catch (...) {
        if (!told) ready.set_exception(std::current_exception());
        else ADD_FAILURE() << "the fake BlueZ stopped";
      }
    });
    // A fake that cannot start (a bus that refuses the connection on a loaded machine) is
    // the test's failure, said with its reason: the thread is joined before the error goes
    // on, or the joinable std::thread's destructor would end the whole test binary.
    try {
      started.get();
    } catch (...) {
      thread_.join();
      throw;
    }
  }
  ~FakeBluezThread() {
    stop_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace declouder::testing
