#include "definitions/learn.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "capture/session.hpp"
#include "definitions/loader.hpp"

namespace declouder::definitions {

namespace {

constexpr double kKgPerLb = 0.45359237;

// Where a payload came from: one device, one kind of frame.
struct SourceKey {
  MacAddress address;
  FrameSource source = FrameSource::characteristic;
  Uuid uuid;                  // service data UUID or characteristic
  std::uint16_t company = 0;
  std::uint16_t handle = 0;   // characteristic frames whose UUID the capture does not name
  bool uuid_known = true;
  auto operator<=>(const SourceKey&) const = default;
};

struct Payload {
  int weighing = 0;
  SourceKey key;
  Bytes bytes;
  std::int64_t time_us = 0;
  int session = -1;          // the connection it came over (-1: an advertisement)
  std::size_t att_index = 0; // its place in the ATT records
};

struct AttRecord {
  int weighing = 0;
  int session = -1;
  bool from_host = true;
  std::uint8_t opcode = 0;
  std::optional<Uuid> uuid;
  std::uint16_t handle = 0;
  Bytes value;
  std::int64_t time_us = 0;
};

struct DeviceSeen {
  std::string name;
  std::vector<Uuid> services;
};

struct Layout {
  int offset = 0, width = 2;
  bool big = false;
  double factor = 1;  // raw = value * factor
  WeightUnit unit = WeightUnit::kg;
  auto operator<=>(const Layout&) const = default;
};

struct Observed {
  std::vector<Payload> payloads;
  std::vector<AttRecord> att;
  std::map<MacAddress, DeviceSeen> devices;
};

std::optional<std::uint32_t> read_uint(ByteView b, int offset, int width, bool big) {
  if (offset < 0 || offset + width > static_cast<int>(b.size())) return std::nullopt;
  std::uint32_t v = 0;
  for (int i = 0; i < width; ++i) v = (v << 8) | b[static_cast<std::size_t>(offset + (big ? i : width - 1 - i))];
  return v;
}

double tolerance(const LearnWeighing& w) { return 0.5 * std::pow(10.0, -w.decimals) + 1e-9; }

double display_value(double kg, WeightUnit display) { return display == WeightUnit::kg ? kg : from_kg(kg, display); }

// The weighing's value in `unit` (the display's value converted when the field's unit differs).
double target_in(const LearnWeighing& w, WeightUnit unit) {
  const double kg = w.in_lb ? w.weight * kKgPerLb : w.weight;
  return unit == WeightUnit::kg ? kg : kg / kKgPerLb;
}

bool holds_raw(const Layout& l, std::uint32_t raw, const LearnWeighing& w) {
  if (raw == 0) return false;
  const double v = raw / l.factor;
  const bool display_unit = (l.unit == WeightUnit::lb) == w.in_lb;
  // In the display's unit the person's decimals decide; converted, half a unit of the last
  // digit the device could show is as close as the two can be.
  const double tol = display_unit ? tolerance(w) : std::max(tolerance(w), 0.5 / l.factor) * 1.0001;
  return std::fabs(v - target_in(w, l.unit)) <= tol;
}

bool holds(const Layout& l, ByteView b, const LearnWeighing& w) {
  auto raw = read_uint(b, l.offset, l.width, l.big);
  return raw && holds_raw(l, *raw, w);
}

Observed observe(const LearnInput& in) {
  Observed o;
  for (std::size_t k = 0; k < in.captures.size(); ++k) {
    const int weighing = static_cast<int>(k);
    int session = -1;
    std::map<std::uint16_t, int> session_of_connection;
    std::map<std::uint16_t, MacAddress> address_of_connection;
    capture::TraceHandlers h;
    h.on_advert = [&](const capture::AdvertEvent& e) {
      const Advertisement& a = e.advert;
      if (!a.address) return;
      DeviceSeen& d = o.devices[*a.address];
      if (!a.name.empty()) d.name = a.name;
      for (const Uuid& u : a.service_uuids)
        if (std::find(d.services.begin(), d.services.end(), u) == d.services.end()) d.services.push_back(u);
      for (const auto& [u, data] : a.service_data) {
        if (!u.is16()) continue;
        Payload p;
        p.weighing = weighing;
        p.key = {*a.address, FrameSource::service_data, u, 0, 0, true};
        p.bytes = data;
        p.time_us = e.record.time_us;
        o.payloads.push_back(std::move(p));
      }
      for (const auto& [company, data] : a.manufacturer_data) {
        Payload p;
        p.weighing = weighing;
        p.key = {*a.address, FrameSource::manufacturer_data, Uuid{}, company, 0, true};
        p.bytes = data;
        p.time_us = e.record.time_us;
        o.payloads.push_back(std::move(p));
      }
    };
    h.on_connection = [&](const capture::ConnectionEvent& e) {
      if (e.connected && e.status == 0) {
        session_of_connection[e.connection] = ++session + static_cast<int>(k) * 100000;
        if (e.address) address_of_connection[e.connection] = *e.address;
      }
    };
    h.on_att = [&](const capture::AttEvent& e) {
      AttRecord r;
      r.weighing = weighing;
      auto s = session_of_connection.find(e.connection);
      r.session = s == session_of_connection.end() ? -2 : s->second;
      r.from_host = e.from_host;
      r.opcode = e.pdu.opcode;
      r.uuid = e.uuid;
      r.handle = e.handle.value_or(0);
      r.value.assign(e.value.begin(), e.value.end());
      r.time_us = e.record.time_us;
      o.att.push_back(r);
      const bool from_device_value = !e.from_host && (r.opcode == 0x1B || r.opcode == 0x1D || r.opcode == 0x0B);
      if (!from_device_value || !e.handle) return;
      std::optional<MacAddress> address = e.address;
      if (!address) {
        auto a = address_of_connection.find(e.connection);
        if (a != address_of_connection.end()) address = a->second;
      }
      Payload p;
      p.weighing = weighing;
      p.key.address = address.value_or(MacAddress{});
      p.key.source = FrameSource::characteristic;
      if (e.uuid) p.key.uuid = *e.uuid;
      p.key.uuid_known = e.uuid.has_value();
      p.key.handle = e.uuid ? 0 : *e.handle;
      p.bytes = r.value;
      p.time_us = r.time_us;
      p.session = r.session;
      p.att_index = o.att.size() - 1;
      o.payloads.push_back(std::move(p));
    };
    try {
      capture::CaptureSummary s = capture::trace_capture(in.captures[k], h, {}, in.assumed_uuids);
      (void)s;
    } catch (const capture::CaptureError& e) {
      throw LearnError(e.what());
    }
  }
  return o;
}

std::string source_text(const SourceKey& k) {
  switch (k.source) {
    case FrameSource::service_data: return "service data " + k.uuid.short_str();
    case FrameSource::manufacturer_data: return "manufacturer data of company " + std::to_string(k.company);
    case FrameSource::characteristic:
      if (!k.uuid_known) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "0x%04x", k.handle);
        return std::string("values of handle ") + buf;
      }
      return "values of characteristic " + k.uuid.short_str();
  }
  return "?";
}

