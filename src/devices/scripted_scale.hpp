// Two shapes many GATT scales share, so their folders hold only what is theirs:
//   - scripted_simulator(): a scale's side as "this write (or subscription) makes the scale
//     notify these frames, this long after"; each family's simulator.cpp writes the frames
//     from its protocol facts;
//   - reading_conversation(): subscribe, write the requests, wait for the frame the family's
//     decoder calls final (stabilized), optionally acknowledge it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "link/session.hpp"
#include "link/simulated_device.hpp"

namespace declouder {

struct ScriptedFrame {
  std::chrono::milliseconds after{0};  // after the write (or subscription) that caused it
  Uuid characteristic;
  Bytes value;
};

struct ScriptedScale {
  std::string kind;             // the simulator's name
  std::string name;             // advertised name
  std::string default_address;  // "AA:BB:CC:00:00:01"
  std::vector<Uuid> advertised_services;
  std::vector<std::pair<std::uint16_t, Bytes>> manufacturer_data;
  std::vector<SimService> services;
  std::function<std::vector<ScriptedFrame>(const Uuid&, const Bytes&, const SimOptions&)> on_write;
  std::function<std::vector<ScriptedFrame>(const Uuid&, const SimOptions&)> on_subscribe;
};

std::unique_ptr<SimulatedDevice> scripted_simulator(ScriptedScale scale, const SimOptions& options);

// A scale heard only in its advertisements: one weighing is a list of manufacturer-data
// frames, each advertised for 600 ms, then 2 s with the last one's successor (none: the
// scale sleeps) and the next weighing.
struct BroadcastScale {
  std::string kind, name, default_address;
  std::vector<Uuid> advertised_services;
  std::function<std::vector<std::pair<std::uint16_t, Bytes>>(const SimOptions&, const MacAddress&)> frames;
};
std::unique_ptr<SimulatedDevice> broadcast_simulator(BroadcastScale scale, const SimOptions& options);

struct ReadingConversation {
  std::string name;                         // the model id
  Uuid notify;                              // where the frames come
  std::vector<std::pair<Uuid, Bytes>> requests;  // written in order after subscribing
  std::function<DecodeOutcome(const GattValue&)> decode;
  std::optional<std::pair<Uuid, Bytes>> acknowledge;  // written after the final frame
  WriteMode mode = WriteMode::with_response;
};

Conversation reading_conversation(const ReadingConversation& c);

}  // namespace declouder
