#include "gateway/pipeline.hpp"

#include "core/time.hpp"
#include "devices/registry.hpp"

namespace declouder {

Bytes raw_bytes_for(const DeviceFamily& family, const Advertisement& adv) {
  for (std::uint16_t u : family.service_data_uuids)
    if (const Bytes* b = adv.service_data_for(u)) return *b;
  for (std::uint16_t c : family.company_ids)
    if (const Bytes* b = adv.manufacturer_data_for(c)) return *b;
  if (!adv.service_data.empty()) return adv.service_data.front().second;
  if (!adv.manufacturer_data.empty()) return adv.manufacturer_data.front().second;
  return {};
}

void Pipeline::advertisement(const Advertisement& adv, const std::string& source) {
  ++counts_.frames;
  const std::int64_t t = adv.time_us ? adv.time_us : now_unix_us();
  registry().decode_advertisement(adv, [&](const DeviceFamily& f, const DecodeOutcome& o) {
    if (!o.ok()) {
      if (o.status != DecodeStatus::not_this_device) {
        ++counts_.rejected;
        if (debug_) debug_(std::string(f.id) + ": rejected advert (" + std::string(status_name(o.status)) + ": " + o.detail + ")");
      }
      return;
    }
    const std::string device = o.reading.address ? o.reading.address->str() : std::string();
    for (GatewayOutput* out : outputs_) out->heard(adv, device);
    const Bytes raw = raw_bytes_for(f, adv);
    reading(o.reading, raw, t, source);
  });
}

void Pipeline::gatt_value(const GattValue& value, const std::string& source) {
  ++counts_.frames;
  const std::int64_t t = value.time_us ? value.time_us : now_unix_us();
  registry().decode_gatt(value, [&](const DeviceFamily& f, const DecodeOutcome& o) {
    if (!o.ok()) {
      if (o.status != DecodeStatus::not_this_device) {
        ++counts_.rejected;
        if (debug_) debug_(std::string(f.id) + ": rejected value (" + std::string(status_name(o.status)) + ")");
      }
      return;
    }
    reading(o.reading, value.value, t, source);
  });
}

void Pipeline::reading(const Reading& r, ByteView raw, std::int64_t time_us, const std::string& source) {
  ++counts_.decoded;
  auto m = recorder_.record(r, raw, time_us, source);  // stored here, or nothing (repeat, not final)
  if (!m) return;
  ++counts_.measurements;
  for (GatewayOutput* out : outputs_) out->measurement(*m, source);
}

}  // namespace declouder