std::string layout_text(const Layout& l) {
  std::string t = l.width == 1 ? "u8" : "u" + std::to_string(8 * l.width) + (l.big ? "be" : "le");
  char f[32];
  std::snprintf(f, sizeof f, "%g", l.factor);
  return "offset " + std::to_string(l.offset) + ", " + t + ", " + std::string(unit_name(l.unit)) + " x " + f;
}

int width_rank(int w) { return w == 2 ? 0 : w == 3 ? 1 : w == 1 ? 2 : 3; }
int factor_rank(double f) {
  static const double kOrder[] = {10, 100, 200, 20, 5, 2, 1, 50, 1000};
  for (int i = 0; i < 9; ++i)
    if (kOrder[i] == f) return i;
  return 9;
}

bool overlaps(int a, int aw, int b, int bw) { return a < b + bw && b < a + aw; }

std::string sanitized_id(const std::string& name) {
  std::string id;
  for (char ch : name) {
    char c = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) id += c;
    else if (!id.empty() && id.back() != '-') id += '-';
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id;
}

// A time in the frame near `ref` (Unix seconds): Unix seconds within 10 minutes, or a wall
// clock within 5 minutes of ref in some time zone (whole quarter hours, up to 14 h away).
bool time_holds(TimeEncoding e, ByteView b, int offset, std::int64_t ref) {
  if (e == TimeEncoding::unix32_be || e == TimeEncoding::unix32_le) {
    auto v = read_uint(b, offset, 4, e == TimeEncoding::unix32_be);
    return v && std::llabs(static_cast<long long>(*v) - ref) <= 600;
  }
  if (offset < 0 || offset + 7 > static_cast<int>(b.size())) return false;
  const std::size_t o = static_cast<std::size_t>(offset);
  CivilTime c;
  c.year = e == TimeEncoding::civil_le ? le16(&b[o]) : be16(&b[o]);
  c.month = b[o + 2];
  c.day = b[o + 3];
  c.hour = b[o + 4];
  c.minute = b[o + 5];
  c.second = b[o + 6];
  if (!c.valid()) return false;
  const long long d = unix_from_civil(c) - ref;
  const long long r = ((d % 900) + 900) % 900;
  return std::llabs(d) <= 14 * 3600 + 300 && (r <= 300 || r >= 600);
}

