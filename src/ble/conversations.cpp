#include "ble/conversations.hpp"

#include <algorithm>
#include <vector>

namespace declouder {

namespace {
std::vector<ConversationDriver>& drivers() {
  static std::vector<ConversationDriver> list;
  return list;
}
}  // namespace

ConversationRegistration::ConversationRegistration(ConversationDriver driver) {
  auto& list = drivers();
  list.push_back(driver);
  // Deterministic order whatever the link order: by id.
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
}

std::span<const ConversationDriver> all_conversations() { return drivers(); }

const ConversationDriver* conversation_for(const Advertisement& adv) {
  for (const auto& d : drivers())
    if (d.matches && d.matches(adv)) return &d;
  return nullptr;
}

const ConversationDriver* unattended_conversation_for(const Advertisement& adv) {
  const ConversationDriver* d = conversation_for(adv);
  return d && d->unattended ? d : nullptr;
}

}  // namespace declouder
