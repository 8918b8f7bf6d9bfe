#include "gateway/pipeline.hpp"

#include "core/time.hpp"

namespace declouder {

Bytes raw_bytes_for(const DeviceDescriptor& family, const Advertisement& adv) {
  for (std::uint16_t u : family.service_data_uuids)
    if (const Bytes* b = adv.service_data_for(u)) return *b;
  for (std::uint16_t c : family.company_ids)
    if (const Bytes* b = adv.manufacturer_data_for(c)) return *b;
  if (!adv.service_data.empty()) return adv.service_data.front().second;
  if (!adv.manufacturer_data.empty()) return adv.manufacturer_data.front().second;
  return {};
}

int Pipeline::advertisement(const Advertisement& heard, const std::string& source) {
  // A device whose key we hold: its advert is decoded with it (a copy only for those few).
  std::optional<Advertisement> keyed;
  if (!keys_.empty() && heard.address && !heard.bindkey)
    if (const Bindkey* key = keys_.find(*heard.address)) {
      keyed = heard;
      keyed->bindkey = *key;
    }
  const Advertisement& adv = keyed ? *keyed : heard;
  ++counts_.frames;
  int decoded = 0;
  const std::int64_t t = adv.time_us ? adv.time_us : now_unix_us();
  devices_->decode_advertisement(adv, [&](const DeviceDescriptor& f, const DecodeOutcome& o) {
    if (!o.ok()) {
      if (o.status != DecodeStatus::not_this_device) {
        ++counts_.rejected;
        if (debug_) debug_(std::string(f.id) + ": rejected advert (" + std::string(status_name(o.status)) + ": " + o.detail + ")");
      }
      return;
    }
    ++decoded;
    const std::string device = o.reading.address ? o.reading.address->str() : std::string();
    for (PipelineListener* l : listeners_) l->heard(adv, device);
    const Bytes raw = raw_bytes_for(f, adv);
    reading(o.reading, raw, t, source, adv.name);
  });
  return decoded;
}

void Pipeline::gatt_value(const GattValue& value, const std::string& source) {
  ++counts_.frames;
  const std::int64_t t = value.time_us ? value.time_us : now_unix_us();
  devices_->decode_gatt(value, [&](const DeviceDescriptor& f, const DecodeOutcome& o) {
    if (!o.ok()) {
      if (o.status != DecodeStatus::not_this_device) {
        ++counts_.rejected;
        if (debug_) debug_(std::string(f.id) + ": rejected value (" + std::string(status_name(o.status)) + ")");
      }
      return;
    }
    reading(o.reading, value.value, t, source, value.device_name);
  });
}

void Pipeline::reading(const Reading& r, ByteView raw, std::int64_t time_us, const std::string& source,
                       std::string_view device_name) {
  ++counts_.decoded;
  // Stored here, in one transaction, before anything else happens to it.
  const RecordResult res = recorder_.record(r, raw, time_us, source, device_name);
  const std::int64_t now = now_unix_us();
  if (r.battery_percent && r.address && !res.repeated_frame) {
    const std::string device = r.address->str();
    for (PipelineListener* l : listeners_) l->battery(device, *r.battery_percent, r.model ? r.model : "");
  }
  switch (res.kind) {
    case RecordResult::Kind::new_measurement:
    case RecordResult::Kind::updated_measurement: {
      const Measurement& m = *res.measurement;
      auto it = held_.find(m.uid);
      if (res.kind == RecordResult::Kind::updated_measurement && it == held_.end()) {
        if (debug_) debug_("measurement " + m.uid + " updated after it was handed on (kept in the store only)");
        break;
      }
      if (m.impedance_ohm) {  // complete: nothing more can come
        if (it != held_.end()) held_.erase(it);
        hand_on(m, source);
      } else {
        held_[m.uid] = {m, source, now + settle_us_};
      }
      break;
    }
    case RecordResult::Kind::repeat:
    case RecordResult::Kind::not_a_measurement:
      if (r.load_removed && r.address) {  // the person stepped off: that scale's weighing is over
        for (auto it = held_.begin(); it != held_.end();) {
          if (it->second.m.address == r.address) {
            Held h = std::move(it->second);
            it = held_.erase(it);
            hand_on(h.m, h.source);
          } else {
            ++it;
          }
        }
      }
      break;
  }
}

void Pipeline::hand_on(const Measurement& m, const std::string& source) {
  ++counts_.measurements;
  for (PipelineListener* l : listeners_) l->measurement(m, source);
}

std::int64_t Pipeline::next_deadline_us() const {
  std::int64_t d = 0;
  for (const auto& [uid, h] : held_)
    if (!d || h.due_us < d) d = h.due_us;
  return d;
}

void Pipeline::tick(std::int64_t now_us) {
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->second.due_us <= now_us) {
      Held h = std::move(it->second);
      it = held_.erase(it);
      hand_on(h.m, h.source);
    } else {
      ++it;
    }
  }
}

void Pipeline::flush() {
  auto held = std::move(held_);
  held_.clear();
  for (auto& [uid, h] : held) hand_on(h.m, h.source);
}

std::optional<std::int64_t> Pipeline::oldest_held_id() const {
  std::optional<std::int64_t> oldest;
  for (const auto& [uid, h] : held_)
    if (!oldest || h.m.id < *oldest) oldest = h.m.id;
  return oldest;
}

}  // namespace declouder
