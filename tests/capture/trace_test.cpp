// The BLE layer over records: adverts, connections, ACL reassembly, ATT with
// discovered UUIDs; text logs rebuilt into packets; replay; value finding.
#include <gtest/gtest.h>

#include "shared_fixtures.hpp"

#include <cstdio>
#include <fstream>

#include "capture/find.hpp"
#include "capture/session.hpp"
#include "synthetic.hpp"

namespace declouder::capture {
namespace {

struct AttSeen {
  std::uint8_t opcode;
  bool from_host;
  std::optional<std::uint16_t> handle;
  std::string uuid;
  std::string value;
  std::string address;
};

struct Traced {
  std::vector<AttSeen> att;
  std::vector<Advertisement> adverts;
  std::vector<std::string> advert_types;
  std::vector<std::pair<bool, int>> connections;  // connected?, reason
  std::vector<std::string> problems;
};

Traced trace_bytes(ByteView file) {
  Traced t;
  TraceHandlers h;
  h.on_att = [&](const AttEvent& e) {
    t.att.push_back({e.pdu.opcode, e.from_host, e.handle, e.uuid ? e.uuid->short_str() : "", to_hex(e.value),
                     e.address ? e.address->str() : ""});
  };
  h.on_advert = [&](const AdvertEvent& e) {
    t.adverts.push_back(e.advert);
    t.advert_types.emplace_back(advert_event_type_name(e.report));
  };
  h.on_connection = [&](const ConnectionEvent& e) { t.connections.push_back({e.connected, e.reason}); };
  h.on_problem = [&](const TraceProblem& p) { t.problems.push_back(p.reason); };
  BleTrace trace(h);
  CaptureReader reader = CaptureReader::from_memory(file);
  HciRecord rec;
  while (reader.next(rec)) trace.feed(rec);
  EXPECT_FALSE(reader.stop()) << reader.stop()->describe();
  return t;
}

std::string temp_file(ByteView bytes, const char* name) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
  return path;
}

TEST(BleTrace, FollowsThePicoocConversationInEveryContainer) {
  for (auto fmt : {CaptureFormat::btsnoop_h4, CaptureFormat::btsnoop_hci, CaptureFormat::btsnoop_monitor,
                   CaptureFormat::pklg_be, CaptureFormat::pklg_le, CaptureFormat::hcidump_text}) {
    SCOPED_TRACE(std::string(format_name(fmt)));
    Traced t = trace_bytes(testing::write_capture(testing::picooc_session(), fmt));
    EXPECT_TRUE(t.problems.empty());
    // The request written to fff2 (handle 0x0015) and the response indicated on fff1 (0x0012),
    // reassembled from two ACL fragments.
    auto find = [&](std::uint8_t op) -> const AttSeen* {
      for (const auto& a : t.att)
        if (a.opcode == op) return &a;
      return nullptr;
    };
    const AttSeen* write = find(0x52);
    ASSERT_NE(write, nullptr);
    EXPECT_TRUE(write->from_host);
    EXPECT_EQ(write->handle, 0x0015);
    EXPECT_EQ(write->uuid, "fff2");
    EXPECT_EQ(write->value, "f1093a65f74ba2a500");
    EXPECT_EQ(write->address, "D0:49:00:3F:A1:5C");
    const AttSeen* ind = find(0x1D);
    ASSERT_NE(ind, nullptr);
    EXPECT_FALSE(ind->from_host);
    EXPECT_EQ(ind->handle, 0x0012);
    EXPECT_EQ(ind->uuid, "fff1");
    EXPECT_EQ(ind->value, "390d65f74ba50656150486fc00");
    // Responses name the handle of their request; the CCCD came from Find Information.
    const AttSeen* read_rsp = find(0x0B);
    ASSERT_NE(read_rsp, nullptr);
    EXPECT_EQ(read_rsp->handle, 0x0012);
    EXPECT_EQ(read_rsp->uuid, "fff1");
    const AttSeen* write_rsp = find(0x13);
    ASSERT_NE(write_rsp, nullptr);
    EXPECT_EQ(write_rsp->handle, 0x0013);
    EXPECT_EQ(write_rsp->uuid, "2902");
    const AttSeen* err = find(0x01);
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(err->handle, 0x0020);
    // Connection to the scale, then disconnection with reason 0x13.
    ASSERT_EQ(t.connections.size(), 2u);
    EXPECT_TRUE(t.connections[0].first);
    EXPECT_FALSE(t.connections[1].first);
    EXPECT_EQ(t.connections[1].second, 0x13);
    // Adverts: Picooc (name, fff0, manufacturer 10), 4 Mi scale legacy, 1 extended.
    ASSERT_EQ(t.adverts.size(), 6u);
    EXPECT_EQ(t.adverts[0].name, "PICOOC-PQ");
    EXPECT_TRUE(t.adverts[0].advertises_service(0xFFF0));
    ASSERT_NE(t.adverts[0].manufacturer_data_for(10), nullptr);
    EXPECT_EQ(to_hex(*t.adverts[0].manufacturer_data_for(10)), "d049003fa15c");
    EXPECT_EQ(t.adverts[0].rssi, -58);
    EXPECT_EQ(t.advert_types[4], "SCAN_RSP");
    EXPECT_EQ(t.adverts[4].name, "MIBFS");
    EXPECT_EQ(t.advert_types[5], "EXT_ADV_CONNECTABLE");
    ASSERT_NE(t.adverts[5].service_data_for(0x181B), nullptr);
    EXPECT_EQ(to_hex(*t.adverts[5].service_data_for(0x181B)), "0226e607020e10293bf701a438");
    EXPECT_EQ(t.adverts[5].rssi, -66);
  }
}

TEST(BleTrace, ReportsMalformedPacketsAndCarriesOn) {
  std::vector<testing::Packet> p = {
      {1, Direction::controller_to_host, PacketKind::acl, testing::hex("4010" "0400" "01020304")},  // continuation, no start
      {2, Direction::controller_to_host, PacketKind::event, testing::hex("3e0a02")},              // short event
      {3, Direction::controller_to_host, PacketKind::acl, packet::att(0x40, false, testing::hex("1b12000102"))},
  };
  Traced t = trace_bytes(testing::write_capture(p, CaptureFormat::btsnoop_h4));
  ASSERT_EQ(t.problems.size(), 2u);
  EXPECT_NE(t.problems[0].find("continuation"), std::string::npos);
  ASSERT_EQ(t.att.size(), 1u);
  EXPECT_EQ(t.att[0].value, "0102");
}

TEST(BleTrace, EnhancedConnectionCompleteNamesTheDevice) {
  // LE Enhanced Connection Complete (0x0A): handle 0x0041, random peer, then an RPA pair and timing.
  Bytes params = testing::hex("0a00" "4100" "00" "01" "5ca13f0049d0" "000000000000" "000000000000" "2800" "0000" "2a00" "00");
  std::vector<testing::Packet> p = {
      {1, Direction::controller_to_host, PacketKind::event, packet::event(0x3E, params)},
      {2, Direction::controller_to_host, PacketKind::acl, packet::att(0x41, false, testing::hex("1b12000102"))},
      {3, Direction::controller_to_host, PacketKind::event, packet::disconnection_complete(0, 0x41, 0x08)},
  };
  Traced t = trace_bytes(testing::write_capture(p, CaptureFormat::btsnoop_monitor));
  ASSERT_EQ(t.att.size(), 1u);
  EXPECT_EQ(t.att[0].address, "D0:49:00:3F:A1:5C");
  ASSERT_EQ(t.connections.size(), 2u);
  EXPECT_EQ(t.connections[1].second, 0x08);
}

TEST(AdStructures, ParsesEveryKindDriversUse) {
  Advertisement a;
  Bytes ad = testing::hex(
      "020106"                                  // flags
      "0408504943"                              // shortened name "PIC"
      "0a095049434f4f432d5051"                  // complete name
      "050302180f18"                            // 16-bit UUIDs 1802, 180f
      "11079ecadc240ee5a9e093f3a3b50100406e"    // 128-bit UUID
      "0516e0fe0102"                            // service data fee0
      "0620efbeadde0a"                          // 32-bit service data
      "1321" "9ecadc240ee5a9e093f3a3b50100406e" "0b0c"  // 128-bit service data
      "05ff57010203");                          // manufacturer 343
  EXPECT_EQ(parse_ad_structures(ad, a), nullptr);
  EXPECT_EQ(a.name, "PICOOC-PQ");
  ASSERT_EQ(a.service_uuids.size(), 3u);
  EXPECT_EQ(a.service_uuids[2].str(), "6e400001-b5a3-f393-e0a9-e50e24dcca9e");
  ASSERT_EQ(a.service_data.size(), 3u);
  EXPECT_EQ(a.service_data[0].first.short_str(), "fee0");
  EXPECT_EQ(a.service_data[1].first.str(), "deadbeef-0000-1000-8000-00805f9b34fb");
  EXPECT_EQ(to_hex(a.service_data[1].second), "0a");
  EXPECT_EQ(a.service_data[2].first.str(), "6e400001-b5a3-f393-e0a9-e50e24dcca9e");
  EXPECT_EQ(to_hex(a.service_data[2].second), "0b0c");
  ASSERT_EQ(a.manufacturer_data.size(), 1u);
  EXPECT_EQ(a.manufacturer_data[0].first, 343);
  EXPECT_EQ(to_hex(a.manufacturer_data[0].second), "0203");

  Advertisement bad;
  EXPECT_NE(parse_ad_structures(testing::hex("020106" "09ff5701"), bad), nullptr);
}

TEST(TextLogs, RebuildsSeed004FromHcidumpsDecodedLines) {
  SKIP_WITHOUT_SHARED("seeds/004_c054b2ec2042e5c6.txt");
  const std::string path = std::string(DECLOUDER_SHARED_DIR) + "/seeds/004_c054b2ec2042e5c6.txt";
  std::vector<AttSeen> att;
  std::vector<std::pair<bool, int>> conns;
  std::vector<std::string> addrs;
  std::uint64_t incomplete = 0;
  TraceHandlers h;
  h.on_att = [&](const AttEvent& e) {
    att.push_back({e.pdu.opcode, e.from_host, e.handle, e.uuid ? e.uuid->short_str() : "", to_hex(e.value),
                   e.address ? e.address->str() : ""});
  };
  h.on_connection = [&](const ConnectionEvent& e) { conns.push_back({e.connected, e.reason}); };
  h.on_advert = [&](const AdvertEvent& e) { addrs.push_back(e.advert.address->str()); };
  auto s = trace_capture(path, h, [&](const HciRecord& r) { incomplete += !r.complete; });
  EXPECT_EQ(s.format, CaptureFormat::hcidump_text);
  EXPECT_FALSE(s.stop);
  ASSERT_FALSE(att.empty());
  // The last write: handle 0x004e (Heart Rate Control Point 2a39 from discovery) = 15 02 01.
  EXPECT_EQ(att.back().opcode, 0x12);
  EXPECT_EQ(att.back().handle, 0x004e);
  EXPECT_EQ(att.back().uuid, "2a39");
  EXPECT_EQ(att.back().value, "150201");
  EXPECT_EQ(att.back().address, "C8:0F:10:32:CA:B6");
  // The notification 0x0016 = 05 ("authentication ok") on ff03.
  bool auth = false;
  for (const auto& a : att) auth |= a.opcode == 0x1B && a.handle == 0x0016 && a.uuid == "ff03" && a.value == "05";
  EXPECT_TRUE(auth);
  // Disconnection Complete with reason 0x08 (Connection Timeout) ends the session.
  ASSERT_FALSE(conns.empty());
  EXPECT_FALSE(conns.back().first);
  EXPECT_EQ(conns.back().second, 0x08);
  ASSERT_FALSE(addrs.empty());
  EXPECT_EQ(addrs[0], "C8:0F:10:32:CA:B6");
  // Only packets whose bytes hcidump does not print are incomplete (commands,
  // the advert's manufacturer data, connection timing): not the ATT traffic.
  EXPECT_GT(incomplete, 0u);
  EXPECT_LT(incomplete, 20u);
}

TEST(TextLogs, ReadsHexDumpsAndBtmonOutput) {
  const std::string hcidump_x =
      "HCI sniffer - Bluetooth packet analyzer ver 5.37\n"
      "device: hci0 snap_len: 1500 filter: 0xffffffffffffffff\n"
      "2018-05-20 16:48:47.852536 < ACL data: handle 64 flags 0x00 dlen 10\n"
      "  0000: 06 00 04 00 12 4e 00 15 02 01                     .....N....\n"
      "2018-05-20 16:48:48.000001 > ACL data: handle 64 flags 0x02 dlen 9\n"
      "    ATT: Handle notify (0x1b)\n"
      "      handle 0x004b\n"
      "      value 0x06 0x46\n";
  Bytes a(hcidump_x.begin(), hcidump_x.end());
  Traced t = trace_bytes(a);
  ASSERT_EQ(t.att.size(), 2u);
  EXPECT_EQ(t.att[0].handle, 0x004e);
  EXPECT_EQ(t.att[0].value, "150201");
  EXPECT_EQ(t.att[1].value, "0646");

  const std::string btmon =
      "Bluetooth monitor ver 5.65\n"
      "= Note: Linux version 6.0.6-arch1-1 (x86_64)                           0.148480\n"
      "> HCI Event: LE Meta Event (0x3e) plen 27                     #1 [hci0] 20.100000\n"
      "      LE Advertising Report (0x02)\n"
      "        Num reports: 1\n"
      "        Event type: Connectable undirected - ADV_IND (0x00)\n"
      "        Address type: Public (0x00)\n"
      "        Address: C8:47:8C:00:00:01 (OUI C8-47-8C)\n"
      "        Data length: 15\n"
      "        Service Data (UUID 0x181b): 0226e607020e10293af7019a38\n"
      "        RSSI: -70 dBm (0xba)\n"
      "> HCI Event: LE Meta Event (0x3e) plen 19                     #2 [hci0] 20.150000\n"
      "      LE Connection Complete (0x01)\n"
      "        Status: Success (0x00)\n"
      "        Handle: 71\n"
      "        Role: Central (0x00)\n"
      "        Peer address type: Public (0x00)\n"
      "        Peer address: C8:0F:10:32:CA:B6 (OUI C8-0F-10)\n"
      "< ACL Data TX: Handle 71 flags 0x00 dlen 8                    #3 [hci0] 20.201215\n"
      "      ATT: Write Command (0x52) len 3\n"
      "        Handle: 0x0029\n"
      "        Data: 01\n"
      "> HCI Event: Disconnect Complete (0x05) plen 4                #4 [hci0] 21.000000\n"
      "        Status: Success (0x00)\n"
      "        Handle: 71\n"
      "        Reason: Connection Timeout (0x08)\n";
  Bytes b(btmon.begin(), btmon.end());
  EXPECT_EQ(detect_format(b), CaptureFormat::btmon_text);
  Traced m = trace_bytes(b);
  ASSERT_EQ(m.adverts.size(), 1u);
  EXPECT_EQ(m.adverts[0].rssi, -70);
  ASSERT_NE(m.adverts[0].service_data_for(0x181B), nullptr);
  EXPECT_EQ(to_hex(*m.adverts[0].service_data_for(0x181B)), "0226e607020e10293af7019a38");
  EXPECT_EQ(m.adverts[0].time_us, 20100000);
  ASSERT_EQ(m.att.size(), 1u);
  EXPECT_EQ(m.att[0].opcode, 0x52);
  EXPECT_EQ(m.att[0].handle, 0x0029);
  EXPECT_EQ(m.att[0].value, "01");
  EXPECT_EQ(m.att[0].address, "C8:0F:10:32:CA:B6");
  ASSERT_EQ(m.connections.size(), 2u);
  EXPECT_EQ(m.connections[1].second, 0x08);
}

TEST(TextLogs, GarbledDecodedLinesAreSkippedNotFatal) {
  // Found by the text reader fuzzer: a "Company:" line without "(id)".
  const std::string log =
      "Bluetooth monitor ver 5.65\n"
      "> HCI Event: LE Meta Event (0x3e) plen 20                     #1 [hci0] 1.0\n"
      "      LE Advertising Report (0x02)\n"
      "        Address: C8:47:8C:00:00:01 (OUI C8-47-8C)\n"
      "        Company: Xiaomi\n"
      "        Data: 0102\n";
  Bytes b(log.begin(), log.end());
  Traced t = trace_bytes(b);
  ASSERT_EQ(t.adverts.size(), 1u);
  EXPECT_TRUE(t.adverts[0].manufacturer_data.empty());
}

TEST(Replay, FeedsAdvertisementsAndGattValuesToFrameHandlers) {
  const std::string path = temp_file(testing::write_capture(testing::picooc_session(), CaptureFormat::pklg_be),
                                     "replay.pklg");
  std::vector<Advertisement> adverts;
  std::vector<GattValue> values;
  FrameHandlers f;
  f.on_advertisement = [&](const Advertisement& a) { adverts.push_back(a); };
  f.on_gatt_value = [&](const GattValue& v) { values.push_back(v); };
  auto s = replay_capture(path, f);
  EXPECT_FALSE(s.stop);
  EXPECT_EQ(adverts.size(), 6u);
  // The indication and the read response on fff1, from the scale, with its advertised name.
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].characteristic.short_str(), "fff1");
  EXPECT_EQ(to_hex(values[0].value), "390d65f74ba50656150486fc00");
  EXPECT_EQ(values[0].device_name, "PICOOC-PQ");
  EXPECT_EQ(values[0].address->str(), "D0:49:00:3F:A1:5C");
  EXPECT_EQ(values[0].time_us, *parse_iso8601_us("2024-03-17T19:59:33.002Z"));
}

