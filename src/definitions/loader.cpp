// Reading and checking definition files (the format: docs/definitions.md). toml++ stays in
// this file.
#include "definitions/loader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "core/input_files.hpp"
#include "core/toml_text.hpp"
#include "definitions/descriptor.hpp"

namespace declouder::definitions {

namespace {

namespace fs = std::filesystem;

class Checker {
 public:
  explicit Checker(const std::string& source) : source_(source) {}

  [[noreturn]] void fail(const toml::node* node, const std::string& what) const {
    std::string where = source_;
    if (node && node->source().begin.line) where += ":" + std::to_string(node->source().begin.line);
    throw DefinitionError(where + ": " + what);
  }
  int line(const toml::node* node) const { return node ? static_cast<int>(node->source().begin.line) : 0; }

  void only_keys(const toml::table& t, std::initializer_list<std::string_view> allowed, const std::string& section) const {
    for (const auto& [key, node] : t) {
      bool ok = false;
      for (auto a : allowed) ok = ok || key.str() == a;
      if (!ok) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(&node, "unknown key '" + std::string(key.str()) + "' in " + section + " (known: " + list + ")");
      }
    }
  }

  const toml::table* table(const toml::table& t, std::string_view key, const std::string& section) const {
    const toml::node* n = t.get(key);
    if (!n) return nullptr;
    if (!n->as_table()) fail(n, section + "." + std::string(key) + " must be a table");
    return n->as_table();
  }

  std::optional<std::string> string(const toml::table& t, std::string_view key, const std::string& section) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->as_string()) fail(n, section + "." + std::string(key) + " must be a string");
    return n->as_string()->get();
  }

  std::optional<long long> integer(const toml::table& t, std::string_view key, const std::string& section, long long lo,
                                   long long hi) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->as_integer()) fail(n, section + "." + std::string(key) + " must be an integer");
    const long long v = n->as_integer()->get();
    if (v < lo || v > hi)
      fail(n, section + "." + std::string(key) + " = " + std::to_string(v) + " is outside " + std::to_string(lo) + ".." +
                  std::to_string(hi));
    return v;
  }

  std::optional<double> number(const toml::table& t, std::string_view key, const std::string& section) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (auto i = n->as_integer()) return static_cast<double>(i->get());
    if (auto f = n->as_floating_point()) {
      if (!std::isfinite(f->get())) fail(n, section + "." + std::string(key) + " must be a finite number");
      return f->get();
    }
    fail(n, section + "." + std::string(key) + " must be a number");
  }

  std::optional<bool> boolean(const toml::table& t, std::string_view key, const std::string& section) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->as_boolean()) fail(n, section + "." + std::string(key) + " must be true or false");
    return n->as_boolean()->get();
  }

  std::vector<std::string> strings(const toml::table& t, std::string_view key, const std::string& section) const {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) fail(n, section + "." + std::string(key) + " must be a list of strings");
    for (const toml::node& e : *a) {
      if (!e.as_string()) fail(&e, section + "." + std::string(key) + " must be a list of strings");
      out.push_back(e.as_string()->get());
    }
    return out;
  }

  Uuid uuid16(const toml::node* n, const std::string& what) const {
    auto u = n && n->as_string() ? Uuid::parse(n->as_string()->get()) : std::nullopt;
    if (!u) fail(n, what + " must be a UUID string (\"fff1\", or the full form)");
    return *u;
  }

  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

struct IntType {
  int width;
  bool big, is_signed;
};
std::optional<IntType> parse_int_type(std::string_view s) {
  // u8 s8 u16le u16be s16le ... u32be
  if (s.size() < 2 || (s[0] != 'u' && s[0] != 's')) return std::nullopt;
  const bool is_signed = s[0] == 's';
  if (s.substr(1) == "8") return IntType{1, false, is_signed};
  for (int bits : {16, 24, 32}) {
    const std::string b = std::to_string(bits);
    if (s.substr(1) == b + "le") return IntType{bits / 8, false, is_signed};
    if (s.substr(1) == b + "be") return IntType{bits / 8, true, is_signed};
  }
  return std::nullopt;
}

std::string int_type_name(const IntField& f) {
  std::string s = f.is_signed ? "s" : "u";
  s += std::to_string(8 * f.width);
  if (f.width > 1) s += f.big_endian ? "be" : "le";
  return s;
}

// Does [offset, offset + width) fit in a frame of `size` bytes (negative: from its end)?
bool fits(int offset, std::size_t width, std::size_t size) {
  const long long o = offset < 0 ? static_cast<long long>(size) + offset : offset;
  return o >= 0 && o + static_cast<long long>(width) <= static_cast<long long>(size);
}

