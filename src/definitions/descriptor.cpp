// A definition as a DeviceDescriptor: claims, decoders and conversation from the definition,
// and a simulator that plays the device the definition describes.
//
// The simulator builds its frames with encode_frame (the definition read backwards), so a
// definition can be tried end to end without hardware; it cannot prove a definition right
// about a real device (only a capture of the device can: `capture learn` checks against the
// captures it learned from). It advertises the first name pattern (a '*' dropped, a '?' as
// '0') and the advertised services; an advertisement device then sends a weighing: three
// settling frames (when the definition has a stabilized flag) and the final one, repeated.
// A device that must be asked serves the conversation's service with the frame
// characteristic (read, notify) and each characteristic written to; a write that matches the
// request before a wait for a reading (its literal bytes, placeholders as any) is answered
// with a settling frame and then the final one; a write before a wait for a pattern is
// answered with the pattern's bytes; other writes (acknowledgements) need no answer.
#include "definitions/descriptor.hpp"

#include <cmath>

#include "core/person.hpp"

namespace declouder::definitions {

namespace {

std::size_t template_length(const Template& t) {
  std::size_t n = 0;
  for (const TemplatePart& p : t)
    n += (p.kind == TemplatePart::Kind::time_be32 || p.kind == TemplatePart::Kind::time_le32) ? 4 : 1;
  return n;
}

// Does a written value fit the template (its literal bytes where they are; placeholders any)?
bool fits_template(const Template& t, ByteView v) {
  if (v.size() != template_length(t)) return false;
  std::size_t at = 0;
  for (const TemplatePart& p : t) {
    if (p.kind == TemplatePart::Kind::literal && v[at] != p.byte) return false;
    at += (p.kind == TemplatePart::Kind::time_be32 || p.kind == TemplatePart::Kind::time_le32) ? 4 : 1;
  }
  return true;
}

TemplateContext template_context(const ConversationContext& c) {
  TemplateContext t;
  t.unix_now = c.unix_now;
  t.user_slot = c.user.slot;
  if (c.person) {
    if (c.person->height_cm > 0) t.height_cm = static_cast<int>(std::lround(c.person->height_cm));
    t.age = age_on(c.person->birth_date, c.unix_now * 1000000);
    t.male = c.person->sex != Sex::female;
    if (c.person->scale_user) t.user_slot = *c.person->scale_user;
  }
  return t;
}

// The name decides when the definition gives names (a service such as 0xFFF0 is shared by
// many vendors' scales); the advertised services only when it gives none.
bool claims(const Definition& d, const Advertisement& adv) {
  if (!d.names.empty()) {
    for (const std::string& p : d.names)
      if (glob_match(p, adv.name)) return true;
    return false;
  }
  for (const Uuid& u : d.service_uuids)
    for (const Uuid& a : adv.service_uuids)
      if (u == a) return true;
  return false;
}

const Bytes* advert_frame(const Frame& f, const Advertisement& adv) {
  if (f.source == FrameSource::service_data) {
    for (const auto& [u, data] : adv.service_data)
      if (u == f.uuid) return &data;
    return nullptr;
  }
  return adv.manufacturer_data_for(f.company);
}

Conversation build_conversation(const std::shared_ptr<const Definition>& def, const ConversationContext& context) {
  const DefinedConversation& dc = *def->conversation;
  const TemplateContext t = template_context(context);
  Conversation conv;
  conv.name = def->id;
  bool first_subscribe = true;
  for (const ConversationStep& s : dc.steps) {
    switch (s.kind) {
      case ConversationStep::Kind::subscribe: {
        Step step = subscribe_step(s.characteristic);
        step.resume_here = first_subscribe;
        first_subscribe = false;
        conv.steps.push_back(step);
        break;
      }
      case ConversationStep::Kind::write:
        conv.steps.push_back(write_step(s.characteristic, fill_template(s.bytes, t), s.mode,
                                        "write " + template_text(s.bytes) + " to " + s.characteristic.short_str()));
        break;
      case ConversationStep::Kind::pause:
        conv.steps.push_back(pause_step(s.timeout));
        break;
      case ConversationStep::Kind::wait_reading:
      case ConversationStep::Kind::wait_pattern: {
        const bool reading = s.kind == ConversationStep::Kind::wait_reading;
        std::optional<Bytes> ack;
        if (s.ack) ack = fill_template(*s.ack, t);
        const Uuid ack_to = s.ack_to.value_or(s.characteristic);
        auto match = [def, s, reading, ack, ack_to](const GattValue& v, SessionContext& ctx) {
          if (reading) {
            if (v.characteristic != def->frame.uuid) return Verdict::ignore;
            DecodeOutcome o = decode_frame(def->frame, v.value, def->id.c_str());
            if (!o.ok()) return Verdict::ignore;
            if (ack) ctx.link.write(ack_to, *ack, s.ack_mode);
            if (s.until_stable && !o.reading.stabilized) return Verdict::more;
            o.reading.address = v.address;
            ctx.emit(o.reading, v.value);
            return Verdict::done;
          }
          if (!s.pattern.matches(v.value)) return Verdict::ignore;
          if (ack) ctx.link.write(ack_to, *ack, s.ack_mode);
          return Verdict::done;
        };
        const std::string label = reading ? "wait for a reading on " + def->frame.uuid.short_str()
                                          : "wait for a frame " + to_hex(s.pattern.bytes);
        Step step = s.prompt.empty() ? expect_step(label, match, s.timeout) : gate_step(s.prompt, match, s.timeout);
        step.optional = s.optional;
        conv.steps.push_back(step);
        break;
      }
    }
  }
  return conv;
}

MacAddress simulator_address(const std::string& id) {
  std::uint32_t h = 2166136261u;  // FNV-1a: a fixed address per definition id
  for (char c : id) h = (h ^ static_cast<std::uint8_t>(c)) * 16777619u;
  MacAddress a;
  a.bytes = {0xDE, 0xF1, static_cast<std::uint8_t>(h >> 24), static_cast<std::uint8_t>(h >> 16),
             static_cast<std::uint8_t>(h >> 8), static_cast<std::uint8_t>(h)};
  return a;
}

std::string advertised_name(const Definition& d) {
  if (d.names.empty()) return "";
  std::string out;
  for (char c : d.names.front()) {
    if (c == '*') continue;
    out += c == '?' ? '0' : c;
  }
  return out;
}

class DefinedDeviceSimulator : public SimulatedDevice {
 public:
  DefinedDeviceSimulator(std::shared_ptr<const Definition> def, const SimOptions& o)
      : SimulatedDevice(o), def_(std::move(def)) {}