TEST(ValueFinder, FindsThePicoocWeightAndTime) {
  const std::string path = temp_file(testing::write_capture(testing::picooc_session(), CaptureFormat::pklg_be),
                                     "find.pklg");
  ValueFinder f;
  FindTarget t;
  t.value = 81.1;
  t.decimals = 1;
  t.unix_seconds = *parse_iso8601_us("2024-03-17T19:59:33Z") / 1000000;
  f.add_capture(path, t);
  auto r = f.ranked();
  auto first_of = [&](const char* kind) -> const FindCandidate* {
    for (const auto& c : r)
      if (c.kind == kind) return &c;
    return nullptr;
  };
  const FindCandidate* w = first_of("value");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->source, "att:fff1");
  EXPECT_EQ(w->offset, 6u);
  EXPECT_EQ(w->width_bits, 16);
  EXPECT_EQ(w->byte_order, "big");
  EXPECT_EQ(w->factor, 20);
  EXPECT_EQ(w->unit, "kg");
  const FindCandidate* time = first_of("time");
  ASSERT_NE(time, nullptr);
  EXPECT_EQ(time->source, "att:fff1");
  EXPECT_EQ(time->offset, 2u);
  EXPECT_EQ(time->byte_order, "big");
  EXPECT_EQ(time->unit, "unix_seconds");
  EXPECT_EQ(r[0].kind, "value") << "the value candidate ranks first";
}