IntField read_int_field(const Checker& c, const toml::table& t, const std::string& section, std::size_t frame_min,
                        bool weight) {
  if (weight) c.only_keys(t, {"offset", "type", "width", "byte_order", "signed", "shift", "bits", "scale", "invalid", "unit"}, section);
  else c.only_keys(t, {"offset", "type", "width", "byte_order", "signed", "shift", "bits", "scale", "invalid"}, section);
  IntField f;
  f.line = c.line(&t);
  auto offset = c.integer(t, "offset", section, -255, 254);
  if (!offset) c.fail(&t, section + " needs an offset (the byte it starts at)");
  f.offset = static_cast<int>(*offset);
  if (auto type = c.string(t, "type", section)) {
    auto it = parse_int_type(*type);
    if (!it) c.fail(t.get("type"), section + ".type '" + *type + "' is not one of u8, s8, u16le, u16be, s16le, s16be, u24le, u24be, u32le, u32be, s32le, s32be");
    f.width = it->width;
    f.big_endian = it->big;
    f.is_signed = it->is_signed;
    if (t.get("width") || t.get("byte_order") || t.get("signed"))
      c.fail(t.get("type"), section + ": give either type or width/byte_order/signed, not both");
  } else {
    auto width = c.integer(t, "width", section, 8, 32);
    if (!width || (*width % 8) != 0) c.fail(&t, section + " needs a type (u16le, ...) or a width of 8, 16, 24 or 32 bits");
    f.width = static_cast<int>(*width / 8);
    const auto order = c.string(t, "byte_order", section).value_or("little");
    if (order != "little" && order != "big") c.fail(t.get("byte_order"), section + ".byte_order must be \"little\" or \"big\"");
    f.big_endian = order == "big";
    f.is_signed = c.boolean(t, "signed", section).value_or(false);
  }
  f.shift = static_cast<int>(c.integer(t, "shift", section, 0, 31).value_or(0));
  f.bits = static_cast<int>(c.integer(t, "bits", section, 1, 32).value_or(0));
  if (f.bits > 0 && f.shift + f.bits > 8 * f.width)
    c.fail(t.get("bits"), section + ": shift + bits (" + std::to_string(f.shift + f.bits) + ") is wider than the " +
                              std::to_string(8 * f.width) + "-bit integer");
  if (f.bits == 0 && f.shift > 0) c.fail(t.get("shift"), section + ": shift needs bits (the bit field's width)");
  f.scale = c.number(t, "scale", section).value_or(1.0);
  if (f.scale == 0) c.fail(t.get("scale"), section + ".scale must not be 0");
  if (const toml::node* inv = t.get("invalid")) {
    const toml::array* a = inv->as_array();
    if (!a) c.fail(inv, section + ".invalid must be a list of raw integers (placeholders such as 0xFFFF)");
    for (const toml::node& e : *a) {
      if (!e.as_integer()) c.fail(&e, section + ".invalid must be a list of raw integers");
      f.invalid.push_back(e.as_integer()->get());
    }
  }
  if (!fits(f.offset, static_cast<std::size_t>(f.width), frame_min))
    c.fail(&t, section + " (" + std::to_string(f.width) + " bytes at offset " + std::to_string(f.offset) +
                   ") lies outside the frame's " + std::to_string(frame_min) + " bytes");
  return f;
}

BitFlag read_flag(const Checker& c, const toml::node& n, const std::string& section, std::size_t frame_min) {
  const toml::table* t = n.as_table();
  if (!t) c.fail(&n, section + " must be a table { offset = N, mask = 0xNN } (value defaults to the mask)");
  c.only_keys(*t, {"offset", "mask", "value"}, section);
  BitFlag f;
  auto offset = c.integer(*t, "offset", section, -255, 254);
  auto mask = c.integer(*t, "mask", section, 1, 255);
  if (!offset || !mask) c.fail(&n, section + " needs offset and mask");
  f.offset = static_cast<int>(*offset);
  f.mask = static_cast<std::uint8_t>(*mask);
  f.value = static_cast<std::uint8_t>(c.integer(*t, "value", section, 0, 255).value_or(*mask));
  if ((f.value & ~f.mask) != 0) c.fail(t->get("value"), section + ".value has bits outside its mask");
  if (!fits(f.offset, 1, frame_min))
    c.fail(&n, section + ": offset " + std::to_string(f.offset) + " lies outside the frame's " + std::to_string(frame_min) + " bytes");
  return f;
}