  std::string_view kind() const override { return def_->id; }
  MacAddress address() const override { return options_.address.value_or(simulator_address(def_->id)); }

  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? advertised_name(*def_) : options_.name;
    a.service_uuids = def_->service_uuids;
    if (!advert_frame_.empty()) {
      if (def_->frame.source == FrameSource::service_data) a.service_data.emplace_back(def_->frame.uuid, advert_frame_);
      if (def_->frame.source == FrameSource::manufacturer_data)
        a.manufacturer_data.emplace_back(def_->frame.company, advert_frame_);
    }
    a.connectable = def_->conversation.has_value();
    return a;
  }

  std::vector<SimService> gatt() const override {
    if (!def_->conversation) return {};
    std::vector<SimCharacteristic> chars{{def_->frame.uuid, kRead | kNotify, {}}};
    for (const ConversationStep& s : def_->conversation->steps) {
      auto add = [&](const Uuid& u, WriteMode m) {
        const unsigned prop = m == WriteMode::with_response ? kWrite : kWriteWithoutResponse;
        for (auto& c : chars)
          if (c.uuid == u) {
            c.properties |= prop;
            return;
          }
        chars.push_back({u, prop, {}});
      };
      if (s.kind == ConversationStep::Kind::write) add(s.characteristic, s.mode);
      if (s.ack) add(s.ack_to.value_or(s.characteristic), s.ack_mode);
    }
    return {{def_->conversation->service, chars}};
  }

  void on_subscribe(const Uuid& c) override {
    // A device that sends its frames as soon as notifications are on (no request first).
    if (!def_->conversation || c != def_->frame.uuid) return;
    const auto& steps = def_->conversation->steps;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].kind == ConversationStep::Kind::write) return;
      if (steps[i].kind == ConversationStep::Kind::wait_reading) {
        send_weighing();
        return;
      }
    }
  }

  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (!def_->conversation) return;
    const auto& steps = def_->conversation->steps;
    for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
      const ConversationStep& w = steps[i];
      if (w.kind != ConversationStep::Kind::write || w.characteristic != c || !fits_template(w.bytes, v)) continue;
      // The next wait after this write says what the device answers.
      for (std::size_t j = i + 1; j < steps.size(); ++j) {
        if (steps[j].kind == ConversationStep::Kind::write) break;
        if (steps[j].kind == ConversationStep::Kind::wait_reading) {
          send_weighing();
          return;
        }
        if (steps[j].kind == ConversationStep::Kind::wait_pattern) {
          Bytes answer = steps[j].pattern.bytes;
          for (std::size_t k = 0; k < answer.size(); ++k) answer[k] &= steps[j].pattern.mask[k];
          host().after(std::chrono::milliseconds(50), [this, answer] { host().notify(def_->frame.uuid, answer); });
          return;
        }
      }
    }
  }

 protected:
  void start() override {
    if (def_->conversation) return;  // asked: it advertises only its name and services
    // A weighing in the advertisements: settling (when the frame can say so), then final.
    const double w = options_.weight_kg;
    std::vector<std::pair<int, EncodeValues>> timeline;
    if (def_->frame.stabilized)
      for (double f : {0.6, 0.9, 0.98}) timeline.push_back({static_cast<int>(timeline.size()) * 400, values(w * f, false)});
    timeline.push_back({static_cast<int>(timeline.size()) * 400, values(w, true)});
    for (const auto& step : timeline) {
      const EncodeValues v = step.second;  // (a lambda may not capture a structured binding before C++20's fix)
      host().after(std::chrono::milliseconds(step.first), [this, v] {
        advert_frame_ = encode_frame(def_->frame, v);
        host().advert_changed();
      });
    }
  }

 private:
  EncodeValues values(double kg, bool stable) {
    EncodeValues v;
    v.weight_kg = kg;
    v.impedance_ohm = stable ? options_.impedance_ohm : 0;
    v.stabilized = stable;
    v.unix_now = host().unix_now();
    return v;
  }

  void send_weighing() {
    if (def_->frame.stabilized)
      host().after(std::chrono::milliseconds(100), [this] {
        host().notify(def_->frame.uuid, encode_frame(def_->frame, values(options_.weight_kg * 0.9, false)));
      });
    host().after(std::chrono::milliseconds(300), [this] {
      host().notify(def_->frame.uuid, encode_frame(def_->frame, values(options_.weight_kg, true)));
    });
  }

  std::shared_ptr<const Definition> def_;
  Bytes advert_frame_;
};

