#include "core/person.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>

namespace declouder {

namespace {

// Latin-1 Supplement and Latin Extended-A, U+00C0..U+017F: each letter's base
// letter(s) in lowercase (the Unicode decomposition without its marks; ligatures
// and letters without one spelled out: Æ "ae", ß "ss", Þ "th", Ł "l"). nullptr:
// not a letter (× ÷), a word break.
constexpr std::array<const char*, 0x180 - 0xC0> kLatin = {
    // U+00C0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "y",
    // U+0100
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

// Russian Cyrillic А..я (U+0410..U+044F), as in passports (ICAO Doc 9303):
// the hard and soft signs are dropped.
constexpr std::array<const char*, 32> kCyrillic = {
    "a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia",
};

// The ASCII spelling of one non-ASCII code point: "" drops it (a combining
// mark), nullptr makes it a word break.
const char* ascii_of(char32_t c) {
  if (c >= 0xC0 && c < 0x180) return kLatin[c - 0xC0];
  if (c >= 0x300 && c < 0x370) return "";  // combining marks: "Zoe" + U+0308 is "Zoë"
  if (c == 0x218 || c == 0x219) return "s";  // Ș ș (Romanian)
  if (c == 0x21A || c == 0x21B) return "t";  // Ț ț
  if (c >= 0x410 && c < 0x430) return kCyrillic[c - 0x410];
  if (c >= 0x430 && c < 0x450) return kCyrillic[c - 0x430];
  if (c == 0x401 || c == 0x451) return "e";   // Ё ё
  if (c == 0x404 || c == 0x454) return "ie";  // Є є (Ukrainian)
  if (c == 0x406 || c == 0x456) return "i";   // І і
  if (c == 0x407 || c == 0x457) return "i";   // Ї ї
  if (c == 0x490 || c == 0x491) return "g";   // Ґ ґ
  return nullptr;
}

// The next code point of UTF-8 text at `i` (advanced past it); a malformed byte is
// returned as U+FFFD and skipped alone.
char32_t next_code_point(std::string_view t, std::size_t& i) {
  const auto b = static_cast<unsigned char>(t[i++]);
  if (b < 0x80) return b;
  const int more = b >= 0xC2 && b < 0xE0 ? 1 : b >= 0xE0 && b < 0xF0 ? 2 : b >= 0xF0 && b < 0xF5 ? 3 : -1;
  if (more < 0 || i + more > t.size()) return 0xFFFD;
  char32_t c = b & (0x3F >> more);
  for (int k = 0; k < more; ++k) {
    const auto n = static_cast<unsigned char>(t[i + k]);
    if ((n & 0xC0) != 0x80) return 0xFFFD;
    c = (c << 6) | (n & 0x3F);
  }
  i += more;
  return c;
}

}  // namespace

bool is_person_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxPersonIdLength || id.front() == '_') return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string person_id_from_name(std::string_view name) {
  std::string out;
  bool letter = false;
  auto word_break = [&] {
    if (!out.empty() && out.back() != '_') out += '_';
  };
  for (std::size_t i = 0; i < name.size();) {
    const char32_t c = next_code_point(name, i);
    if (c < 0x80) {
      const char a = static_cast<char>(c);
      if (a >= 'A' && a <= 'Z') out += static_cast<char>(a - 'A' + 'a'), letter = true;
      else if (a >= 'a' && a <= 'z') out += a, letter = true;
      else if (a >= '0' && a <= '9') out += a;
      else word_break();
    } else if (const char* s = ascii_of(c)) {
      out += s;
      letter = letter || *s;
    } else {
      word_break();
    }
  }
  if (out.size() > kMaxPersonIdLength) out.resize(kMaxPersonIdLength);
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (letter) return out;
  // No letter to read: FNV-1a 32 of the name's bytes (www.isthe.com/chongo/tech/comp/fnv).
  std::uint32_t h = 2166136261u;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  char buf[16];
  std::snprintf(buf, sizeof buf, "person_%08x", h);
  return buf;
}

std::string Person::topic_id() const { return id.empty() ? person_id_from_name(name) : id; }

int age_on(const CivilTime& birth, std::int64_t unix_us) {
  std::int64_t s = unix_us / 1000000;
  if (unix_us < 0 && unix_us % 1000000) --s;
  const CivilTime today = civil_from_unix(s);
  int age = today.year - birth.year;
  if (today.month < birth.month || (today.month == birth.month && today.day < birth.day)) --age;
  return age;
}

std::string_view sex_name(Sex s) { return s == Sex::male ? "male" : "female"; }

std::optional<Sex> parse_sex(std::string_view s) {
  if (s == "male" || s == "m") return Sex::male;
  if (s == "female" || s == "f") return Sex::female;
  return std::nullopt;
}

std::string date_string(const CivilTime& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::optional<CivilTime> parse_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto num = [&](std::size_t off, std::size_t len) -> std::optional<int> {
    int v = 0;
    auto [p, ec] = std::from_chars(t.data() + off, t.data() + off + len, v);
    if (ec != std::errc() || p != t.data() + off + len) return std::nullopt;
    return v;
  };
  auto y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (!y || !m || !d) return std::nullopt;
  CivilTime c{*y, *m, *d, 0, 0, 0};
  if (!c.valid()) return std::nullopt;
  return c;
}

}  // namespace declouder