Template parse_template(const Checker& c, const toml::node* n, const std::string& what) {
  if (!n || !n->as_string()) c.fail(n, what + " must be a string of hex bytes and {placeholders}");
  const std::string text = n->as_string()->get();
  Template t;
  std::string digits;
  auto flush = [&] {
    if (digits.empty()) return;
    if (digits.size() % 2) c.fail(n, what + ": '" + digits + "' is an odd number of hex digits");
    auto b = parse_hex(digits);
    if (!b) c.fail(n, what + ": '" + digits + "' is not hex");
    for (auto byte : *b) t.push_back({TemplatePart::Kind::literal, byte});
    digits.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '{') {
      flush();
      const auto close = text.find('}', i);
      if (close == std::string::npos) c.fail(n, what + ": '{' without '}'");
      const std::string name = text.substr(i + 1, close - i - 1);
      using K = TemplatePart::Kind;
      static const std::pair<const char*, K> kPlaceholders[] = {
          {"time_be32", K::time_be32}, {"time_le32", K::time_le32}, {"height_cm", K::height_cm}, {"age", K::age},
          {"sex", K::sex},             {"user_slot", K::user_slot}, {"sum8", K::sum8},           {"xor8", K::xor8}};
      bool known = false;
      for (const auto& [p, k] : kPlaceholders)
        if (name == p) {
          t.push_back({k, 0});
          known = true;
        }
      if (!known)
        c.fail(n, what + ": unknown placeholder {" + name +
                      "} (known: time_be32, time_le32, height_cm, age, sex, user_slot, sum8, xor8)");
      i = close;
    } else if (std::isxdigit(static_cast<unsigned char>(ch))) {
      digits += ch;
    } else if (ch == ' ' || ch == ':' || ch == '-') {
      flush();
    } else {
      c.fail(n, what + ": unexpected '" + std::string(1, ch) + "' (hex bytes, spaces and {placeholders} only)");
    }
  }
  flush();
  if (t.empty()) c.fail(n, what + " is empty");
  return t;
}

Pattern parse_pattern(const Checker& c, const toml::node* n, const std::string& what) {
  const std::string text = n->as_string()->get();
  Pattern p;
  std::string compact;
  for (char ch : text)
    if (ch != ' ' && ch != ':' && ch != '-') compact += ch;
  if (compact.empty() || compact.size() % 2) c.fail(n, what + ": a pattern is pairs of hex digits or ?? (any byte)");
  for (std::size_t i = 0; i < compact.size(); i += 2) {
    const std::string pair = compact.substr(i, 2);
    if (pair == "??") {
      p.bytes.push_back(0);
      p.mask.push_back(0);
      continue;
    }
    auto b = parse_hex(pair);
    if (!b) c.fail(n, what + ": '" + pair + "' is neither hex nor ??");
    p.bytes.push_back((*b)[0]);
    p.mask.push_back(0xFF);
  }
  return p;
}

WriteMode write_mode(const Checker& c, const toml::table& t, std::string_view key, const std::string& section) {
  return c.boolean(t, key, section).value_or(true) ? WriteMode::with_response : WriteMode::without_response;
}

