// Text checks before toml++ sees a document (the config file, src/app/config.cpp; device
// definitions, src/definitions/loader.cpp), kept apart from toml++ itself.
//
// toml++ 3.3.0 (Debian 12) reaches __builtin_unreachable(), undefined behaviour, when some
// non-ASCII characters stand outside quotes and comments, or right after a backslash in a
// string, also while it builds an error message for broken text (found by
// fuzz/config_fuzz.cpp, and again by fuzz/definition_fuzz.cpp). TOML allows non-ASCII only
// inside strings and comments and not as an escape, so such text is a syntax error anyway.
// The safe order: parse ascii_skeleton(text) first (so the string boundaries are certain),
// then refuse text for which non_ascii_outside_strings() names a line, and only then let
// toml++ see the real text.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace declouder {

// The 1-based line of the first non-ASCII character outside strings and comments (or right
// after a backslash in a string); nothing when there is none.
std::optional<std::size_t> non_ascii_outside_strings(std::string_view text);

// The text with every non-ASCII character replaced by one 'x': same lines, same structure.
std::string ascii_skeleton(std::string_view text);

}  // namespace declouder
