// The synthetic captures the capture tests (and tests/data/captures/) use:
// real packet layouts, written by CaptureWriter into every container.
//
// "picooc_session": what an iPhone's PacketLogger would show while the Picooc
// app weighs someone (seed 000): the scale's advertisements (name PICOOC-PQ,
// service fff0, manufacturer data 10 = its own address), a connection, GATT
// discovery (service fff0: fff1 read/indicate at 0x0012 with its CCCD 0x0013,
// fff2 write-without-response at 0x0015), indications enabled, the request
// f1093a65f74ba2a500 written to fff2, the response 390d65f74ba5065615 0486fc00
// indicated on fff1 at 2024-03-17T19:59:33Z, split over two ACL fragments, a
// read, an error response, and the disconnection (reason 0x13). Around it, a
// Mi Body Composition Scale 2 advertising: a settling (not stabilized) frame,
// the stabilized 72.45 kg frame twice, a scan response with its name, and a
// second weighing (72.5 kg) in an extended advertising report.
#pragma once

#include <string>
#include <vector>

#include "capture/packets.hpp"
#include "capture/writer.hpp"
#include "core/time.hpp"

namespace declouder::capture::testing {

struct Packet {
  std::int64_t time_us;
  Direction direction;
  PacketKind kind;
  Bytes data;
};

inline MacAddress mac(const char* s) { return *MacAddress::parse(s); }
inline Bytes hex(const char* s) { return *parse_hex(s); }

inline std::vector<Packet> picooc_session() {
  using namespace packet;
  const std::int64_t t0 = *parse_iso8601_us("2024-03-17T19:59:30Z");
  const MacAddress scale = mac("D0:49:00:3F:A1:5C");
  const MacAddress mi = mac("C8:47:8C:00:00:01");
  const std::uint16_t conn = 0x0040;
  std::vector<Packet> p;
  std::int64_t t = t0;
  auto cmd = [&](Bytes b) { p.push_back({t += 1000, Direction::host_to_controller, PacketKind::command, std::move(b)}); };
  auto evt = [&](Bytes b) { p.push_back({t += 1000, Direction::controller_to_host, PacketKind::event, std::move(b)}); };
  auto tx = [&](Bytes pdu) {
    p.push_back({t += 20000, Direction::host_to_controller, PacketKind::acl, att(conn, true, pdu)});
  };
  auto rx = [&](Bytes pdu) {
    p.push_back({t += 20000, Direction::controller_to_host, PacketKind::acl, att(conn, false, pdu)});
  };

  p.push_back({t, Direction::unknown, PacketKind::note, hex("7363616e6e696e6720666f7220504943304f43")});
  cmd(command(0x200C, hex("0101")));
  evt(command_complete(1, 0x200C, hex("00")));
  Bytes picooc_ad = ad_flags(0x06);
  for (auto& part : {ad_name("PICOOC-PQ"), ad_uuid16_list({0xFFF0}), ad_manufacturer(10, hex("d049003fa15c"))})
    picooc_ad.insert(picooc_ad.end(), part.begin(), part.end());
  evt(le_advertising_report(0x00, 0x00, scale, picooc_ad, -58));
  // Mi scale: settling, stabilized, the same again, its scan response.
  evt(le_advertising_report(0x00, 0x00, mi, ad_service_data16(0x181B, hex("0206e607020e10293af7019a38")), -70));
  evt(le_advertising_report(0x00, 0x00, mi, ad_service_data16(0x181B, hex("0226e607020e10293af7019a38")), -71));
  evt(le_advertising_report(0x00, 0x00, mi, ad_service_data16(0x181B, hex("0226e607020e10293af7019a38")), -69));
  evt(le_advertising_report(0x04, 0x00, mi, ad_name("MIBFS"), -69));
  cmd(command(0x200C, hex("0000")));
  evt(command_complete(1, 0x200C, hex("00")));

  Bytes create(25, 0);
  cmd(command(0x200D, create));
  evt(command_status(0, 1, 0x200D));
  evt(le_connection_complete(0, conn, 0, 0, scale));
  tx(hex("02f700"));                      // Exchange MTU Request 247
  rx(hex("031700"));                      // Exchange MTU Response 23
  tx(att_read_by_group_type_request(0x0001, 0xFFFF, Uuid::from16(0x2800)));
  rx(hex("1106" "1000" "1600" "f0ff"));   // service fff0: 0x0010..0x0016
  tx(att_read_by_type_request(0x0010, 0x0016, Uuid::from16(0x2803)));
  rx(hex("0907" "1100" "22" "1200" "f1ff" "1400" "04" "1500" "f2ff"));
  tx(hex("04" "1300" "1300"));            // Find Information Request 0x0013
  rx(hex("0501" "1300" "0229"));          // 0x0013 = CCCD 2902
  tx(att_handle_value(0x12, 0x0013, hex("0200")));  // enable indications
  rx(hex("13"));
  t = t0 + 2'500'000;
  tx(att_handle_value(0x52, 0x0015, hex("f1093a65f74ba2a500")));  // the request, to fff2
  evt(number_of_completed_packets(conn, 1));
  // The response, indicated on fff1 at 19:59:33, in two ACL fragments.
  t = t0 + 3'000'000;
  for (auto& frag : att_fragments(conn, false, att_handle_value(0x1D, 0x0012, hex("390d65f74ba50656150486fc00")), 10))
    p.push_back({t += 1000, Direction::controller_to_host, PacketKind::acl, frag});
  tx(hex("1e"));                          // Handle Value Confirmation
  tx(hex("0a" "1200"));                   // Read Request fff1
  rx(hex("0b" "390d65f74ba50656150486fc00"));
  tx(hex("0a" "2000"));                   // Read Request of a handle that does not exist
  rx(hex("01" "0a" "2000" "01"));         // Error Response: Invalid Handle
  evt(disconnection_complete(0, conn, 0x13));
  // A second weighing on the Mi scale, in an extended advertising report.
  evt(le_extended_advertising_report(0x0013, 0x00, mi, ad_service_data16(0x181B, hex("0226e607020e10293bf701a438")), -66));
  return p;
}

// Writes packets in a container; returns the bytes.
inline Bytes write_capture(const std::vector<Packet>& packets, CaptureFormat format) {
  Bytes out;
  CaptureWriter w = CaptureWriter::to_memory(out, format);
  if (format == CaptureFormat::btsnoop_monitor) {
    // btmon starts with a New Index record: type, bus, address, name.
    w.write(packets.front().time_us, Direction::unknown, PacketKind::index,
            hex("0001" "010000000000" "6863693000000000"));
  }
  for (const auto& p : packets) w.write(p.time_us, p.direction, p.kind, p.data);
  w.close();
  return out;
}

}  // namespace declouder::capture::testing