DefinedConversation read_conversation(const Checker& c, const toml::table& t, const Definition& d) {
  const std::string S = "[conversation]";
  c.only_keys(t, {"service", "steps", "needs_person", "unattended", "summary"}, S);
  DefinedConversation conv;
  conv.service = t.get("service") ? c.uuid16(t.get("service"), "conversation.service") : Uuid::from16(0xFFF0);
  conv.needs_person = c.boolean(t, "needs_person", S).value_or(false);
  conv.unattended = c.boolean(t, "unattended", S).value_or(true);
  conv.summary = c.string(t, "summary", S).value_or("");
  const toml::node* steps = t.get("steps");
  if (!steps || !steps->as_array() || steps->as_array()->empty())
    c.fail(steps ? steps : &t, "conversation.steps must be a list of steps ({ subscribe = ... }, { write = ..., to = ... }, { wait = ... })");
  bool subscribed = false, waits_for_reading = false;
  std::string summary;
  for (const toml::node& n : *steps->as_array()) {
    const toml::table* st = n.as_table();
    if (!st) c.fail(&n, "each conversation step is a table");
    ConversationStep s;
    const std::string SS = "conversation step";
    if (const toml::node* sub = st->get("subscribe")) {
      c.only_keys(*st, {"subscribe"}, SS);
      s.kind = ConversationStep::Kind::subscribe;
      s.characteristic = c.uuid16(sub, "subscribe");
      if (s.characteristic == d.frame.uuid) subscribed = true;
      summary += (summary.empty() ? "" : ", ") + std::string("subscribe ") + s.characteristic.short_str();
    } else if (const toml::node* w = st->get("write")) {
      c.only_keys(*st, {"write", "to", "response"}, SS);
      s.kind = ConversationStep::Kind::write;
      s.bytes = parse_template(c, w, "write");
      if (!st->get("to")) c.fail(&n, "a write step needs to = \"UUID\" (the characteristic written)");
      s.characteristic = c.uuid16(st->get("to"), "to");
      s.mode = write_mode(c, *st, "response", SS);
      summary += (summary.empty() ? "" : ", ") + std::string("write ") + template_text(s.bytes) + " to " + s.characteristic.short_str();
    } else if (const toml::node* wait = st->get("wait")) {
      c.only_keys(*st, {"wait", "ack", "ack_to", "ack_response", "until", "prompt", "optional", "timeout_s"}, SS);
      if (!wait->as_string()) c.fail(wait, "wait must be \"reading\" or a hex pattern (?? for any byte)");
      if (wait->as_string()->get() == "reading") {
        s.kind = ConversationStep::Kind::wait_reading;
        if (!subscribed)
          c.fail(wait, "this step waits for a reading on " + d.frame.uuid.short_str() +
                           " but no step before it subscribes to it ({ subscribe = \"" + d.frame.uuid.short_str() + "\" })");
        waits_for_reading = true;
        summary += (summary.empty() ? "" : ", ") + std::string("wait for a reading");
      } else {
        s.kind = ConversationStep::Kind::wait_pattern;
        s.pattern = parse_pattern(c, wait, "wait");
        summary += (summary.empty() ? "" : ", ") + std::string("wait for ") + wait->as_string()->get();
      }
      if (const toml::node* ack = st->get("ack")) {
        s.ack = parse_template(c, ack, "ack");
        if (!st->get("ack_to")) c.fail(ack, "an ack needs ack_to = \"UUID\" (the characteristic it is written to)");
        s.ack_to = c.uuid16(st->get("ack_to"), "ack_to");
        s.ack_mode = write_mode(c, *st, "ack_response", SS);
        summary += ", ack " + template_text(*s.ack);
      } else if (st->get("ack_to")) {
        c.fail(st->get("ack_to"), "ack_to without ack");
      }
      const auto until = c.string(*st, "until", SS).value_or("stable");
      if (until != "stable" && until != "first") c.fail(st->get("until"), "until must be \"stable\" or \"first\"");
      s.until_stable = until == "stable";
      s.prompt = c.string(*st, "prompt", SS).value_or("");
      s.optional = c.boolean(*st, "optional", SS).value_or(false);
      s.timeout = std::chrono::milliseconds(
          static_cast<long long>(1000 * c.number(*st, "timeout_s", SS).value_or(s.prompt.empty() ? 10 : 60)));
      if (s.timeout.count() <= 0) c.fail(st->get("timeout_s"), "timeout_s must be positive");
    } else if (st->get("pause_ms")) {
      c.only_keys(*st, {"pause_ms"}, SS);
      s.kind = ConversationStep::Kind::pause;
      s.timeout = std::chrono::milliseconds(*c.integer(*st, "pause_ms", SS, 1, 60000));
    } else {
      c.fail(&n, "a conversation step is one of { subscribe = UUID }, { write = HEX, to = UUID }, { wait = \"reading\"|PATTERN }, { pause_ms = N }");
    }
    conv.steps.push_back(std::move(s));
  }
  if (!waits_for_reading) c.fail(steps, "the conversation never waits for a reading ({ wait = \"reading\" })");
  if (conv.summary.empty()) conv.summary = summary;
  return conv;
}

