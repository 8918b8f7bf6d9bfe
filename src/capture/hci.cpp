#include "capture/hci.hpp"

#include <cstdio>

namespace declouder::capture {

std::optional<HciCommand> parse_command(ByteView p) {
  if (p.size() < 3 || p.size() < 3u + p[2]) return std::nullopt;
  return HciCommand{le16(p.data()), p.subspan(3, p[2])};
}

std::optional<HciEvent> parse_event(ByteView p) {
  if (p.size() < 2 || p.size() < 2u + p[1]) return std::nullopt;
  return HciEvent{p[0], p.subspan(2, p[1])};
}

std::optional<AclPacket> parse_acl(ByteView p) {
  if (p.size() < 4) return std::nullopt;
  const std::uint16_t hf = le16(p.data()), len = le16(p.data() + 2);
  if (p.size() < 4u + len) return std::nullopt;
  return AclPacket{static_cast<std::uint16_t>(hf & 0x0FFF), static_cast<std::uint8_t>((hf >> 12) & 3),
                   static_cast<std::uint8_t>((hf >> 14) & 3), p.subspan(4, len)};
}

std::string command_name(std::uint16_t opcode) {
  switch (opcode) {
    case 0x0406: return "Disconnect";
    case 0x0C01: return "Set Event Mask";
    case 0x0C03: return "Reset";
    case 0x1001: return "Read Local Version Information";
    case 0x1009: return "Read BD ADDR";
    case 0x2001: return "LE Set Event Mask";
    case 0x2005: return "LE Set Random Address";
    case 0x200B: return "LE Set Scan Parameters";
    case 0x200C: return "LE Set Scan Enable";
    case 0x200D: return "LE Create Connection";
    case 0x200E: return "LE Create Connection Cancel";
    case 0x2013: return "LE Connection Update";
    case 0x2016: return "LE Read Remote Used Features";
    case 0x2041: return "LE Set Extended Scan Parameters";
    case 0x2042: return "LE Set Extended Scan Enable";
    case 0x2043: return "LE Extended Create Connection";
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "OGF 0x%02x OCF 0x%04x", opcode >> 10, opcode & 0x3FF);
  return buf;
}

std::string event_name(std::uint8_t code) {
  switch (code) {
    case 0x05: return "Disconnection Complete";
    case 0x08: return "Encryption Change";
    case 0x0C: return "Read Remote Version Information Complete";
    case 0x0E: return "Command Complete";
    case 0x0F: return "Command Status";
    case 0x13: return "Number of Completed Packets";
    case 0x1A: return "Data Buffer Overflow";
    case 0x30: return "Encryption Key Refresh Complete";
    case 0x3E: return "LE Meta";
    case 0xFF: return "Vendor";
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "event 0x%02x", code);
  return buf;
}

std::string_view advert_event_type_name(const AdvertReport& r) {
  if (!r.extended) {
    switch (r.event_type) {
      case 0: return "ADV_IND";
      case 1: return "ADV_DIRECT_IND";
      case 2: return "ADV_SCAN_IND";
      case 3: return "ADV_NONCONN_IND";
      case 4: return "SCAN_RSP";
    }
    return "ADV_UNKNOWN";
  }
  if (r.event_type & 0x08) return "EXT_SCAN_RSP";
  return (r.event_type & 0x01) ? "EXT_ADV_CONNECTABLE" : "EXT_ADV";
}

const char* for_each_advert_report(ByteView m, const std::function<void(const AdvertReport&)>& each) {
  if (m.size() < 2) return "LE meta event too short for an advertising report";
  const std::uint8_t sub = m[0], n = m[1];
  std::size_t pos = 2;
  if (sub == ev::le_advertising_report) {
    for (int i = 0; i < n; ++i) {
      // event type, address type, address[6], data length, data, rssi
      if (pos + 9 > m.size()) return "advertising report shorter than its header";
      AdvertReport r;
      r.event_type = m[pos];
      r.address_type = m[pos + 1];
      r.address = MacAddress::from_le(&m[pos + 2]);
      const std::size_t len = m[pos + 8];
      if (pos + 9 + len + 1 > m.size()) return "advertising report data longer than the event";
      r.ad = m.subspan(pos + 9, len);
      const auto rssi = static_cast<std::int8_t>(m[pos + 9 + len]);
      if (rssi != 127) r.rssi = rssi;
      pos += 10 + len;
      each(r);
    }
    return nullptr;
  }
  if (sub == ev::le_extended_advertising_report) {
    for (int i = 0; i < n; ++i) {
      // event type u16, address type, address[6], primary PHY, secondary PHY, SID,
      // TX power, RSSI, periodic interval u16, direct address type, direct address[6],
      // data length, data
      if (pos + 24 > m.size()) return "extended advertising report shorter than its header";
      AdvertReport r;
      r.extended = true;
      r.event_type = le16(&m[pos]);
      r.address_type = m[pos + 2];
      r.address = MacAddress::from_le(&m[pos + 3]);
      const auto rssi = static_cast<std::int8_t>(m[pos + 13]);
      if (rssi != 127) r.rssi = rssi;
      const std::size_t len = m[pos + 23];
      if (pos + 24 + len > m.size()) return "extended advertising report data longer than the event";
      r.ad = m.subspan(pos + 24, len);
      pos += 24 + len;
      each(r);
    }
    return nullptr;
  }
  return "not an advertising report";
}

const char* parse_ad_structures(ByteView ad, Advertisement& out) {
  std::size_t pos = 0;
  while (pos < ad.size()) {
    const std::size_t len = ad[pos];
    if (len == 0) break;  // padding to the end
    if (pos + 1 + len > ad.size()) return "AD structure longer than the advertising data";
    const std::uint8_t type = ad[pos + 1];
    ByteView d = ad.subspan(pos + 2, len - 1);
    switch (type) {
      case 0x02: case 0x03:
        for (std::size_t i = 0; i + 2 <= d.size(); i += 2) out.service_uuids.push_back(Uuid::from16(le16(&d[i])));
        break;
      case 0x04: case 0x05:
        for (std::size_t i = 0; i + 4 <= d.size(); i += 4) out.service_uuids.push_back(Uuid::from32(le32(&d[i])));
        break;
      case 0x06: case 0x07:
        for (std::size_t i = 0; i + 16 <= d.size(); i += 16) out.service_uuids.push_back(Uuid::from_le128(&d[i]));
        break;
      case 0x08: case 0x09:
        // A complete name wins over a shortened one.
        if (type == 0x09 || out.name.empty()) out.name.assign(reinterpret_cast<const char*>(d.data()), d.size());
        break;
      case 0x16:
        if (d.size() < 2) return "16-bit service data without its UUID";
        out.service_data.emplace_back(Uuid::from16(le16(d.data())), Bytes(d.begin() + 2, d.end()));
        break;
      case 0x20:
        if (d.size() < 4) return "32-bit service data without its UUID";
        out.service_data.emplace_back(Uuid::from32(le32(d.data())), Bytes(d.begin() + 4, d.end()));
        break;
      case 0x21:
        if (d.size() < 16) return "128-bit service data without its UUID";
        out.service_data.emplace_back(Uuid::from_le128(d.data()), Bytes(d.begin() + 16, d.end()));
        break;
      case 0xFF:
        if (d.size() < 2) return "manufacturer data without its company id";
        out.manufacturer_data.emplace_back(le16(d.data()), Bytes(d.begin() + 2, d.end()));
        break;
      default: break;  // flags, TX power, appearance...: not needed by drivers
    }
    pos += 1 + len;
  }
  return nullptr;
}

std::optional<LeConnection> parse_le_connection_complete(ByteView m) {
  if (m.empty()) return std::nullopt;
  // subevent, status, handle u16, role, peer address type, peer address[6], ...
  if (m[0] == ev::le_connection_complete && m.size() >= 19) {
  } else if (m[0] == ev::le_enhanced_connection_complete && m.size() >= 31) {
  } else {
    return std::nullopt;
  }
  LeConnection c;
  c.status = m[1];
  c.handle = le16(&m[2]) & 0x0FFF;
  c.role = m[4];
  c.peer_address_type = m[5];
  c.peer = MacAddress::from_le(&m[6]);
  return c;
}

std::optional<Disconnection> parse_disconnection_complete(ByteView p) {
  if (p.size() < 4) return std::nullopt;
  return Disconnection{p[0], static_cast<std::uint16_t>(le16(&p[1]) & 0x0FFF), p[3]};
}

std::string_view hci_error_name(std::uint8_t code) {
  switch (code) {
    case 0x00: return "Success";
    case 0x05: return "Authentication Failure";
    case 0x08: return "Connection Timeout";
    case 0x13: return "Remote User Terminated Connection";
    case 0x14: return "Remote Device Terminated due to Low Resources";
    case 0x15: return "Remote Device Terminated due to Power Off";
    case 0x16: return "Connection Terminated By Local Host";
    case 0x1A: return "Unsupported Remote Feature";
    case 0x22: return "LL Response Timeout";
    case 0x28: return "Instant Passed";
    case 0x3B: return "Unacceptable Connection Parameters";
    case 0x3D: return "Connection Terminated due to MIC Failure";
    case 0x3E: return "Connection Failed to be Established";
  }
  return "Unknown";
}

}  // namespace declouder::capture