std::string recognised_text(const Definition& d) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
  if (!d.names.empty()) {
    std::string n;
    for (const auto& p : d.names) n += (n.empty() ? "" : ", ") + p;
    add("name " + n);
  }
  for (const Uuid& u : d.service_uuids) add("service 0x" + u.short_str());
  const Frame& f = d.frame;
  std::string len = f.min_length == f.max_length ? std::to_string(f.min_length) + " bytes"
                                                 : std::to_string(f.min_length) + "-" + std::to_string(f.max_length) + " bytes";
  if (f.source == FrameSource::service_data) add("service data 0x" + f.uuid.short_str() + " (" + len + ")");
  if (f.source == FrameSource::manufacturer_data) add("manufacturer data company " + std::to_string(f.company) + " (" + len + ")");
  if (f.source == FrameSource::characteristic) add("characteristic 0x" + f.uuid.short_str() + " (" + len + ")");
  add("definition " + (d.file.empty() ? std::string("in memory") : d.file));
  return out;
}

}  // namespace

std::unique_ptr<SimulatedDevice> make_simulator(std::shared_ptr<const Definition> definition, const SimOptions& options) {
  return std::make_unique<DefinedDeviceSimulator>(std::move(definition), options);
}

std::shared_ptr<const DeviceDescriptor> make_descriptor(std::shared_ptr<const Definition> def) {
  auto d = std::make_shared<DeviceDescriptor>();
  d->id = def->id;
  d->name = def->name.empty() ? def->id : def->name;
  d->manufacturer = def->manufacturer;
  d->names = def->names;
  d->recognised_by = recognised_text(*def);
  d->reports = reported_keys(*def);
  const Frame& f = def->frame;
  d->link = f.source == FrameSource::characteristic ? LinkMode::gatt : LinkMode::advertisement;
  if (f.source == FrameSource::service_data) d->service_data_uuids = {f.uuid.short16()};
  if (f.source == FrameSource::manufacturer_data) d->company_ids = {f.company};
  if (f.source == FrameSource::characteristic) d->gatt_characteristics = {f.uuid.short16()};
  d->claims = [def](const Advertisement& a) { return claims(*def, a); };
  if (f.source == FrameSource::characteristic) {
    d->decode_gatt = [def](const GattValue& v) {
      if (v.characteristic != def->frame.uuid)
        return DecodeOutcome::reject(DecodeStatus::not_this_device, "not the definition's characteristic");
      return decode_frame(def->frame, v.value, def->id.c_str());
    };
  } else {
    d->decode_advert = [def](const Advertisement& a) {
      const Bytes* data = advert_frame(def->frame, a);
      if (!data) return DecodeOutcome::reject(DecodeStatus::not_this_device, "no frame where the definition expects it");
      return decode_frame(def->frame, *data, def->id.c_str());
    };
  }
  if (def->conversation) {
    DeviceConversation c;
    c.summary = def->conversation->summary;
    c.build = [def](const ConversationContext& context) { return build_conversation(def, context); };
    c.unattended = def->conversation->unattended;
    c.needs_person = def->conversation->needs_person;
    d->conversation = std::move(c);
  }
  DeviceSimulator sim;
  sim.name = def->id;
  sim.summary = d->name + " (from its definition)";
  sim.create = [def](const SimOptions& o) { return make_simulator(def, o); };
  d->simulator = std::move(sim);
  return d;
}

}  // namespace declouder::definitions