Frame read_frame(const Checker& c, const toml::table& t) {
  const std::string S = "[frame]";
  c.only_keys(t, {"service_data", "company_id", "characteristic", "length", "min_length", "max_length", "constants",
                  "checksum", "weight", "impedance", "heart_rate", "user_slot", "battery", "time", "flags"},
              S);
  Frame f;
  int sources = 0;
  if (const toml::node* n = t.get("service_data")) {
    f.source = FrameSource::service_data;
    f.uuid = c.uuid16(n, "frame.service_data");
    if (!f.uuid.is16()) c.fail(n, "frame.service_data must be a 16-bit UUID (4 hex digits)");
    ++sources;
  }
  if (t.get("company_id")) {
    f.source = FrameSource::manufacturer_data;
    f.company = static_cast<std::uint16_t>(*c.integer(t, "company_id", S, 0, 0xFFFF));
    ++sources;
  }
  if (const toml::node* n = t.get("characteristic")) {
    f.source = FrameSource::characteristic;
    f.uuid = c.uuid16(n, "frame.characteristic");
    if (!f.uuid.is16()) c.fail(n, "frame.characteristic must be a 16-bit UUID (4 hex digits)");
    ++sources;
  }
  if (sources != 1)
    c.fail(&t, "[frame] needs exactly one of service_data = \"UUID\", company_id = N, characteristic = \"UUID\"");
  if (auto len = c.integer(t, "length", S, 1, 255)) {
    if (t.get("min_length") || t.get("max_length")) c.fail(t.get("length"), "give length, or min_length/max_length, not both");
    f.min_length = f.max_length = static_cast<std::size_t>(*len);
  } else {
    f.min_length = static_cast<std::size_t>(c.integer(t, "min_length", S, 1, 255).value_or(1));
    f.max_length = static_cast<std::size_t>(c.integer(t, "max_length", S, 1, 255).value_or(255));
    if (f.max_length < f.min_length) c.fail(t.get("max_length"), "max_length is below min_length");
  }
  if (const toml::node* n = t.get("constants")) {
    const toml::array* a = n->as_array();
    if (!a) c.fail(n, "frame.constants must be a list of { offset = N, hex = \"..\" }");
    for (const toml::node& e : *a) {
      const toml::table* ct = e.as_table();
      if (!ct) c.fail(&e, "frame.constants must be a list of { offset = N, hex = \"..\" }");
      c.only_keys(*ct, {"offset", "hex"}, "frame.constants");
      Constant k;
      auto off = c.integer(*ct, "offset", "frame.constants", -255, 254);
      auto hex = c.string(*ct, "hex", "frame.constants");
      if (!off || !hex) c.fail(&e, "a constant needs offset and hex");
      auto b = parse_hex(*hex);
      if (!b || b->empty()) c.fail(ct->get("hex"), "frame.constants: '" + *hex + "' is not hex bytes");
      k.offset = static_cast<int>(*off);
      k.bytes = *b;
      if (!fits(k.offset, k.bytes.size(), f.min_length))
        c.fail(&e, "frame.constants: bytes at offset " + std::to_string(k.offset) + " lie outside the frame's " +
                       std::to_string(f.min_length) + " bytes");
      f.constants.push_back(std::move(k));
    }
  }
  if (const toml::table* ck = c.table(t, "checksum", "frame")) {
    c.only_keys(*ck, {"algorithm", "from", "to", "at", "byte_order"}, "frame.checksum");
    Checksum k;
    auto alg = c.string(*ck, "algorithm", "frame.checksum");
    if (!alg) c.fail(ck, "frame.checksum needs an algorithm");
    auto a = parse_checksum(*alg);
    if (!a)
      c.fail(ck->get("algorithm"), "frame.checksum.algorithm '" + *alg +
                                       "' is not one of sum8, xor8, crc8, crc8-maxim, crc16-modbus, crc16-ccitt-false, "
                                       "crc16-xmodem, crc16-kermit");
    k.algorithm = *a;
    k.from = static_cast<int>(c.integer(*ck, "from", "frame.checksum", -255, 254).value_or(0));
    k.at = static_cast<int>(c.integer(*ck, "at", "frame.checksum", -255, 254).value_or(-checksum_width(k.algorithm)));
    k.to = static_cast<int>(c.integer(*ck, "to", "frame.checksum", -255, 254).value_or(k.at < 0 ? k.at - 1 : k.at - 1));
    const auto order = c.string(*ck, "byte_order", "frame.checksum").value_or("little");
    if (order != "little" && order != "big") c.fail(ck->get("byte_order"), "frame.checksum.byte_order must be \"little\" or \"big\"");
    k.big_endian = order == "big";
    if (!fits(k.at, static_cast<std::size_t>(checksum_width(k.algorithm)), f.min_length) || !fits(k.from, 1, f.min_length) ||
        !fits(k.to, 1, f.min_length))
      c.fail(ck, "frame.checksum: its bytes lie outside the frame's " + std::to_string(f.min_length) + " bytes");
    f.checksum = k;
  }
  if (const toml::table* w = c.table(t, "weight", "frame")) {
    f.weight = read_int_field(c, *w, "frame.weight", f.min_length, true);
    if (auto unit = c.string(*w, "unit", "frame.weight")) {
      auto u = parse_unit(*unit);
      if (!u) c.fail(w->get("unit"), "frame.weight.unit must be kg, lb, st or jin");
      f.unit = *u;
    }
  }
  if (const toml::table* n = c.table(t, "impedance", "frame")) f.impedance = read_int_field(c, *n, "frame.impedance", f.min_length, false);
  if (const toml::table* n = c.table(t, "heart_rate", "frame")) f.heart_rate = read_int_field(c, *n, "frame.heart_rate", f.min_length, false);
  if (const toml::table* n = c.table(t, "user_slot", "frame")) f.user_slot = read_int_field(c, *n, "frame.user_slot", f.min_length, false);
  if (const toml::table* n = c.table(t, "battery", "frame")) f.battery = read_int_field(c, *n, "frame.battery", f.min_length, false);
  if (const toml::table* n = c.table(t, "time", "frame")) {
    c.only_keys(*n, {"offset", "encoding"}, "frame.time");
    TimeField tf;
    auto off = c.integer(*n, "offset", "frame.time", -255, 254);
    auto enc = c.string(*n, "encoding", "frame.time");
    if (!off || !enc) c.fail(n, "frame.time needs offset and encoding");
    auto e = parse_time_encoding(*enc);
    if (!e) c.fail(n->get("encoding"), "frame.time.encoding must be unix32be, unix32le, civil-le or civil-be");
    tf.offset = static_cast<int>(*off);
    tf.encoding = *e;
    const std::size_t width = (*e == TimeEncoding::unix32_be || *e == TimeEncoding::unix32_le) ? 4 : 7;
    if (!fits(tf.offset, width, f.min_length)) c.fail(n, "frame.time lies outside the frame's " + std::to_string(f.min_length) + " bytes");
    f.time = tf;
  }
  if (const toml::table* fl = c.table(t, "flags", "frame")) {
    c.only_keys(*fl, {"stabilized", "load_removed", "impedance_present", "unit_lb", "unit_jin", "unit_st"}, "frame.flags");
    auto flag = [&](std::string_view key, std::optional<BitFlag>& out) {
      if (const toml::node* n = fl->get(key)) out = read_flag(c, *n, "frame.flags." + std::string(key), f.min_length);
    };
    flag("stabilized", f.stabilized);
    flag("load_removed", f.load_removed);
    flag("impedance_present", f.impedance_present);
    flag("unit_lb", f.unit_lb);
    flag("unit_jin", f.unit_jin);
    flag("unit_st", f.unit_st);
    if (f.impedance_present && !f.impedance) c.fail(fl->get("impedance_present"), "frame.flags.impedance_present without [frame.impedance]");
  }
  if (!f.weight && !f.impedance && !f.heart_rate && !f.battery)
    c.fail(&t, "[frame] describes no value: give [frame.weight] (or impedance, heart_rate, battery)");
  return f;
}

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64 || id.front() == '-') return false;
  for (char ch : id)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.')) return false;
  return true;
}

