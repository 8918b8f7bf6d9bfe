#include "capture/session.hpp"

#include <map>

namespace declouder::capture {

CaptureSummary trace_capture(const std::string& path, TraceHandlers handlers,
                             const std::function<void(const HciRecord&)>& on_record, const HandleMap& assumed_uuids) {
  CaptureReader reader = CaptureReader::open(path);
  BleTrace trace(std::move(handlers), assumed_uuids);
  HciRecord rec;
  while (reader.next(rec)) {
    if (on_record) on_record(rec);
    trace.feed(rec);
  }
  return CaptureSummary{reader.format(), reader.records_read(), reader.stop()};
}

CaptureSummary replay_capture(const std::string& path, const FrameHandlers& frames, const HandleMap& assumed_uuids) {
  std::map<MacAddress, std::string> names;  // advertised names, to help pick GATT drivers
  TraceHandlers h;
  h.on_advert = [&](const AdvertEvent& e) {
    if (!e.advert.name.empty() && e.advert.address) names[*e.advert.address] = e.advert.name;
    if (frames.on_advertisement) frames.on_advertisement(e.advert);
  };
  h.on_att = [&](const AttEvent& e) {
    if (!frames.on_gatt_value || e.from_host || !e.uuid) return;
    const std::uint8_t op = e.pdu.opcode;
    if (op != 0x1B && op != 0x1D && op != 0x0B && !(op == 0x09 && !e.value.empty())) return;
    GattValue v;
    v.characteristic = *e.uuid;
    v.value.assign(e.value.begin(), e.value.end());
    v.address = e.address;
    if (e.address)
      if (auto it = names.find(*e.address); it != names.end()) v.device_name = it->second;
    v.time_us = e.record.time_us;
    frames.on_gatt_value(v);
  };
  return trace_capture(path, std::move(h), {}, assumed_uuids);
}

}  // namespace declouder::capture
