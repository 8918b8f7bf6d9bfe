#include "capture/packets.hpp"

namespace declouder::capture::packet {

namespace {
void put_addr(Bytes& out, const MacAddress& a) {
  for (int i = 5; i >= 0; --i) out.push_back(a.bytes[i]);  // least significant octet first
}
void append(Bytes& out, ByteView b) { out.insert(out.end(), b.begin(), b.end()); }
}  // namespace

Bytes command(std::uint16_t opcode, ByteView params) {
  Bytes b;
  put_u16le(b, opcode);
  b.push_back(static_cast<std::uint8_t>(params.size()));
  append(b, params);
  return b;
}

Bytes event(std::uint8_t code, ByteView params) {
  Bytes b{code, static_cast<std::uint8_t>(params.size())};
  append(b, params);
  return b;
}

Bytes acl(std::uint16_t handle, std::uint8_t pb, ByteView data) {
  Bytes b;
  put_u16le(b, static_cast<std::uint16_t>((handle & 0x0FFF) | (pb << 12)));
  put_u16le(b, static_cast<std::uint16_t>(data.size()));
  append(b, data);
  return b;
}

Bytes l2cap(std::uint16_t cid, ByteView payload) {
  Bytes b;
  put_u16le(b, static_cast<std::uint16_t>(payload.size()));
  put_u16le(b, cid);
  append(b, payload);
  return b;
}

Bytes att(std::uint16_t handle, bool from_host, ByteView att_pdu) {
  return acl(handle, from_host ? 0 : 2, l2cap(0x0004, att_pdu));
}

std::vector<Bytes> att_fragments(std::uint16_t handle, bool from_host, ByteView att_pdu, std::size_t max_data) {
  const Bytes frame = l2cap(0x0004, att_pdu);
  std::vector<Bytes> out;
  for (std::size_t pos = 0; pos < frame.size(); pos += max_data) {
    const std::size_t n = std::min(max_data, frame.size() - pos);
    const std::uint8_t pb = pos == 0 ? (from_host ? 0 : 2) : 1;
    out.push_back(acl(handle, pb, ByteView(frame).subspan(pos, n)));
  }
  return out;
}

Bytes ad(std::uint8_t type, ByteView data) {
  Bytes b{static_cast<std::uint8_t>(data.size() + 1), type};
  append(b, data);
  return b;
}
Bytes ad_flags(std::uint8_t flags) { return ad(0x01, Bytes{flags}); }
Bytes ad_name(std::string_view name, bool complete) {
  return ad(complete ? 0x09 : 0x08, ByteView(reinterpret_cast<const std::uint8_t*>(name.data()), name.size()));
}
Bytes ad_uuid16_list(std::initializer_list<std::uint16_t> uuids) {
  Bytes d;
  for (auto u : uuids) put_u16le(d, u);
  return ad(0x03, d);
}
Bytes ad_service_data16(std::uint16_t uuid, ByteView data) {
  Bytes d;
  put_u16le(d, uuid);
  append(d, data);
  return ad(0x16, d);
}
Bytes ad_manufacturer(std::uint16_t company, ByteView data) {
  Bytes d;
  put_u16le(d, company);
  append(d, data);
  return ad(0xFF, d);
}

Bytes le_advertising_report(std::uint8_t event_type, std::uint8_t address_type, const MacAddress& addr, ByteView ad,
                            std::int8_t rssi) {
  Bytes p{0x02, 0x01, event_type, address_type};
  put_addr(p, addr);
  p.push_back(static_cast<std::uint8_t>(ad.size()));
  append(p, ad);
  p.push_back(static_cast<std::uint8_t>(rssi));
  return event(0x3E, p);
}

Bytes le_extended_advertising_report(std::uint16_t event_type, std::uint8_t address_type, const MacAddress& addr,
                                     ByteView ad, std::int8_t rssi) {
  Bytes p{0x0D, 0x01};
  put_u16le(p, event_type);
  p.push_back(address_type);
  put_addr(p, addr);
  p.push_back(0x01);  // primary PHY LE 1M
  p.push_back(0x00);  // no secondary PHY
  p.push_back(0xFF);  // no SID
  p.push_back(0x7F);  // TX power not available
  p.push_back(static_cast<std::uint8_t>(rssi));
  put_u16le(p, 0);    // no periodic advertising
  p.push_back(0x00);  // direct address type
  for (int i = 0; i < 6; ++i) p.push_back(0);
  p.push_back(static_cast<std::uint8_t>(ad.size()));
  append(p, ad);
  return event(0x3E, p);
}

Bytes le_connection_complete(std::uint8_t status, std::uint16_t handle, std::uint8_t role,
                             std::uint8_t peer_address_type, const MacAddress& peer) {
  Bytes p{0x01, status};
  put_u16le(p, handle);
  p.push_back(role);
  p.push_back(peer_address_type);
  put_addr(p, peer);
  put_u16le(p, 0x0028);  // interval 50 ms
  put_u16le(p, 0);       // latency
  put_u16le(p, 0x002A);  // supervision timeout 420 ms
  p.push_back(0x00);     // master clock accuracy
  return event(0x3E, p);
}

Bytes disconnection_complete(std::uint8_t status, std::uint16_t handle, std::uint8_t reason) {
  Bytes p{status};
  put_u16le(p, handle);
  p.push_back(reason);
  return event(0x05, p);
}

Bytes command_complete(std::uint8_t ncmd, std::uint16_t opcode, ByteView return_params) {
  Bytes p{ncmd};
  put_u16le(p, opcode);
  append(p, return_params);
  return event(0x0E, p);
}

Bytes command_status(std::uint8_t status, std::uint8_t ncmd, std::uint16_t opcode) {
  Bytes p{status, ncmd};
  put_u16le(p, opcode);
  return event(0x0F, p);
}

Bytes number_of_completed_packets(std::uint16_t handle, std::uint16_t count) {
  Bytes p{0x01};
  put_u16le(p, handle);
  put_u16le(p, count);
  return event(0x13, p);
}

Bytes att_uuid_le(const Uuid& u) {
  Bytes b;
  if (u.is16()) {
    put_u16le(b, u.short16());
  } else {
    for (int i = 15; i >= 0; --i) b.push_back(u.bytes[i]);
  }
  return b;
}

Bytes att_handle_value(std::uint8_t opcode, std::uint16_t handle, ByteView value) {
  Bytes b{opcode};
  put_u16le(b, handle);
  append(b, value);
  return b;
}

Bytes att_read_by_type_request(std::uint16_t start, std::uint16_t end, const Uuid& type) {
  Bytes b{0x08};
  put_u16le(b, start);
  put_u16le(b, end);
  append(b, att_uuid_le(type));
  return b;
}

Bytes att_read_by_group_type_request(std::uint16_t start, std::uint16_t end, const Uuid& type) {
  Bytes b = att_read_by_type_request(start, end, type);
  b[0] = 0x10;
  return b;
}

}  // namespace declouder::capture::packet
