// ESPHome's native API pieces without a network: protobuf, Noise NNpsk0, endpoints.
// The handshake is checked end to end against an independent Noise implementation
// (noise-c, inside @2colors/esphome-native-api) by tests/cli/esphome_npm.sh.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "core/base64.hpp"
#include "radio/esphome_api.hpp"
#include "radio/noise.hpp"

namespace declouder {
namespace {

using namespace esphome;

NoiseHandshake::Key key_of(std::uint8_t fill) {
  NoiseHandshake::Key k{};
  k.fill(fill);
  return k;
}

const Bytes kPrologue = {'N', 'o', 'i', 's', 'e', 'A', 'P', 'I', 'I', 'n', 'i', 't', 0, 0};

TEST(Protobuf, VarintsZigzagBytesAndNestedMessagesRoundTrip) {
  ProtoWriter inner;
  inner.varint(1, 0xA4C138000001ULL);
  inner.sint(2, -67);
  ProtoWriter w;
  w.varint(1, 300);
  w.message(2, inner);
  w.string(3, "MIBFS");
  // 300 = 0xAC 0x02 on the wire (protobuf's own example); -67 zigzags to 133.
  EXPECT_EQ(to_hex(ByteView(w.data()).first(3)), "08ac02");
  ProtoReader r(w.data());
  ProtoField f;
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(f.value, 300u);
  ASSERT_TRUE(r.next(f));
  ASSERT_EQ(f.wire_type, 2);
  ProtoReader ir(f.data);
  ProtoField g;
  ASSERT_TRUE(ir.next(g));
  EXPECT_EQ(g.value, 0xA4C138000001ULL);
  ASSERT_TRUE(ir.next(g));
  EXPECT_EQ(g.value, 133u);
  EXPECT_EQ(g.sint(), -67);
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(f.str(), "MIBFS");
  EXPECT_FALSE(r.next(f));
}

TEST(Protobuf, TruncatedInputIsAnErrorNotARead) {
  const Bytes cut = {0x12, 0x05, 'M', 'I'};  // a 5-byte field with 2 bytes left
  ProtoReader r(cut);
  ProtoField f;
  EXPECT_THROW(r.next(f), ProtocolError);
}

TEST(EsphomeMessages, AddressesAndUuidsAsTheApiCarriesThem) {
  const auto a = *MacAddress::parse("5C:CA:D3:00:00:01");
  EXPECT_EQ(address_to_u64(a), 0x5CCAD3000001ULL);
  EXPECT_EQ(address_from_u64(0x5CCAD3000001ULL), a);
  const Uuid u = Uuid::from16(0xFFF1);
  const auto [hi, lo] = uuid_to_u64s(u);
  EXPECT_EQ(hi, 0x0000FFF100001000ULL);
  EXPECT_EQ(lo, 0x800000805F9B34FBULL);
  EXPECT_EQ(uuid_from_u64s(hi, lo), u);
}

TEST(EsphomeMessages, ServicesRoundTripAndShortUuidsAreUnderstood) {
  GattService s;
  s.uuid = Uuid::from16(0xFFF0);
  s.handle = 1;
  GattCharacteristic c;
  c.uuid = Uuid::from16(0xFFF1);
  c.handle = 3;
  c.properties = 0x10;
  c.descriptors.push_back({Uuid::from16(0x2902), 4});
  s.characteristics.push_back(c);
  const auto back = decode_services(encode_services(7, {s}));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].uuid, s.uuid);
  ASSERT_EQ(back[0].characteristics.size(), 1u);
  EXPECT_EQ(back[0].characteristics[0].uuid, c.uuid);
  EXPECT_EQ(back[0].characteristics[0].handle, 3u);
  ASSERT_EQ(back[0].characteristics[0].descriptors.size(), 1u);
  EXPECT_EQ(back[0].characteristics[0].descriptors[0].handle, 4u);

  // A node of API 1.12+ may send a 16-bit UUID as short_uuid instead (field 4 of a service).
  ProtoWriter svc;
  svc.varint(2, 9);
  svc.varint(4, 0x181B);
  ProtoWriter resp;
  resp.varint(1, 7);
  resp.message(2, svc);
  EXPECT_EQ(decode_services(resp.data()).at(0).uuid, Uuid::from16(0x181B));
}

TEST(EsphomeMessages, ParsedAdvertisementKeepsServiceAndManufacturerData) {
  Advertisement a;
  a.address = MacAddress::parse("5C:CA:D3:00:00:01");
  a.name = "MIBFS";
  a.rssi = -71;
  a.service_data.emplace_back(Uuid::from16(0x181B), Bytes{0x02, 0xA4});
  a.manufacturer_data.emplace_back(0x0157, Bytes{0x01, 0x02});
  std::uint32_t type = 9;
  const Advertisement b = decode_parsed_advertisement(encode_parsed_advertisement(a, 1), &type);
  EXPECT_EQ(b.address, a.address);
  EXPECT_EQ(b.name, "MIBFS");
  EXPECT_EQ(b.rssi, -71);
  EXPECT_EQ(b.service_data, a.service_data);
  EXPECT_EQ(b.manufacturer_data, a.manufacturer_data);
  EXPECT_EQ(type, 1u);
}

