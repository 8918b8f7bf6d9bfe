// Base64 (RFC 4648, the standard alphabet, with padding): how ESPHome's YAML writes an
// API encryption key.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace declouder {

// nullopt when `text` is not base64.
std::optional<Bytes> base64_decode(std::string_view text);
std::string base64_encode(ByteView bytes);

}  // namespace declouder
