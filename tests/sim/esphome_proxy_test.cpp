// declouder's ESPHome proxy client (radio/esphome_client.hpp) against the simulated node
// (sim/esphome_proxy.hpp) over real TCP on loopback: plaintext and encrypted, adverts in
// both forms, the errors a person sees, and conversations held through the proxy.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "devices/registry.hpp"
#include "link/session.hpp"
#include "radio/esphome_client.hpp"
#include "sim/esphome_proxy.hpp"

namespace declouder {
namespace {

using namespace std::chrono_literals;

const std::string kKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

struct Node {
  std::unique_ptr<SimulatedEsphomeProxy> proxy;
  std::vector<std::string> log;
  std::mutex mutex;

  Node(std::vector<std::string> devices, std::optional<std::string> key = {}, SimOptions o = {}) {
    std::vector<std::unique_ptr<SimulatedDevice>> made;
    for (const auto& d : devices) made.push_back(builtin_registry().find_simulator(d)->create(o));
    EsphomeProxyOptions options;
    options.port = 0;
    if (key) options.key = esphome::parse_key(*key);
    options.log = [this](const std::string& line) {
      std::lock_guard lock(mutex);
      log.push_back(line);
    };
    proxy = std::make_unique<SimulatedEsphomeProxy>(std::move(made), options);
    proxy->start();
  }
  esphome::Endpoint endpoint(std::optional<std::string> key = {}) const {
    esphome::Endpoint e;
    e.host = "127.0.0.1";
    e.port = proxy->port();
    if (key) e.key = esphome::parse_key(*key);
    return e;
  }
  bool logged(const std::string& text) {
    std::lock_guard lock(mutex);
    for (const auto& l : log)
      if (l.find(text) != std::string::npos) return true;
    return false;
  }
};

struct Heard {
  std::mutex mutex;
  std::vector<Advertisement> adverts;
  esphome::ProxyClient::Handlers handlers() {
    esphome::ProxyClient::Handlers h;
    h.on_advertisement = [this](const Advertisement& a) {
      std::lock_guard lock(mutex);
      adverts.push_back(a);
    };
    return h;
  }
  // The weighings the registry decodes from what was heard.
  std::vector<Reading> readings() {
    std::lock_guard lock(mutex);
    std::vector<Reading> out;
    for (const auto& a : adverts)
      builtin_registry().decode_advertisement(a, [&](const DeviceDescriptor&, const DecodeOutcome& o) {
        if (o.ok()) out.push_back(o.reading);
      });
    return out;
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return adverts.size();
  }
};

bool wait_until(const std::function<bool()>& f, std::chrono::milliseconds limit = 5s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return f();
}

std::string open_error(const esphome::Endpoint& e) {
  Heard heard;
  esphome::ProxyClient client(e, heard.handlers());
  try {
    client.open(3s);
  } catch (const esphome::ConnectionError& err) {
    return err.what();
  }
  return "";
}

TEST(EsphomeProxy, PlaintextNodeRelaysAdvertsThatDecodeAsTheScalesOwn) {
  SimOptions o;
  o.weight_kg = 81.1;
  Node node({"mi-scale-2"}, {}, o);
  Heard heard;
  esphome::ProxyClient client(node.endpoint(), heard.handlers());
  client.open();
  EXPECT_EQ(client.info().name, "declouder-proxy");
  EXPECT_TRUE(client.info().bluetooth_proxy_feature_flags & esphome::feature::active_connections);
  ASSERT_TRUE(wait_until([&] {
    for (const Reading& r : heard.readings())
      if (r.stabilized && r.weight_kg && std::abs(*r.weight_kg - 81.1) < 0.01) return true;
    return false;
  }, 10s));
  std::lock_guard lock(heard.mutex);
  EXPECT_EQ(heard.adverts.front().address, builtin_registry().find_simulator("mi-scale-2")->create(o)->address())
      << "the scale's own address, not the proxy's";
  EXPECT_EQ(heard.adverts.front().rssi, -60);
  EXPECT_EQ(heard.adverts.front().name, "MIBFS");
  EXPECT_TRUE(node.logged("advertisements subscribed (raw)"));
}

TEST(EsphomeProxy, EncryptedNodeWorksWithItsKeyAndSaysWhatIsWrongOtherwise) {
  Node node({"mi-scale-2"}, kKey);
  Heard heard;
  esphome::ProxyClient client(node.endpoint(kKey), heard.handlers());
  client.open();
  EXPECT_TRUE(wait_until([&] { return heard.count() >= 3; }));
  client.close();

  const std::string other = "HyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4=";
  EXPECT_NE(open_error(node.endpoint(other)).find("wrong encryption key"), std::string::npos)
      << open_error(node.endpoint(other));
  EXPECT_NE(open_error(node.endpoint()).find("requires encryption"), std::string::npos) << open_error(node.endpoint());
}

TEST(EsphomeProxy, AKeyForAPlaintextNodeAndANodeThatIsNotThereAreOneLineEach) {
  Node node({"mi-scale-2"});
  const std::string plain = open_error(node.endpoint(kKey));
  EXPECT_FALSE(plain.empty());
  esphome::Endpoint nobody;
  nobody.host = "127.0.0.1";
  nobody.port = 1;  // nothing listens there
  EXPECT_NE(open_error(nobody).find("cannot connect to 127.0.0.1:1"), std::string::npos) << open_error(nobody);
}

TEST(EsphomeProxy, OnlyOneBluetoothSubscriberAtATime) {
  Node node({"mi-scale-2"});
  Heard first, second;
  esphome::ProxyClient a(node.endpoint(), first.handlers());
  a.open();
  ASSERT_TRUE(wait_until([&] { return first.count() > 0; }));
  esphome::ProxyClient b(node.endpoint(), second.handlers());
  b.open();
  EXPECT_TRUE(wait_until([&] { return node.logged("Only one API subscription is allowed at a time"); }));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(second.count(), 0u);
}

TEST(EsphomeProxy, ConversationsRunThroughTheProxyAsOverBluez) {
  SimOptions o;
  o.weight_kg = 77.3;
  o.impedance_ohm = 512;
  Node node({"picooc-mini", "crenot-gofit-s2", "sig-scale"}, kKey, o);
  Heard heard;
  esphome::ProxyClient client(node.endpoint(kKey), heard.handlers());
  client.open();
  for (const std::string name : {"picooc-mini", "crenot-gofit-s2", "sig-scale"}) {
    auto device = builtin_registry().find_simulator(name)->create(o);
    const MacAddress address = device->address();
    ASSERT_TRUE(wait_until([&] {
      std::lock_guard lock(heard.mutex);
      for (const auto& a : heard.adverts)
        if (a.address == address) return true;
      return false;
    })) << name;
    Advertisement advert;
    {
      std::lock_guard lock(heard.mutex);
      for (const auto& a : heard.adverts)
        if (a.address == address) advert = a;
    }
    const DeviceDescriptor* d = builtin_registry().conversation_for(advert);
    ASSERT_NE(d, nullptr) << name;
    ConversationContext c;
    c.advert = advert;
    c.unix_now = static_cast<std::int64_t>(std::time(nullptr));
    esphome::ProxyGattLink link(client, address, advert.name);
    SessionRunner runner(link);
    const SessionResult r = runner.run(d->conversation->build(c));
    ASSERT_FALSE(r.readings.empty()) << name;
    bool weighed = false;
    for (const auto& e : r.readings)
      if (e.reading.weight_kg && std::abs(*e.reading.weight_kg - 77.3) < 0.06) weighed = true;
    EXPECT_TRUE(weighed) << name;
    EXPECT_FALSE(link.connected());
  }
  EXPECT_TRUE(wait_until([&] { return client.free_slots() == 3u; }));
}

TEST(EsphomeProxy, AProxyThatGoesAwayEndsTheLinkWithLinkLost) {
  Node node({"picooc-mini"});
  Heard heard;
  esphome::ProxyClient client(node.endpoint(), heard.handlers());
  client.open();
  const MacAddress address = builtin_registry().find_simulator("picooc-mini")->create({})->address();
  ASSERT_TRUE(wait_until([&] { return heard.count() > 0; }));
  esphome::ProxyGattLink link(client, address);
  link.connect(5s);
  ASSERT_TRUE(link.connected());
  node.proxy->stop();
  EXPECT_THROW(
      {
        for (int i = 0; i < 100; ++i) link.next_value(std::chrono::steady_clock::now() + 100ms);
      },
      LinkLost);
  EXPECT_TRUE(client.wait_closed(2s));
  EXPECT_FALSE(client.closed_reason().empty());
}

}  // namespace
}  // namespace declouder