TEST(ValueFinder, ACandidateHoldingInSeveralCapturesRanksFirst) {
  // Two weighings of a Mi scale: 72.45 kg and 72.5 kg, little-endian /200 at offset 11.
  auto one = [](const char* frame) {
    std::vector<testing::Packet> p = {{1'000'000, Direction::controller_to_host, PacketKind::event,
                                       packet::le_advertising_report(0, 0, testing::mac("C8:47:8C:00:00:01"),
                                                                     packet::ad_service_data16(0x181B, testing::hex(frame)), -60)}};
    return testing::write_capture(p, CaptureFormat::btsnoop_h4);
  };
  const std::string a = temp_file(one("0226e607020e10293af7019a38"), "w1.btsnoop");
  const std::string b = temp_file(one("0226e607020e10293bf701a438"), "w2.btsnoop");
  ValueFinder f;
  FindTarget t1, t2;
  t1.value = 72.45;
  t1.decimals = 2;
  t2.value = 72.5;
  t2.decimals = 1;
  f.add_capture(a, t1);
  f.add_capture(b, t2);
  auto r = f.ranked();
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r[0].files, 2);
  EXPECT_EQ(r[0].source, "advert:service_data:181b");
  EXPECT_EQ(r[0].offset, 11u);
  EXPECT_EQ(r[0].byte_order, "little");
  EXPECT_EQ(r[0].factor, 200);
  for (const auto& c : r)
    if (c.files < 2) {
      EXPECT_LT(c.score, r[0].score);
    }
}

}  // namespace
}  // namespace declouder::capture