std::string hex_int(long long v, int digits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llX", digits, v);
  return buf;
}

std::string number_text(double v) {
  std::ostringstream o;
  o.precision(12);
  o << v;
  std::string s = o.str();
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

std::string field_toml(const std::string& name, const IntField& f, const std::optional<WeightUnit>& unit) {
  std::string out = "\n[frame." + name + "]\noffset = " + std::to_string(f.offset) + "\ntype = \"" + int_type_name(f) + "\"\n";
  if (f.bits > 0) out += "shift = " + std::to_string(f.shift) + "\nbits = " + std::to_string(f.bits) + "\n";
  out += "scale = " + number_text(f.scale) + "\n";
  if (unit) out += "unit = \"" + std::string(unit_name(*unit)) + "\"\n";
  if (!f.invalid.empty()) {
    out += "invalid = [";
    for (std::size_t i = 0; i < f.invalid.size(); ++i) out += (i ? ", " : "") + hex_int(f.invalid[i], 2 * f.width);
    out += "]\n";
  }
  return out;
}

std::string flag_toml(const BitFlag& f) {
  std::string out = "{ offset = " + std::to_string(f.offset) + ", mask = " + hex_int(f.mask, 2);
  if (f.value != f.mask) out += ", value = " + hex_int(f.value, 2);
  return out + " }";
}

}  // namespace

