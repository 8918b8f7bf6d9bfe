#include "gateway/esphome_source.hpp"

#include <algorithm>

#include "radio/esphome_client.hpp"

namespace declouder {

namespace {

std::string feature_text(std::uint32_t flags) {
  std::string out;
  auto add = [&](std::uint32_t bit, const char* name) {
    if (flags & bit) out += (out.empty() ? "" : ", ") + std::string(name);
  };
  add(esphome::feature::passive_scan, "passive scan");
  add(esphome::feature::active_connections, "active connections");
  add(esphome::feature::raw_advertisements, "raw advertisements");
  return out;
}

}  // namespace

std::string EsphomeSource::describe() const {
  return "ESPHome Bluetooth proxy " + endpoint_.str() + (endpoint_.key ? " (encrypted)" : " (plaintext)");
}

void EsphomeSource::run(const FrameHandlers& to, const StopFlag& stop) {
  using Clock = std::chrono::steady_clock;
  const std::string who = "ESPHome proxy " + endpoint_.str();
  std::string last_error;
  auto backoff = std::chrono::seconds(1);
  while (!stop.requested()) {
    esphome::ProxyClient::Handlers handlers;
    handlers.on_advertisement = [&to](const Advertisement& a) {
      if (to.on_advertisement) to.on_advertisement(a);
    };
    esphome::ProxyClient client(endpoint_, handlers);
    try {
      client.open(std::chrono::seconds(5));  // short: a stop waits for it
    } catch (const std::exception& e) {  // ConnectionError, ProtocolError
      const std::string why = e.what();
      if (why != last_error)
        log_(who + ": " + why + "; retrying (every " + std::to_string(60) + " s at most), the other radios go on");
      last_error = why;
      if (stop.wait_for(backoff)) return;
      backoff = std::min(backoff * 2, std::chrono::seconds(60));
      continue;
    }
    backoff = std::chrono::seconds(1);
    last_error.clear();
    const esphome::DeviceInfo& info = client.info();
    log_(who + ": connected to '" + client.node_name() + "'" +
         (info.esphome_version.empty() ? "" : " (ESPHome " + info.esphome_version + ")") + ", " +
         (endpoint_.key ? "encrypted" : "plaintext") + "; " + feature_text(info.bluetooth_proxy_feature_flags) +
         ". A node serves one Bluetooth subscriber at a time: Home Assistant's Bluetooth integration must not use it too");
    std::uint64_t heard = 0;
    auto heard_at = Clock::now();
    bool warned_silent = false;
    while (!stop.requested() && client.alive()) {
      if (auto request = take_conversation_request()) {
        esphome::ProxyGattLink link(client, *request->advert.address, request->advert.name);
        const ConversationOutcome outcome = hold_conversation(link, *request, to);
        if (request->done) request->done(outcome);
        continue;
      }
      client.wait_closed(std::chrono::milliseconds(100));
      if (client.adverts_received() != heard) {
        heard = client.adverts_received();
        heard_at = Clock::now();
        warned_silent = false;
      } else if (!warned_silent && Clock::now() - heard_at > std::chrono::seconds(60)) {
        log_(who + ": no advertisement relayed for 60 s: is another client (Home Assistant's Bluetooth "
                   "integration) subscribed to this node? It serves one at a time; use a dedicated node");
        warned_silent = true;
      }
    }
    if (stop.requested()) return;
    const std::string why = client.closed_reason();
    log_(who + ": connection lost (" + why + "); reconnecting");
    last_error = why;
    if (stop.wait_for(backoff)) return;
  }
}

}  // namespace declouder
