// An ESPHome Bluetooth proxy as a source (radio/esphome_client.hpp): the node's relayed
// advertisements go through the pipeline as the local adapter's do, and the scales that must
// be asked are talked to through the node (its active connections), one at a time, when this
// gateway asks it to (gateway/conversations.hpp). Every proxy is one more radio in the pool:
// ownership between gateways (gateway/ownership.hpp) and the claims keep each weighing
// stored and delivered once however many radios heard it.
//
// A node that reboots, is unreachable or refuses the key is one log line (said again only
// when the reason changes); the source reconnects with a capped backoff (1 s doubling to
// 60 s) and never stops the gateway: the other radios keep working. A node that serves
// another Bluetooth subscriber (Home Assistant's integration) relays nothing to us: after a
// minute of silence the log says so.
//
// Spec text (for --esphome): HOST[:PORT][,key=BASE64]
#pragma once

#include <functional>
#include <string>

#include "gateway/source.hpp"
#include "radio/esphome_api.hpp"

namespace declouder {

class EsphomeSource : public Source {
 public:
  using Log = std::function<void(const std::string&)>;
  EsphomeSource(esphome::Endpoint endpoint, Log log) : endpoint_(std::move(endpoint)), log_(std::move(log)) {}
  std::string describe() const override;
  std::string label() const override { return "esphome:" + endpoint_.str(); }
  bool can_converse() const override { return true; }
  void run(const FrameHandlers& to, const StopFlag& stop) override;

 private:
  esphome::Endpoint endpoint_;
  Log log_;
};

}  // namespace declouder