std::shared_ptr<const Definition> parse_definition(std::string_view text, const std::string& source) {
  Checker c(source);
  auto parse = [&](std::string_view doc) {
    try {
      return toml::parse(doc, source);
    } catch (const toml::parse_error& e) {
      throw DefinitionError(source + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
    }
  };
  // core/toml_text.hpp: toml++ 3.3.0 must not see non-ASCII text outside strings.
  parse(ascii_skeleton(text));
  if (auto line = non_ascii_outside_strings(text))
    throw DefinitionError(source + ":" + std::to_string(*line) +
                          ": a non-ASCII character outside quotes or after a backslash (text goes in \"quotes\")");
  toml::table root = parse(text);
  c.only_keys(root, {"device", "match", "frame", "conversation"}, "the definition");
  auto def = std::make_shared<Definition>();
  def->file = source;
  const toml::table* device = c.table(root, "device", "");
  if (!device) throw DefinitionError(source + ":1: a definition needs a [device] table with its id");
  c.only_keys(*device, {"id", "name", "manufacturer"}, "[device]");
  auto id = c.string(*device, "id", "device");
  if (!id) c.fail(device, "[device] needs an id (lowercase letters, digits and '-': it is the model of its readings)");
  if (!valid_id(*id)) c.fail(device->get("id"), "device.id '" + *id + "' may hold only a-z, 0-9, '-', '_' and '.'");
  def->id = *id;
  def->name = c.string(*device, "name", "device").value_or(*id);
  def->manufacturer = c.string(*device, "manufacturer", "device").value_or("");
  if (const toml::table* m = c.table(root, "match", "")) {
    c.only_keys(*m, {"names", "service_uuids"}, "[match]");
    def->names = c.strings(*m, "names", "match");
    for (const std::string& n : def->names)
      if (n.empty()) c.fail(m->get("names"), "match.names: an empty name pattern");
    if (const toml::node* su = m->get("service_uuids")) {
      if (!su->as_array()) c.fail(su, "match.service_uuids must be a list of UUID strings");
      for (const toml::node& e : *su->as_array()) def->service_uuids.push_back(c.uuid16(&e, "match.service_uuids"));
    }
  }
  const toml::table* frame = c.table(root, "frame", "");
  if (!frame) throw DefinitionError(source + ": a definition needs a [frame] table (where its values are)");
  def->frame = read_frame(c, *frame);
  if (const toml::table* conv = c.table(root, "conversation", "")) {
    if (def->frame.source != FrameSource::characteristic)
      c.fail(conv, "[conversation] needs a frame on a characteristic (frame.characteristic), not in advertisements");
    if (def->names.empty() && def->service_uuids.empty())
      c.fail(conv, "a device with a conversation must be recognisable: give match.names or match.service_uuids");
    def->conversation = read_conversation(c, *conv, *def);
  }
  return def;
}

std::shared_ptr<const Definition> load_definition_file(const std::string& path) {
  std::string text;
  try {
    text = read_input_file(path);
  } catch (const InputFileError& e) {
    throw DefinitionError(e.what());
  }
  return parse_definition(text, path);
}

std::string definition_toml(const Definition& d, const std::string& header) {
  std::string out = header;
  out += "[device]\nid = " + toml_string(d.id) + "\nname = " + toml_string(d.name) + "\n";
  if (!d.manufacturer.empty()) out += "manufacturer = " + toml_string(d.manufacturer) + "\n";
  if (!d.names.empty() || !d.service_uuids.empty()) {
    out += "\n[match]\n";
    if (!d.names.empty()) {
      out += "names = [";
      for (std::size_t i = 0; i < d.names.size(); ++i) out += (i ? ", " : "") + toml_string(d.names[i]);
      out += "]\n";
    }
    if (!d.service_uuids.empty()) {
      out += "service_uuids = [";
      for (std::size_t i = 0; i < d.service_uuids.size(); ++i) out += (i ? ", " : "") + toml_string(d.service_uuids[i].short_str());
      out += "]\n";
    }
  }
  const Frame& f = d.frame;
  out += "\n[frame]\n";
  if (f.source == FrameSource::service_data) out += "service_data = " + toml_string(f.uuid.short_str()) + "\n";
  if (f.source == FrameSource::manufacturer_data) out += "company_id = " + hex_int(f.company, 4) + "\n";
  if (f.source == FrameSource::characteristic) out += "characteristic = " + toml_string(f.uuid.short_str()) + "\n";
  if (f.min_length == f.max_length) out += "length = " + std::to_string(f.min_length) + "\n";
  else out += "min_length = " + std::to_string(f.min_length) + "\nmax_length = " + std::to_string(f.max_length) + "\n";
  if (!f.constants.empty()) {
    out += "constants = [";
    for (std::size_t i = 0; i < f.constants.size(); ++i)
      out += std::string(i ? ", " : "") + "{ offset = " + std::to_string(f.constants[i].offset) + ", hex = " +
             toml_string(to_hex(f.constants[i].bytes)) + " }";
    out += "]\n";
  }
  if (f.checksum)
    out += "checksum = { algorithm = " + toml_string(std::string(checksum_name(f.checksum->algorithm))) + ", from = " +
           std::to_string(f.checksum->from) + ", to = " + std::to_string(f.checksum->to) + ", at = " +
           std::to_string(f.checksum->at) + (f.checksum->big_endian ? ", byte_order = \"big\"" : "") + " }\n";
  if (f.weight) out += field_toml("weight", *f.weight, f.unit);
  if (f.impedance) out += field_toml("impedance", *f.impedance, std::nullopt);
  if (f.heart_rate) out += field_toml("heart_rate", *f.heart_rate, std::nullopt);
  if (f.user_slot) out += field_toml("user_slot", *f.user_slot, std::nullopt);
  if (f.battery) out += field_toml("battery", *f.battery, std::nullopt);
  if (f.time)
    out += "\n[frame.time]\noffset = " + std::to_string(f.time->offset) + "\nencoding = \"" +
           std::string(time_encoding_name(f.time->encoding)) + "\"\n";
  std::string flags;
  auto flag = [&](const char* name, const std::optional<BitFlag>& fl) {
    if (fl) flags += std::string(name) + " = " + flag_toml(*fl) + "\n";
  };
  flag("stabilized", f.stabilized);
  flag("load_removed", f.load_removed);
  flag("impedance_present", f.impedance_present);
  flag("unit_lb", f.unit_lb);
  flag("unit_jin", f.unit_jin);
  flag("unit_st", f.unit_st);
  if (!flags.empty()) out += "\n[frame.flags]\n" + flags;
  if (d.conversation) {
    const DefinedConversation& c = *d.conversation;
    out += "\n[conversation]\nservice = " + toml_string(c.service.short_str()) + "\n";
    if (c.needs_person) out += "needs_person = true\n";
    if (!c.unattended) out += "unattended = false\n";
    out += "steps = [\n";
    for (const ConversationStep& s : c.steps) {
      out += "  { ";
      switch (s.kind) {
        case ConversationStep::Kind::subscribe: out += "subscribe = " + toml_string(s.characteristic.short_str()); break;
        case ConversationStep::Kind::write:
          out += "write = " + toml_string(template_text(s.bytes)) + ", to = " + toml_string(s.characteristic.short_str()) +
                 ", response = " + (s.mode == WriteMode::with_response ? "true" : "false");
          break;
        case ConversationStep::Kind::pause: out += "pause_ms = " + std::to_string(s.timeout.count()); break;
        case ConversationStep::Kind::wait_reading:
        case ConversationStep::Kind::wait_pattern: {
          if (s.kind == ConversationStep::Kind::wait_reading) {
            out += "wait = \"reading\"";
          } else {
            std::string p;
            for (std::size_t i = 0; i < s.pattern.bytes.size(); ++i)
              p += (i ? " " : "") + (s.pattern.mask[i] ? to_hex(ByteView(&s.pattern.bytes[i], 1)) : std::string("??"));
            out += "wait = " + toml_string(p);
          }
          if (s.ack)
            out += ", ack = " + toml_string(template_text(*s.ack)) + ", ack_to = " + toml_string(s.ack_to->short_str()) +
                   ", ack_response = " + (s.ack_mode == WriteMode::with_response ? "true" : "false");
          if (!s.until_stable) out += ", until = \"first\"";
          if (!s.prompt.empty()) out += ", prompt = " + toml_string(s.prompt);
          if (s.optional) out += ", optional = true";
          out += ", timeout_s = " + number_text(s.timeout.count() / 1000.0);
          break;
        }
      }
      out += " },\n";
    }
    out += "]\n";
  }
  return out;
}

std::vector<std::string> standard_definition_dirs() {
  std::vector<std::string> out;
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg) out.push_back(std::string(xdg) + "/declouder/devices");
  else if (home && *home) out.push_back(std::string(home) + "/.config/declouder/devices");
  out.push_back("/etc/declouder/devices");
  return out;
}