Template request_template(const Bytes& v, std::int64_t ref, std::string& described) {
  Template t;
  std::vector<bool> is_time(v.size(), false);
  std::optional<std::pair<int, bool>> time_at;
  for (int off = 0; off + 4 <= static_cast<int>(v.size()) && !time_at; ++off)
    for (bool big : {true, false})
      if (!time_at && time_holds(big ? TimeEncoding::unix32_be : TimeEncoding::unix32_le, v, off, ref)) time_at = {{off, big}};
  std::size_t end = v.size();
  bool sum = false, x = false;
  if (time_at && v.size() >= 2 && static_cast<std::size_t>(time_at->first + 4) < v.size()) {
    ByteView head(v.data(), v.size() - 1);
    sum = sum8(head) == v.back();
    x = !sum && xor8(head) == v.back();
    if (sum || x) end = v.size() - 1;
  }
  for (std::size_t i = 0; i < end;) {
    if (time_at && static_cast<int>(i) == time_at->first) {
      t.push_back({time_at->second ? TemplatePart::Kind::time_be32 : TemplatePart::Kind::time_le32, 0});
      i += 4;
      continue;
    }
    t.push_back({TemplatePart::Kind::literal, v[i]});
    ++i;
  }
  if (sum) t.push_back({TemplatePart::Kind::sum8, 0});
  if (x) t.push_back({TemplatePart::Kind::xor8, 0});
  if (time_at)
    described = " (bytes " + std::to_string(time_at->first) + "-" + std::to_string(time_at->first + 3) +
                " are the time: Unix seconds, " + (time_at->second ? "big" : "little") + "-endian" +
                (sum ? "; the last byte is their sum" : x ? "; the last byte is their xor" : "") + ")";
  return t;
}

std::string hex_spaced(ByteView b) { return to_hex_spaced(b); }

}  // namespace

