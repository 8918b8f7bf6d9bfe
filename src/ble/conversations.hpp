// Conversations: the devices that must be talked to (not just listened to), each as a step
// list for the SessionRunner, chosen by what the device advertises.
//
// One file per device family, src/ble/conversation_<family>.cpp, registers with
//
//   const ConversationRegistration reg{{
//       .id = "picooc-mini",
//       .summary = "request the measurement on FFF2, answer on FFF1",
//       .matches = matches,        // bool(const Advertisement&)
//       .build = build,            // Conversation(const ConversationParams&)
//   }};
//
// Conversations only sequence the exchange (what to write, what to wait for); turning bytes
// into readings belongs to the decoders in src/devices/.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "ble/session.hpp"
#include "core/frame.hpp"

namespace declouder {

struct ConversationParams {
  Advertisement advert;             // what the device advertised (name, address, data)
  std::int64_t unix_now = 0;        // for requests that carry the time
  std::uint16_t user_id = 0x4443;   // Mi scale history: the app's 16-bit user id ("DC")
  int user_index = 1;               // SIG User Data Service: the user slot on the scale
  std::uint16_t consent_code = 0;   // SIG User Data Service: that slot's consent code
};

struct ConversationDriver {
  std::string_view id;       // "picooc-mini"
  std::string_view summary;  // for `declouder read --help` and logs
  bool (*matches)(const Advertisement& adv) = nullptr;
  Conversation (*build)(const ConversationParams& params) = nullptr;
  // The gateway (`declouder run`) starts this conversation by itself each time the device
  // wakes. False for downloads a person asks for with `declouder read` (the Mi scale's
  // history: its live weighings already arrive in its advertisements).
  bool unattended = true;
};

struct ConversationRegistration {
  explicit ConversationRegistration(ConversationDriver driver);
};

std::span<const ConversationDriver> all_conversations();
// The first registered conversation whose matcher accepts the advertisement, or null.
const ConversationDriver* conversation_for(const Advertisement& adv);
// The same, among the conversations the gateway runs by itself (`unattended`).
const ConversationDriver* unattended_conversation_for(const Advertisement& adv);

}  // namespace declouder