std::vector<std::shared_ptr<const Definition>> load_definitions(const DeviceChoice& choice) {
  std::vector<std::string> files;
  auto add_dir = [&](const fs::path& dir) {
    std::vector<std::string> in_dir;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".toml" && e.is_regular_file()) in_dir.push_back(e.path().string());
    std::sort(in_dir.begin(), in_dir.end());
    files.insert(files.end(), in_dir.begin(), in_dir.end());
  };
  for (const std::string& p : choice.paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) add_dir(p);
    else if (fs::exists(p, ec)) files.push_back(p);
    else throw DefinitionError(p + ": no such definition file or folder");
  }
  if (choice.standard_dirs)
    for (const std::string& dir : standard_definition_dirs()) {
      std::error_code ec;
      if (fs::is_directory(dir, ec)) add_dir(dir);
    }
  std::vector<std::shared_ptr<const Definition>> out;
  std::set<std::string> seen_files;
  for (const std::string& f : files) {
    std::error_code ec;
    const std::string canonical = fs::weakly_canonical(f, ec).string();
    if (!seen_files.insert(canonical.empty() ? f : canonical).second) continue;  // named twice
    auto def = load_definition_file(f);
    for (const auto& other : out)
      if (other->id == def->id)
        throw DefinitionError(f + ": device id '" + def->id + "' is also defined in " + other->file);
    if (choice.builtin)
      for (const DeviceDescriptor* b : builtin_devices())
        if (b->id == def->id)
          throw DefinitionError(f + ": device id '" + def->id +
                                "' is a built-in device's; choose another id, or turn the built-in devices off with --no-builtin");
    out.push_back(std::move(def));
  }
  return out;
}

DeviceRegistry make_registry(const std::vector<std::shared_ptr<const Definition>>& definitions, bool builtin) {
  std::vector<std::shared_ptr<const DeviceDescriptor>> descriptors;
  for (const auto& d : definitions) descriptors.push_back(make_descriptor(d));
  return DeviceRegistry(std::move(descriptors), builtin);
}

DeviceRegistry make_registry(const DeviceChoice& choice) { return make_registry(load_definitions(choice), choice.builtin); }

}  // namespace declouder::definitions