LearnResult learn_definition(const LearnInput& in) {
  if (in.captures.empty()) throw LearnError("no capture given");
  if (in.weighings.empty()) throw LearnError("no value given (--value: what the display showed)");
  if (in.weighings.size() != 1 && in.weighings.size() != in.captures.size())
    throw LearnError("give one --value per capture (" + std::to_string(in.captures.size()) + "), or one for all of them; " +
                     std::to_string(in.weighings.size()) + " given");
  auto weighing = [&](int k) -> const LearnWeighing& {
    return in.weighings[in.weighings.size() == 1 ? 0 : static_cast<std::size_t>(k)];
  };
  const int n_weighings = static_cast<int>(in.captures.size());
  Observed o = observe(in);

  // 1. The weight: a layout that holds in every weighing.
  struct Held {
    std::set<int> weighings;
    int frames = 0;                  // how many frames it held in
    std::int64_t last_in_first = 0;  // when it last held in the first weighing
  };
  std::map<std::pair<SourceKey, Layout>, Held> held;
  std::map<SourceKey, int> frames_of;  // frames each source sent
  static const double kFactors[] = {1, 2, 5, 10, 20, 50, 100, 200, 1000};
  for (const Payload& p : o.payloads) {
    const LearnWeighing& w = weighing(p.weighing);
    ++frames_of[p.key];
    // The raw numbers a weight can be (0.1 kg to 500 kg at the smallest and largest factor).
    const double lo_raw = std::min(target_in(w, WeightUnit::kg), target_in(w, WeightUnit::lb)) * 0.9;
    const double hi_raw = std::max(target_in(w, WeightUnit::kg), target_in(w, WeightUnit::lb)) * 1000 * 1.1;
    const int n = static_cast<int>(p.bytes.size());
    for (int off = 0; off < n; ++off)
      for (int width = 1; width <= 4 && off + width <= n; ++width)
        for (bool big : {false, true}) {
          if (width == 1 && big) continue;
          const std::uint32_t raw = *read_uint(p.bytes, off, width, big);
          if (raw < lo_raw || raw > hi_raw) continue;
          for (double f : kFactors)
            for (WeightUnit u : {WeightUnit::kg, WeightUnit::lb}) {
              Layout l{off, width, big, f, u};
              if (!holds_raw(l, raw, w)) continue;
              Held& h = held[{p.key, l}];
              h.weighings.insert(p.weighing);
              ++h.frames;
              if (p.weighing == 0) h.last_in_first = std::max(h.last_in_first, p.time_us);
            }
        }
  }
  // A layout that holds in every weighing. Among many devices' frames some byte pairs will
  // match any number by chance, once; the device's own field holds in a good share of the
  // frames its source sent (the final ones): chance matches are dropped when such a field exists.
  std::vector<std::pair<SourceKey, Layout>> everywhere;
  auto common = [&](const std::pair<SourceKey, Layout>& k) { return held[k].frames * 20 >= frames_of[k.first]; };
  for (const auto& [k, h] : held)
    if (static_cast<int>(h.weighings.size()) == n_weighings) everywhere.push_back(k);
  if (std::any_of(everywhere.begin(), everywhere.end(), common))
    everywhere.erase(std::remove_if(everywhere.begin(), everywhere.end(), [&](const auto& k) { return !common(k); }),
                     everywhere.end());
  if (everywhere.empty())
    throw LearnError("no field holds the weight in every capture (tried every offset, 1-4 bytes, both byte orders, "
                     "x1 to x1000, kg and lb, in every advertisement and every value a device sent); check the values "
                     "and their order, or `capture find` each capture alone");
  // When the weight holds in several kinds of frame (a scale's live frames and its result),
  // the one that comes last in the first weighing is the result.
  // Prefer the display's unit, 2 bytes, a common factor, the result, then the lowest offset.
  const WeightUnit display = weighing(0).in_lb ? WeightUnit::lb : WeightUnit::kg;
  std::sort(everywhere.begin(), everywhere.end(), [&](const auto& a, const auto& b) {
    auto rank = [&](const std::pair<SourceKey, Layout>& x) {
      return std::make_tuple(x.second.unit != display, width_rank(x.second.width), factor_rank(x.second.factor),
                             -held[x].last_in_first, x.second.offset, x.second.big);
    };
    return rank(a) < rank(b);
  });
  const SourceKey key = everywhere.front().first;
  const Layout weight = everywhere.front().second;
  if (key.source == FrameSource::characteristic && !key.uuid_known)
    throw LearnError("the weight is in the " + source_text(key) + " (" + layout_text(weight) +
                     "), but the capture holds no GATT discovery naming that handle's characteristic: record a "
                     "capture that starts before the app connects, or name it with --map HANDLE=UUID");

  LearnResult result;
  for (std::size_t i = 1; i < everywhere.size() && result.advice.size() < 3; ++i) {
    const auto& [k2, l2] = everywhere[i];
    if (k2 == key && l2.width == weight.width && l2.unit == weight.unit && (l2.offset != weight.offset || l2.big != weight.big))
      result.advice.push_back("the weight also holds at " + layout_text(l2) + " in these captures; a capture of a weight "
                              "at least 1 kg different would decide between it and " + layout_text(weight));
    if (!(k2 == key) && l2.width == weight.width && l2.unit == weight.unit && k2.address == key.address)
      result.advice.push_back("the weight also holds in the " + source_text(k2) + " (" + layout_text(l2) +
                              "), which came earlier in the weighing: the definition uses the later " + source_text(key) +
                              " (the result); edit [frame] to use the other");
    else if (!(k2 == key) && l2.width == weight.width && l2.unit == weight.unit)
      result.advice.push_back("the weight also holds in the " + source_text(k2) + " of " + k2.address.str() + " (" +
                              layout_text(l2) + "); a capture with only one of the two devices would decide");
  }
  if (n_weighings == 1)
    result.advice.push_back("learned from one weighing: a capture of a second, different weight would confirm the weight "
                            "field and show which bytes are constant");

  // 2. The frames the weight is in, and the other frames of that source.
  std::vector<const Payload*> finals, others;
  for (const Payload& p : o.payloads) {
    if (!(p.key == key)) continue;
    (holds(weight, p.bytes, weighing(p.weighing)) ? finals : others).push_back(&p);
  }
  auto def = std::make_shared<Definition>();
  const DeviceSeen seen = o.devices.count(key.address) ? o.devices[key.address] : DeviceSeen{};
  def->id = !in.id.empty() ? in.id : sanitized_id(seen.name).empty() ? "learned-device" : sanitized_id(seen.name);
  // A name-made id must not be a built-in device's (or its simulator's): it would not load beside it.
  for (const DeviceDescriptor* b : builtin_devices())
    if (in.id.empty() && (b->id == def->id || (b->simulator && b->simulator->name == def->id))) def->id += "-learned";
  def->name = (seen.name.empty() ? std::string("device ") + key.address.str() : seen.name) + " (learned from " +
              std::to_string(in.captures.size()) + (in.captures.size() == 1 ? " capture)" : " captures)");
  if (!seen.name.empty()) def->names = {seen.name};
  def->service_uuids = seen.services;
  Frame& f = def->frame;
  f.source = key.source;
  f.uuid = key.uuid;
  f.company = key.company;
  std::size_t lo = 255, hi = 0;
  for (const Payload* p : finals) {
    lo = std::min(lo, p->bytes.size());
    hi = std::max(hi, p->bytes.size());
  }
  f.min_length = lo;
  f.max_length = hi;
  IntField wf;
  wf.offset = weight.offset;
  wf.width = weight.width;
  wf.big_endian = weight.big;
  wf.scale = 1.0 / weight.factor;
  f.weight = wf;
  f.unit = weight.unit;
  std::vector<std::pair<int, int>> used{{weight.offset, weight.width}};  // bytes that are fields
  result.found.push_back("device: " + key.address.str() + (seen.name.empty() ? "" : " \"" + seen.name + "\"") +
                         (seen.services.empty() ? "" : ", advertising service " + seen.services.front().short_str()));
  result.found.push_back("frames: " + source_text(key) + ", " +
                         (lo == hi ? std::to_string(lo) + " bytes" : std::to_string(lo) + "-" + std::to_string(hi) + " bytes") +
                         " (" + std::to_string(finals.size()) + " with the weight, e.g. " + hex_spaced(finals.front()->bytes) + ")");
  result.found.push_back("weight: " + layout_text(weight));

  // 3. The time in the frames.
  for (int off = 0; off < static_cast<int>(lo) && !f.time; ++off)
    for (TimeEncoding e : {TimeEncoding::unix32_be, TimeEncoding::unix32_le, TimeEncoding::civil_le, TimeEncoding::civil_be}) {
      const int width = (e == TimeEncoding::unix32_be || e == TimeEncoding::unix32_le) ? 4 : 7;
      if (overlaps(off, width, weight.offset, weight.width)) continue;
      bool all = !finals.empty();
      for (const Payload* p : finals) {
        const std::int64_t ref = weighing(p->weighing).unix_time.value_or(p->time_us / 1000000);
        all = all && time_holds(e, p->bytes, off, ref);
      }
      if (all) {
        f.time = TimeField{off, e};
        used.push_back({off, width});
        result.found.push_back("time: offset " + std::to_string(off) + ", " + std::string(time_encoding_name(e)));
        break;
      }
    }

  // 4. The impedance, when a value set names it.
  bool want_impedance = false;
  for (int k = 0; k < n_weighings; ++k) want_impedance = want_impedance || weighing(k).impedance.has_value();
  if (want_impedance) {
    for (int off = 0; off + 2 <= static_cast<int>(lo) && !f.impedance; ++off)
      for (bool big : {false, true})
        for (double factor : {1.0, 10.0}) {
          bool clash = false;
          for (auto [u, w] : used) clash = clash || overlaps(off, 2, u, w);
          if (clash || f.impedance) continue;
          bool all = true;
          for (int k = 0; k < n_weighings && all; ++k) {
            if (!weighing(k).impedance) continue;
            bool any = false;
            for (const Payload* p : finals) {
              if (p->weighing != k) continue;
              auto raw = read_uint(p->bytes, off, 2, big);
              any = any || (raw && std::fabs(*raw / factor - *weighing(k).impedance) <= 0.5 / factor + 1e-9);
            }
            all = any;
          }
          if (!all) continue;
          IntField z;
          z.offset = off;
          z.width = 2;
          z.big_endian = big;
          z.scale = 1.0 / factor;
          f.impedance = z;
          used.push_back({off, 2});
          result.found.push_back("impedance: offset " + std::to_string(off) + ", u16" + (big ? "be" : "le") +
                                 (factor == 1 ? ", ohm" : ", ohm x 10"));
        }
    if (!f.impedance) result.advice.push_back("no field holds the impedance in every weighing; it is left out");
    // A bit that is set in the final frames carrying the impedance and clear in those without.
    if (f.impedance) {
      std::vector<const Payload*> with, without;
      for (const Payload* p : finals) {
        auto raw = read_uint(p->bytes, f.impedance->offset, 2, f.impedance->big_endian);
        const double ohm = raw ? *raw * f.impedance->scale : 0;
        const auto& want = weighing(p->weighing).impedance;
        (want && std::fabs(ohm - *want) <= 0.5 ? with : without).push_back(p);
      }
      for (int off = 0; off < static_cast<int>(lo) && !without.empty() && !f.impedance_present; ++off) {
        bool clash = false;
        for (auto [u, w] : used) clash = clash || overlaps(off, 1, u, w);
        for (int bit = 0; bit < 8 && !clash && !f.impedance_present; ++bit) {
          const std::uint8_t m = static_cast<std::uint8_t>(1u << bit);
          bool ok = true;
          for (const Payload* p : with) ok = ok && (p->bytes[static_cast<std::size_t>(off)] & m);
          for (const Payload* p : without) ok = ok && !(p->bytes[static_cast<std::size_t>(off)] & m);
          if (ok) {
            f.impedance_present = BitFlag{off, m, m};
            used.push_back({off, 1});
            char buf[80];
            std::snprintf(buf, sizeof buf, "impedance present: byte %d & 0x%02x", off, m);
            result.found.push_back(buf);
          }
        }
      }
    }
  }

  // 5b. A checksum at the end: one of the common algorithms over the bytes before it (from
  // the first or the second byte) that holds in every frame of that length from the source,
  // at least three of them (one frame would match some algorithm by chance).
  {
    std::vector<const Payload*> same_length;
    for (const Payload& p : o.payloads)
      if (p.key == key && p.bytes.size() >= lo && p.bytes.size() <= hi) same_length.push_back(&p);
    std::set<Bytes> distinct;
    for (const Payload* p : same_length) distinct.insert(p->bytes);
    if (distinct.size() >= 3 && lo == hi && lo >= 4) {
      const int n = static_cast<int>(lo);
      for (ChecksumAlgorithm a : {ChecksumAlgorithm::sum8, ChecksumAlgorithm::xor8, ChecksumAlgorithm::crc8,
                                  ChecksumAlgorithm::crc8_maxim, ChecksumAlgorithm::crc16_modbus,
                                  ChecksumAlgorithm::crc16_ccitt_false, ChecksumAlgorithm::crc16_xmodem,
                                  ChecksumAlgorithm::crc16_kermit}) {
        if (f.checksum) break;
        const int w = checksum_width(a);
        bool clash = false;
        for (auto [u, uw] : used) clash = clash || overlaps(n - w, w, u, uw);
        if (clash) continue;
        for (int from : {0, 1})
          for (bool big : {false, true}) {
            if (f.checksum || (w == 1 && big)) continue;
            bool all = true;
            for (const Bytes& b : distinct) {
              const std::uint32_t c = compute_checksum(a, ByteView(b).subspan(static_cast<std::size_t>(from), static_cast<std::size_t>(n - w - from)));
              const std::uint32_t got = w == 1 ? b[static_cast<std::size_t>(n - 1)]
                                               : big ? be16(&b[static_cast<std::size_t>(n - 2)]) : le16(&b[static_cast<std::size_t>(n - 2)]);
              all = all && c == got;
            }
            if (!all) continue;
            f.checksum = Checksum{a, from, n - w - 1, n - w, big};
            used.push_back({n - w, w});
            result.found.push_back("checksum: " + std::string(checksum_name(a)) + " of bytes " + std::to_string(from) + "-" +
                                   std::to_string(n - w - 1) + " at byte " + std::to_string(n - w) +
                                   (w == 2 ? (big ? " (big-endian)" : " (little-endian)") : "") + ", in all " +
                                   std::to_string(distinct.size()) + " distinct frames");
          }
      }
    }
  }

  // 5. The bit that marks the final frames: set one way in every frame with the weight,
  // the other way in every settling frame (another weight, earlier in the same weighing).
  std::vector<const Payload*> settling;
  for (const Payload* p : others) {
    if (p->bytes.size() < lo || p->bytes.size() > hi) continue;
    auto raw = read_uint(p->bytes, weight.offset, weight.width, weight.big);
    if (!raw || *raw == 0) continue;
    const double kg = to_kg(*raw / weight.factor, weight.unit);
    if (kg > 500) continue;
    bool before_final = false;
    for (const Payload* q : finals)
      before_final = before_final || (q->weighing == p->weighing && q->time_us >= p->time_us && (p->session == q->session));
    if (before_final) settling.push_back(p);
  }
  if (!settling.empty()) {
    std::vector<BitFlag> separating;
    for (int off = 0; off < static_cast<int>(lo); ++off) {
      bool clash = false;
      for (auto [u, w] : used) clash = clash || overlaps(off, 1, u, w);
      if (clash) continue;
      for (int bit = 0; bit < 8; ++bit) {
        const std::uint8_t m = static_cast<std::uint8_t>(1u << bit);
        const std::uint8_t v = finals.front()->bytes[static_cast<std::size_t>(off)] & m;
        bool ok = true;
        for (const Payload* p : finals) ok = ok && (p->bytes[static_cast<std::size_t>(off)] & m) == v;
        for (const Payload* p : settling) ok = ok && (p->bytes[static_cast<std::size_t>(off)] & m) != v;
        if (ok) separating.push_back(BitFlag{off, m, v});
      }
    }
    if (!separating.empty()) {
      f.stabilized = separating.front();
      char buf[96];
      std::snprintf(buf, sizeof buf, "stabilized: byte %d & 0x%02x == 0x%02x (%zu settling frames told apart)",
                    separating.front().offset, separating.front().mask, separating.front().value, settling.size());
      result.found.push_back(buf);
      used.push_back({separating.front().offset, 1});
      if (separating.size() > 1) {
        std::string also;
        for (std::size_t i = 1; i < separating.size() && i < 4; ++i) {
          snprintf(buf, sizeof buf, "%sbyte %d & 0x%02x", also.empty() ? "" : ", ", separating[i].offset, separating[i].mask);
          also += buf;
        }
        result.advice.push_back("other bits also set the final frames apart from the settling ones (" + also +
                                "): a capture with a longer settling (step on slowly) would decide");
      }
    } else {
      result.advice.push_back("no single bit sets the " + std::to_string(finals.size()) + " final frames apart from the " +
                              std::to_string(settling.size()) + " settling ones; every frame counts as stabilized");
    }
  } else {
    result.found.push_back("stabilized: every frame with a weight counts (the captures show no settling frames)");
  }

  // 6. Constant bytes (characteristic frames share a characteristic with other frames: the
  // type byte tells them apart). A byte before the first field is constant when it is the
  // same in every frame with the weight and is not a sequence number (a byte that counts up
  // by one from frame to frame of the device); of those, the ones that differ in the other
  // frames of the characteristic are the type; with no other frames, the first two.
  if (key.source == FrameSource::characteristic) {
    int first_field = std::min({static_cast<int>(lo), 8, weight.offset});
    if (f.time) first_field = std::min(first_field, f.time->offset);
    if (f.impedance) first_field = std::min(first_field, f.impedance->offset);
    std::vector<const Payload*> device_frames;  // in capture order
    for (const Payload& p : o.payloads)
      if (p.key.address == key.address && p.key.source == FrameSource::characteristic && p.weighing == 0) device_frames.push_back(&p);
    auto counts_up = [&](int i) {
      int steps = 0, ups = 0;
      for (std::size_t j = 1; j < device_frames.size(); ++j) {
        if (device_frames[j]->session != device_frames[j - 1]->session) continue;
        if (static_cast<int>(device_frames[j]->bytes.size()) <= i || static_cast<int>(device_frames[j - 1]->bytes.size()) <= i) continue;
        ++steps;
        ups += device_frames[j]->bytes[static_cast<std::size_t>(i)] ==
               static_cast<std::uint8_t>(device_frames[j - 1]->bytes[static_cast<std::size_t>(i)] + 1);
      }
      return steps >= 2 && ups * 5 >= steps * 4;
    };
    std::vector<int> same, type;
    for (int i = 0; i < first_field; ++i) {
      bool flag_byte = false;
      for (auto [u, w] : used) flag_byte = flag_byte || overlaps(i, 1, u, w);
      if (flag_byte) continue;
      bool all = true;
      for (const Payload* p : finals) all = all && p->bytes[static_cast<std::size_t>(i)] == finals.front()->bytes[static_cast<std::size_t>(i)];
      if (!all) continue;
      if (counts_up(i)) {
        result.found.push_back("sequence number: byte " + std::to_string(i) + " (counts up from frame to frame; not a constant)");
        continue;
      }
      same.push_back(i);
      bool differs = false;
      for (const Payload* p : others)
        differs = differs || (p->bytes.size() > static_cast<std::size_t>(i) && p->bytes[static_cast<std::size_t>(i)] != finals.front()->bytes[static_cast<std::size_t>(i)]);
      if (differs) type.push_back(i);
    }
    std::vector<int> chosen = !type.empty() ? type : std::vector<int>(same.begin(), same.begin() + std::min<std::size_t>(same.size(), 2));
    for (int i : chosen) {
      const std::uint8_t b = finals.front()->bytes[static_cast<std::size_t>(i)];
      if (!f.constants.empty() && f.constants.back().offset + static_cast<int>(f.constants.back().bytes.size()) == i)
        f.constants.back().bytes.push_back(b);
      else
        f.constants.push_back({i, Bytes{b}});
    }
    for (const Constant& c : f.constants)
      result.found.push_back("constant: " + hex_spaced(c.bytes) + " at offset " + std::to_string(c.offset) +
                             (type.empty() ? " in every frame with the weight" : " (the frame type: other frames differ there)"));
    if (type.empty() && n_weighings == 1 && !chosen.empty())
      result.advice.push_back("the constant bytes are a guess from one weighing: a second capture would show whether they change");
  }

  // 7. The conversation: what the app wrote before the weighing and after it.
  if (key.source == FrameSource::characteristic) {
    const Payload* first = nullptr;
    for (const Payload* p : finals)
      if (p->weighing == 0 && p->session >= 0) {
        first = p;
        break;
      }
    if (!first) first = finals.front();
    DefinedConversation conv;
    conv.service = Uuid::from16(0xFFF0);
    for (const Uuid& u : seen.services)
      if (u.is16()) {
        conv.service = u;
        break;
      }
    conv.steps.push_back({.kind = ConversationStep::Kind::subscribe, .characteristic = f.uuid});
    auto is_write = [](const AttRecord& r) {
      return r.from_host && (r.opcode == 0x12 || r.opcode == 0x52) && r.uuid && *r.uuid != Uuid::from16(0x2902);
    };
    // The writes of one weighing's session: before its first final frame, and right after it.
    auto writes_of = [&](const Payload* fin, bool before) {
      std::vector<const AttRecord*> out;
      if (before) {
        for (std::size_t i = 0; i < fin->att_index; ++i)
          if (o.att[i].session == fin->session && is_write(o.att[i])) out.push_back(&o.att[i]);
      } else {
        for (std::size_t i = fin->att_index + 1; i < o.att.size() && out.size() < 2; ++i) {
          const AttRecord& r = o.att[i];
          if (r.session != fin->session) break;
          if (!r.from_host && (r.opcode == 0x1B || r.opcode == 0x1D)) break;
          if (is_write(r)) out.push_back(&r);
        }
      }
      return out;
    };
    auto ref_time = [&](const AttRecord& r) { return weighing(r.weighing).unix_time.value_or(r.time_us / 1000000); };
    const auto before = writes_of(first, true), after = writes_of(first, false);
    for (const AttRecord* w : before) {
      std::string how;
      ConversationStep s{.kind = ConversationStep::Kind::write, .characteristic = *w->uuid};
      s.bytes = request_template(w->value, ref_time(*w), how);
      s.mode = w->opcode == 0x12 ? WriteMode::with_response : WriteMode::without_response;
      result.found.push_back("request: " + template_text(s.bytes) + " written to " + w->uuid->short_str() +
                             (s.mode == WriteMode::with_response ? " (write request)" : " (write command)") + how);
      conv.steps.push_back(std::move(s));
    }
    conv.steps.push_back({.kind = ConversationStep::Kind::wait_reading});
    for (const AttRecord* w : after) {
      std::string how;
      ConversationStep s{.kind = ConversationStep::Kind::write, .characteristic = *w->uuid};
      s.bytes = request_template(w->value, ref_time(*w), how);
      s.mode = w->opcode == 0x12 ? WriteMode::with_response : WriteMode::without_response;
      result.found.push_back("acknowledgement: " + template_text(s.bytes) + " written to " + w->uuid->short_str() + how);
      conv.steps.push_back(std::move(s));
    }
    // The other weighings must have been asked the same way.
    for (const Payload* p : finals) {
      if (p->weighing == 0 || p->session < 0) continue;
      const auto b2 = writes_of(p, true);
      bool same = b2.size() == before.size();
      for (std::size_t i = 0; same && i < b2.size(); ++i) {
        std::string ignored;
        same = template_text(request_template(b2[i]->value, ref_time(*b2[i]), ignored)) ==
               template_text(request_template(before[i]->value, ref_time(*before[i]), ignored));
      }
      if (!same) {
        result.advice.push_back("the app's requests differ between capture 1 and capture " + std::to_string(p->weighing + 1) +
                                " beyond the time: perhaps the person's data; edit the template with {height_cm}, {age}, "
                                "{sex} or {user_slot} where they are");
        break;
      }
    }
    if (before.empty()) result.found.push_back("request: none (the device sends once notifications are on)");
    if (def->names.empty() && def->service_uuids.empty())
      throw LearnError("the captures show neither a name nor a service for " +
                       (key.address == MacAddress{} ? std::string("the device (nor its address: the capture began after it connected)")
                                                    : key.address.str()) +
                       ": a definition could not recognise it (capture its advertisements too)");
    def->conversation = std::move(conv);
  }

  // 8. Write it, read it back, and decode the captures with it alone.
  std::string header = "# Learned by `declouder capture learn` from";
  for (std::size_t k = 0; k < in.captures.size(); ++k) {
    const LearnWeighing& w = weighing(static_cast<int>(k));
    char buf[64];
    std::snprintf(buf, sizeof buf, " (%.*f %s)", w.decimals, w.weight, w.in_lb ? "lb" : "kg");
    header += "\n#   " + in.captures[k] + buf;
  }
  header += "\n# docs/definitions.md explains every key.\n\n";
  result.toml = definition_toml(*def, header);
  std::shared_ptr<const Definition> back;
  try {
    back = parse_definition(result.toml, def->id + ".toml");
  } catch (const DefinitionError& e) {
    throw LearnError(std::string("the learned definition does not read back (a bug): ") + e.what());
  }
  result.definition = def;
  const DeviceRegistry registry = make_registry({back}, false);
  result.verified = true;
  for (int k = 0; k < n_weighings; ++k) {
    const LearnWeighing& w = weighing(k);
    std::vector<Reading> readings;
    FrameHandlers handlers;
    auto keep = [&](const DeviceDescriptor&, const DecodeOutcome& out) {
      if (out.ok() && out.reading.stabilized && out.reading.weight_kg) readings.push_back(out.reading);
    };
    handlers.on_advertisement = [&](const Advertisement& a) { registry.decode_advertisement(a, keep); };
    handlers.on_gatt_value = [&](const GattValue& v) { registry.decode_gatt(v, keep); };
    capture::replay_capture(in.captures[static_cast<std::size_t>(k)], handlers, in.assumed_uuids);
    const WeightUnit shown = w.in_lb ? WeightUnit::lb : WeightUnit::kg;
    bool right = false;
    std::string got;
    for (const Reading& r : readings) {
      const double v = display_value(*r.weight_kg, shown);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.*f", w.decimals, v);
      if (got.find(buf) == std::string::npos) got += (got.empty() ? "" : ", ") + std::string(buf);
      bool imp_ok = !w.impedance || (r.impedance_ohm && std::fabs(*r.impedance_ohm - *w.impedance) <= 0.5);
      right = right || (std::fabs(v - w.weight) <= tolerance(w) + 0.5 / weight.factor && imp_ok);
    }
    char want[64];
    std::snprintf(want, sizeof want, "%.*f %s", w.decimals, w.weight, w.in_lb ? "lb" : "kg");
    result.checks.push_back("capture " + std::to_string(k + 1) + " (" + in.captures[static_cast<std::size_t>(k)] + "): " +
                            want + (right ? " decoded" : " NOT decoded") +
                            (got.empty() ? " (no stabilized reading)" : " (stabilized readings: " + got + ")"));
    result.verified = result.verified && right;
  }
  return result;
}

}  // namespace declouder::definitions