TEST(Noise, HandshakeAgreesOnKeysAndCarriesMessagesBothWays) {
  NoiseHandshake client(NoiseHandshake::Role::initiator, kPrologue, key_of(7));
  NoiseHandshake node(NoiseHandshake::Role::responder, kPrologue, key_of(7));
  const Bytes m1 = client.write_message();
  EXPECT_EQ(m1.size(), 48u);  // e (32) + the empty payload's tag (16)
  node.read_message(m1);
  const Bytes m2 = node.write_message();
  EXPECT_EQ(m2.size(), 48u);
  client.read_message(m2);
  ASSERT_TRUE(client.complete());
  ASSERT_TRUE(node.complete());
  EXPECT_EQ(client.hash(), node.hash());
  auto [c_send, c_receive] = client.split();
  auto [n_send, n_receive] = node.split();
  for (int i = 0; i < 3; ++i) {  // nonces advance in step
    const Bytes hello = {0x00, 0x01, 0x00, 0x00};
    const Bytes c = c_send.encrypt({}, hello);
    EXPECT_EQ(c.size(), hello.size() + 16);
    EXPECT_NE(Bytes(c.begin(), c.begin() + 4), hello);
    EXPECT_EQ(n_receive.decrypt({}, c), hello);
    EXPECT_EQ(c_receive.decrypt({}, n_send.encrypt({}, hello)), hello);
  }
}

TEST(Noise, AWrongKeyOrATamperedFrameDoesNotAuthenticate) {
  NoiseHandshake client(NoiseHandshake::Role::initiator, kPrologue, key_of(7));
  NoiseHandshake node(NoiseHandshake::Role::responder, kPrologue, key_of(8));
  EXPECT_THROW(node.read_message(client.write_message()), NoiseError);

  NoiseHandshake c2(NoiseHandshake::Role::initiator, kPrologue, key_of(7));
  NoiseHandshake n2(NoiseHandshake::Role::responder, kPrologue, key_of(7));
  n2.read_message(c2.write_message());
  c2.read_message(n2.write_message());
  auto [send, unused1] = c2.split();
  auto [unused2, receive] = n2.split();
  Bytes c = send.encrypt({}, Bytes{1, 2, 3});
  c[0] ^= 1;
  EXPECT_THROW(receive.decrypt({}, c), NoiseError);
}

TEST(Noise, FixedEphemeralKeysGiveTheSameHandshakeEveryTime) {
  NoiseHandshake::Key e1 = key_of(0x20), e2 = key_of(0x41);
  auto run = [&] {
    NoiseHandshake c(NoiseHandshake::Role::initiator, kPrologue, key_of(7), e1);
    NoiseHandshake n(NoiseHandshake::Role::responder, kPrologue, key_of(7), e2);
    Bytes m1 = c.write_message();
    n.read_message(m1);
    Bytes m2 = n.write_message();
    c.read_message(m2);
    return std::make_pair(m1, m2);
  };
  EXPECT_EQ(run(), run());
}

TEST(Base64, DecodesTheKeyFormOfEsphomeYaml) {
  const std::string text = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  const auto b = base64_decode(text);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->size(), 32u);
  EXPECT_EQ((*b)[31], 31);
  EXPECT_EQ(base64_encode(*b), text);
  EXPECT_FALSE(base64_decode("not base64!"));
  EXPECT_FALSE(base64_decode("QUJD="));
}

TEST(ApiSocket, AStreamOfFramesSplitAnywhereArrivesWhole) {
  // 10,000 plaintext frames written in 37-byte pieces: every frame straddles two reads and
  // the reader's buffer is compacted many times on the way (over 1 MB in all).
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  Bytes stream;
  for (int i = 0; i < 10000; ++i) {
    Bytes payload(100, static_cast<std::uint8_t>(i));
    stream.push_back(0x00);
    stream.push_back(100);
    stream.push_back(93);
    stream.insert(stream.end(), payload.begin(), payload.end());
  }
  std::thread writer([&] {
    for (std::size_t off = 0; off < stream.size(); off += 37)
      ASSERT_GT(write(fds[1], stream.data() + off, std::min<std::size_t>(37, stream.size() - off)), 0);
    close(fds[1]);
  });
  ApiSocket socket(fds[0], std::nullopt);
  int n = 0;
  try {
    while (auto m = socket.receive(ApiSocket::Clock::now() + std::chrono::seconds(5))) {
      ASSERT_EQ(m->type, 93);
      ASSERT_EQ(m->payload, Bytes(100, static_cast<std::uint8_t>(n)));
      ++n;
    }
  } catch (const ConnectionError&) {  // the writer closed its end
  }
  writer.join();
  EXPECT_EQ(n, 10000);
}

TEST(Endpoint, HostPortAndKey) {
  auto e = parse_endpoint("proxy-bathroom.local");
  EXPECT_EQ(e.host, "proxy-bathroom.local");
  EXPECT_EQ(e.port, 6053);
  EXPECT_FALSE(e.key);
  e = parse_endpoint("192.168.1.40:6054,key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  EXPECT_EQ(e.host, "192.168.1.40");
  EXPECT_EQ(e.port, 6054);
  ASSERT_TRUE(e.key);
  EXPECT_EQ((*e.key)[1], 1);
  e = parse_endpoint("[fe80::1]:6055");
  EXPECT_EQ(e.host, "fe80::1");
  EXPECT_EQ(e.port, 6055);
  EXPECT_THROW(parse_endpoint("host:notaport"), std::invalid_argument);
  EXPECT_THROW(parse_endpoint("host,key=short"), std::invalid_argument);
  EXPECT_THROW(parse_endpoint("host,password=x"), std::invalid_argument);
  EXPECT_THROW(parse_endpoint(""), std::invalid_argument);
}

}  // namespace
}  // namespace declouder
