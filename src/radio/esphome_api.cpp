#include "radio/esphome_api.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/base64.hpp"

namespace declouder::esphome {

// --- protobuf ---

void ProtoWriter::raw_varint(std::uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<std::uint8_t>(v));
}

void ProtoWriter::key(int field, int wire_type) { raw_varint((static_cast<std::uint64_t>(field) << 3) | wire_type); }

void ProtoWriter::varint(int field, std::uint64_t v) {
  key(field, 0);
  raw_varint(v);
}

void ProtoWriter::sint(int field, std::int64_t v) {
  key(field, 0);
  raw_varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

void ProtoWriter::fixed32(int field, std::uint32_t v) {
  key(field, 5);
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void ProtoWriter::bytes(int field, ByteView v) {
  key(field, 2);
  raw_varint(v.size());
  out_.insert(out_.end(), v.begin(), v.end());
}

void ProtoWriter::string(int field, std::string_view v) {
  bytes(field, ByteView(reinterpret_cast<const std::uint8_t*>(v.data()), v.size()));
}

std::uint64_t ProtoReader::varint() {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) throw ProtocolError("protobuf: varint runs past the end");
    const std::uint8_t b = data_[pos_++];
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return v;
  }
  throw ProtocolError("protobuf: varint longer than 10 bytes");
}

bool ProtoReader::next(ProtoField& f) {
  if (pos_ >= data_.size()) return false;
  const std::uint64_t k = varint();
  f = ProtoField{};
  f.number = static_cast<int>(k >> 3);
  f.wire_type = static_cast<int>(k & 7);
  switch (f.wire_type) {
    case 0: f.value = varint(); break;
    case 1:
    case 5: {
      const std::size_t n = f.wire_type == 1 ? 8 : 4;
      if (pos_ + n > data_.size()) throw ProtocolError("protobuf: fixed field runs past the end");
      for (std::size_t i = 0; i < n; ++i) f.value |= static_cast<std::uint64_t>(data_[pos_ + i]) << (8 * i);
      pos_ += n;
      break;
    }
    case 2: {
      const std::uint64_t n = varint();
      if (n > data_.size() - pos_) throw ProtocolError("protobuf: field longer than its message");
      f.data = data_.subspan(pos_, n);
      pos_ += n;
      break;
    }
    default: throw ProtocolError("protobuf: unknown wire type " + std::to_string(f.wire_type));
  }
  return true;
}

// --- values ---

std::uint64_t address_to_u64(const MacAddress& a) {
  std::uint64_t v = 0;
  for (std::uint8_t b : a.bytes) v = (v << 8) | b;
  return v;
}

MacAddress address_from_u64(std::uint64_t v) {
  MacAddress a;
  for (int i = 5; i >= 0; --i, v >>= 8) a.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
  return a;
}

std::pair<std::uint64_t, std::uint64_t> uuid_to_u64s(const Uuid& u) {
  std::uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) hi = (hi << 8) | u.bytes[static_cast<std::size_t>(i)];
  for (int i = 8; i < 16; ++i) lo = (lo << 8) | u.bytes[static_cast<std::size_t>(i)];
  return {hi, lo};
}

Uuid uuid_from_u64s(std::uint64_t hi, std::uint64_t lo) {
  Uuid u;
  for (int i = 7; i >= 0; --i, hi >>= 8) u.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(hi);
  for (int i = 15; i >= 8; --i, lo >>= 8) u.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(lo);
  return u;
}

namespace {

// The uuid (two uint64s, packed or not) or short_uuid of a GATT attribute.
struct UuidFields {
  std::vector<std::uint64_t> halves;
  std::uint32_t short_uuid = 0;
  void add(const ProtoField& f) {
    if (f.wire_type == 0) {
      halves.push_back(f.value);
    } else if (f.wire_type == 2) {  // packed repeated uint64: varints without keys
      std::uint64_t v = 0;
      int shift = 0;
      for (std::uint8_t b : f.data) {
        v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
        shift += 7;
        if (!(b & 0x80)) {
          halves.push_back(v);
          v = 0;
          shift = 0;
        } else if (shift >= 64) {
          throw ProtocolError("protobuf: packed varint too long");
        }
      }
    }
  }
  Uuid uuid() const {
    if (halves.size() >= 2) return uuid_from_u64s(halves[0], halves[1]);
    return short_uuid > 0xFFFF ? Uuid::from32(short_uuid) : Uuid::from16(static_cast<std::uint16_t>(short_uuid));
  }
};

// As ESPHome's ESPBTUUID::to_string writes them: "0x181B" for 16-bit UUIDs, else the full form.
std::string uuid_text(const Uuid& u) {
  if (!u.is16()) return u.str();
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", u.short16());
  return buf;
}

void put_uuid(ProtoWriter& w, int field, const Uuid& u) {
  const auto [hi, lo] = uuid_to_u64s(u);
  w.varint(field, hi);
  w.varint(field, lo);
}

}  // namespace

Bytes encode(const DeviceInfo& d) {
  ProtoWriter w;
  w.string(2, d.name);
  w.string(3, d.mac_address);
  w.string(4, d.esphome_version);
  w.string(6, d.model);
  w.string(12, d.manufacturer);
  w.string(13, d.friendly_name);
  w.varint(15, d.bluetooth_proxy_feature_flags);
  w.string(18, d.bluetooth_mac_address);
  if (d.api_encryption_supported) w.varint(19, 1);
  return w.take();
}

DeviceInfo decode_device_info(ByteView b) {
  DeviceInfo d;
  ProtoReader r(b);
  ProtoField f;
  while (r.next(f)) {
    switch (f.number) {
      case 2: d.name = f.str(); break;
      case 3: d.mac_address = f.str(); break;
      case 4: d.esphome_version = f.str(); break;
      case 6: d.model = f.str(); break;
      case 12: d.manufacturer = f.str(); break;
      case 13: d.friendly_name = f.str(); break;
      case 15: d.bluetooth_proxy_feature_flags = static_cast<std::uint32_t>(f.value); break;
      case 18: d.bluetooth_mac_address = f.str(); break;
      case 19: d.api_encryption_supported = f.value != 0; break;
      default: break;
    }
  }
  return d;
}

Bytes encode_raw_advertisements(const std::vector<RawAdvertisement>& batch) {
  ProtoWriter w;
  for (const RawAdvertisement& a : batch) {
    ProtoWriter m;
    m.varint(1, a.address);
    m.sint(2, a.rssi);
    m.varint(3, a.address_type);
    m.bytes(4, a.data);
    w.message(1, m);
  }
  return w.take();
}

std::vector<RawAdvertisement> decode_raw_advertisements(ByteView b) {
  std::vector<RawAdvertisement> out;
  ProtoReader r(b);
  ProtoField f;
  while (r.next(f)) {
    if (f.number != 1 || f.wire_type != 2) continue;
    RawAdvertisement a;
    ProtoReader m(f.data);
    ProtoField g;
    while (m.next(g)) {
      if (g.number == 1) a.address = g.value;
      else if (g.number == 2) a.rssi = static_cast<int>(g.sint());
      else if (g.number == 3) a.address_type = static_cast<std::uint32_t>(g.value);
      else if (g.number == 4) a.data.assign(g.data.begin(), g.data.end());
    }
    out.push_back(std::move(a));
  }
  return out;
}

Bytes encode_parsed_advertisement(const Advertisement& a, std::uint32_t address_type) {
  ProtoWriter w;
  w.varint(1, a.address ? address_to_u64(*a.address) : 0);
  w.string(2, a.name);
  w.sint(3, a.rssi.value_or(-127));
  for (const Uuid& u : a.service_uuids) w.string(4, uuid_text(u));
  for (const auto& [uuid, data] : a.service_data) {
    ProtoWriter m;
    m.string(1, uuid_text(uuid));
    m.bytes(3, data);
    w.message(5, m);
  }
  for (const auto& [company, data] : a.manufacturer_data) {
    ProtoWriter m;  // the company id, written as a 16-bit UUID
    m.string(1, uuid_text(Uuid::from16(company)));
    m.bytes(3, data);
    w.message(6, m);
  }
  w.varint(7, address_type);
  return w.take();
}

Advertisement decode_parsed_advertisement(ByteView b, std::uint32_t* address_type) {
  Advertisement a;
  ProtoReader r(b);
  ProtoField f;
  auto uuid_of = [](const std::string& s) { return Uuid::parse(s); };  // "0x181B" or the full form
  while (r.next(f)) {
    switch (f.number) {
      case 1: a.address = address_from_u64(f.value); break;
      case 2: a.name = f.str(); break;
      case 3: a.rssi = static_cast<int>(f.sint()); break;
      case 4:
        if (auto u = uuid_of(f.str())) a.service_uuids.push_back(*u);
        break;
      case 5:
      case 6: {
        std::string uuid;
        Bytes data;
        ProtoReader m(f.data);
        ProtoField g;
        while (m.next(g)) {
          if (g.number == 1) uuid = g.str();
          else if (g.number == 3) data.assign(g.data.begin(), g.data.end());
          else if (g.number == 2 && g.wire_type == 0) data.push_back(static_cast<std::uint8_t>(g.value));  // legacy_data
        }
        const auto u = uuid_of(uuid);
        if (!u) break;
        if (f.number == 5) a.service_data.emplace_back(*u, std::move(data));
        else a.manufacturer_data.emplace_back(u->short16(), std::move(data));
        break;
      }
      case 7:
        if (address_type) *address_type = static_cast<std::uint32_t>(f.value);
        break;
      default: break;
    }
  }
  return a;
}

Bytes encode_services(std::uint64_t address, const std::vector<GattService>& services) {
  ProtoWriter w;
  w.varint(1, address);
  for (const GattService& s : services) {
    ProtoWriter sm;
    put_uuid(sm, 1, s.uuid);
    sm.varint(2, s.handle);
    for (const GattCharacteristic& c : s.characteristics) {
      ProtoWriter cm;
      put_uuid(cm, 1, c.uuid);
      cm.varint(2, c.handle);
      cm.varint(3, c.properties);
      for (const GattDescriptor& d : c.descriptors) {
        ProtoWriter dm;
        put_uuid(dm, 1, d.uuid);
        dm.varint(2, d.handle);
        cm.message(4, dm);
      }
      sm.message(3, cm);
    }
    w.message(2, sm);
  }
  return w.take();
}

std::vector<GattService> decode_services(ByteView b) {
  std::vector<GattService> out;
  ProtoReader r(b);
  ProtoField f;
  while (r.next(f)) {
    if (f.number != 2 || f.wire_type != 2) continue;
    GattService s;
    UuidFields su;
    ProtoReader sr(f.data);
    ProtoField sf;
    while (sr.next(sf)) {
      if (sf.number == 1) su.add(sf);
      else if (sf.number == 2) s.handle = static_cast<std::uint32_t>(sf.value);
      else if (sf.number == 4) su.short_uuid = static_cast<std::uint32_t>(sf.value);
      else if (sf.number == 3 && sf.wire_type == 2) {
        GattCharacteristic c;
        UuidFields cu;
        ProtoReader cr(sf.data);
        ProtoField cf;
        while (cr.next(cf)) {
          if (cf.number == 1) cu.add(cf);
          else if (cf.number == 2) c.handle = static_cast<std::uint32_t>(cf.value);
          else if (cf.number == 3) c.properties = static_cast<std::uint32_t>(cf.value);
          else if (cf.number == 5) cu.short_uuid = static_cast<std::uint32_t>(cf.value);
          else if (cf.number == 4 && cf.wire_type == 2) {
            GattDescriptor d;
            UuidFields du;
            ProtoReader dr(cf.data);
            ProtoField df;
            while (dr.next(df)) {
              if (df.number == 1) du.add(df);
              else if (df.number == 2) d.handle = static_cast<std::uint32_t>(df.value);
              else if (df.number == 3) du.short_uuid = static_cast<std::uint32_t>(df.value);
            }
            d.uuid = du.uuid();
            c.descriptors.push_back(d);
          }
        }
        c.uuid = cu.uuid();
        s.characteristics.push_back(std::move(c));
      }
    }
    s.uuid = su.uuid();
    out.push_back(std::move(s));
  }
  return out;
}

DeviceField device_fields(ByteView b) {
  DeviceField d;
  ProtoReader r(b);
  ProtoField f;
  while (r.next(f)) {
    if (f.number == 1 && f.wire_type == 0) d.address = f.value;
    else if (f.number == 2 && f.wire_type == 0) d.handle = static_cast<std::uint32_t>(f.value);
  }
  return d;
}

// --- the connection ---

ApiSocket::ApiSocket(int fd, std::optional<NoiseHandshake::Key> psk) : fd_(fd), psk_(psk) {
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // A peer that stops reading must not block a sender forever.
  timeval tv{5, 0};
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

ApiSocket::~ApiSocket() {
  if (fd_ >= 0) ::close(fd_);
}

void ApiSocket::shutdown() { ::shutdown(fd_, SHUT_RDWR); }

std::unique_ptr<ApiSocket> ApiSocket::connect(const std::string& host, int port,
                                              std::optional<NoiseHandshake::Key> psk, Clock::duration timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0)
    throw ConnectionError("cannot resolve " + host + ": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, freeaddrinfo);
  std::string why = "no address";
  const auto deadline = Clock::now() + timeout;
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc < 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (::poll(&p, 1, static_cast<int>(std::max<long long>(left, 0))) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        rc = err ? -1 : 0;
        errno = err;
      } else {
        errno = ETIMEDOUT;
      }
    }
    if (rc == 0) {
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      return std::make_unique<ApiSocket>(fd, psk);
    }
    why = std::strerror(errno);
    ::close(fd);
  }
  throw ConnectionError("cannot connect to " + host + ":" + std::to_string(port) + ": " + why);
}

void ApiSocket::write_all(ByteView b) {
  std::size_t done = 0;
  while (done < b.size()) {
    const ssize_t n = ::send(fd_, b.data() + done, b.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw ConnectionError(std::string("connection lost while sending: ") + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

bool ApiSocket::fill(std::size_t n, Clock::time_point deadline) {
  if (in_pos_ > 0 && (in_pos_ == in_.size() || in_pos_ >= 65536)) {
    // What was read is dropped, so a connection that always has a frame in flight does not grow.
    in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(in_pos_));
    in_pos_ = 0;
  }
  while (in_.size() - in_pos_ < n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (rc < 0 && errno != EINTR) throw ConnectionError(std::string("poll: ") + std::strerror(errno));
    if (rc <= 0) continue;
    std::uint8_t buf[4096];
    const ssize_t got = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (got < 0) throw ConnectionError(std::string("connection lost: ") + std::strerror(errno));
    if (got == 0) throw ConnectionError("the other side closed the connection");
    in_.insert(in_.end(), buf, buf + got);
    bytes_in_ += static_cast<std::uint64_t>(got);
  }
  return true;
}

std::optional<Bytes> ApiSocket::read_noise_frame(Clock::time_point deadline) {
  if (!fill(3, deadline)) return std::nullopt;
  if (in_[in_pos_] != 0x01) {
    if (in_[in_pos_] == 0x00)
      throw ConnectionError("the node speaks plaintext: its api: section has no encryption key (leave key= out)");
    throw ConnectionError("not the ESPHome native API (bad indicator byte)");
  }
  const std::size_t len = be16(&in_[in_pos_ + 1]);
  if (!fill(3 + len, deadline)) return std::nullopt;
  Bytes frame(in_.begin() + static_cast<std::ptrdiff_t>(in_pos_ + 3),
              in_.begin() + static_cast<std::ptrdiff_t>(in_pos_ + 3 + len));
  in_pos_ += 3 + len;
  return frame;
}

void ApiSocket::write_noise_frame(ByteView payload) {
  if (payload.size() > 0xFFFF) throw ConnectionError("frame too long for the API");
  Bytes out{0x01, static_cast<std::uint8_t>(payload.size() >> 8), static_cast<std::uint8_t>(payload.size())};
  out.insert(out.end(), payload.begin(), payload.end());
  write_all(out);
}

namespace {
const Bytes kPrologue = {'N', 'o', 'i', 's', 'e', 'A', 'P', 'I', 'I', 'n', 'i', 't', 0, 0};
}

std::string ApiSocket::client_handshake(Clock::time_point deadline) {
  if (!psk_) return {};
  NoiseHandshake hs(NoiseHandshake::Role::initiator, kPrologue, *psk_);
  // The empty client hello and the handshake message go out together (as aioesphomeapi does).
  Bytes handshake{0x00};
  const Bytes m1 = hs.write_message();
  handshake.insert(handshake.end(), m1.begin(), m1.end());
  {
    std::lock_guard lock(send_mutex_);
    write_noise_frame({});
    write_noise_frame(handshake);
  }
  std::optional<Bytes> hello;
  try {
    hello = read_noise_frame(deadline);
  } catch (const ConnectionError& e) {
    if (std::string(e.what()).find("closed") != std::string::npos)
      throw ConnectionError("the node closed the connection during the handshake (does its api: have encryption?)");
    throw;
  }
  if (!hello) throw ConnectionError("the node did not answer the handshake in time");
  if (hello->empty() || (*hello)[0] != 0x01)
    throw ConnectionError("the node chose an encryption protocol declouder does not know");
  std::string name;
  for (std::size_t i = 1; i < hello->size() && (*hello)[i]; ++i) name += static_cast<char>((*hello)[i]);
  const auto answer = read_noise_frame(deadline);
  if (!answer) throw ConnectionError("the node did not finish the handshake in time");
  if (answer->empty()) throw ConnectionError("the node sent an empty handshake answer");
  if ((*answer)[0] != 0x00) {
    const std::string why(answer->begin() + 1, answer->end());
    if (why.find("MAC") != std::string::npos)
      throw ConnectionError("wrong encryption key: the node refused the handshake (" + why + ")");
    throw ConnectionError("the node refused the handshake: " + why);
  }
  try {
    hs.read_message(ByteView(*answer).subspan(1));
  } catch (const NoiseError& e) {
    throw ConnectionError(std::string("wrong encryption key, or not this node's answer: ") + e.what());
  }
  auto [send, receive] = hs.split();
  send_cipher_ = send;
  receive_cipher_ = receive;
  return name;
}

void ApiSocket::server_handshake(const std::string& name, const std::string& mac, Clock::time_point deadline) {
  if (!psk_) return;
  auto reject = [&](const std::string& why) {
    Bytes f{0x01};
    f.insert(f.end(), why.begin(), why.end());
    std::lock_guard lock(send_mutex_);
    write_noise_frame(f);
    throw ConnectionError("handshake refused: " + why);
  };
  if (!fill(1, deadline)) throw ConnectionError("no client hello in time");
  if (in_[in_pos_] != 0x01) reject("Bad indicator byte");
  if (!read_noise_frame(deadline)) throw ConnectionError("no client hello in time");  // its contents are ignored
  Bytes hello{0x01};
  hello.insert(hello.end(), name.begin(), name.end());
  hello.push_back(0);
  hello.insert(hello.end(), mac.begin(), mac.end());
  hello.push_back(0);
  {
    std::lock_guard lock(send_mutex_);
    write_noise_frame(hello);
  }
  const auto m1 = read_noise_frame(deadline);
  if (!m1) throw ConnectionError("no handshake message in time");
  if (m1->empty()) reject("Empty handshake message");
  if ((*m1)[0] != 0x00) reject("Bad handshake error byte");
  NoiseHandshake hs(NoiseHandshake::Role::responder, kPrologue, *psk_);
  try {
    hs.read_message(ByteView(*m1).subspan(1));
  } catch (const NoiseError&) {
    reject("Handshake MAC failure");
  }
  Bytes answer{0x00};
  const Bytes m2 = hs.write_message();
  answer.insert(answer.end(), m2.begin(), m2.end());
  {
    std::lock_guard lock(send_mutex_);
    write_noise_frame(answer);
  }
  auto [send, receive] = hs.split();
  send_cipher_ = send;
  receive_cipher_ = receive;
}

void ApiSocket::send(std::uint16_t type, ByteView payload) {
  std::lock_guard lock(send_mutex_);
  if (psk_) {
    if (payload.size() > 0xFFFF - 4 - 16) throw ConnectionError("message too long for an encrypted frame");
    Bytes inner;
    put_u16be(inner, type);
    put_u16be(inner, static_cast<std::uint16_t>(payload.size()));
    inner.insert(inner.end(), payload.begin(), payload.end());
    write_noise_frame(send_cipher_.encrypt({}, inner));
    return;
  }
  Bytes out{0x00};
  auto varint = [&](std::uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
  };
  varint(payload.size());
  varint(type);
  out.insert(out.end(), payload.begin(), payload.end());
  write_all(out);
}

std::optional<Message> ApiSocket::receive(Clock::time_point deadline) {
  if (psk_) {
    auto frame = read_noise_frame(deadline);
    if (!frame) return std::nullopt;
    Bytes inner;
    try {
      inner = receive_cipher_.decrypt({}, *frame);
    } catch (const NoiseError& e) {
      throw ConnectionError(e.what());
    }
    if (inner.size() < 4 || be16(&inner[2]) > inner.size() - 4) throw ConnectionError("encrypted message malformed");
    Message m;
    m.type = be16(&inner[0]);
    m.payload.assign(inner.begin() + 4, inner.begin() + 4 + be16(&inner[2]));
    return m;
  }
  // Plaintext: 0x00, varint length, varint type. Peek without consuming until complete.
  if (!fill(1, deadline)) return std::nullopt;
  if (in_[in_pos_] != 0x00) {
    if (in_[in_pos_] == 0x01)
      throw ConnectionError("the node requires encryption: give its API key (key=BASE64)");
    throw ConnectionError("not the ESPHome native API (bad indicator byte)");
  }
  for (;;) {
    std::size_t pos = in_pos_ + 1;
    std::uint64_t values[2] = {0, 0};
    bool complete = true;
    for (std::uint64_t& v : values) {
      int shift = 0;
      for (;;) {
        if (pos >= in_.size()) {
          complete = false;
          break;
        }
        const std::uint8_t b = in_[pos++];
        v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
        shift += 7;
        if (!(b & 0x80)) break;
        if (shift > 28) throw ConnectionError("plaintext frame header malformed");
      }
      if (!complete) break;
    }
    if (complete) {
      if (values[0] > (1u << 20)) throw ConnectionError("plaintext frame too long");
      const std::size_t header = pos - in_pos_;
      if (!fill(header + values[0], deadline)) return std::nullopt;
      pos = in_pos_ + header;  // fill() may have moved the unread bytes to the front
      Message m;
      m.type = static_cast<std::uint16_t>(values[1]);
      m.payload.assign(in_.begin() + static_cast<std::ptrdiff_t>(pos),
                       in_.begin() + static_cast<std::ptrdiff_t>(pos + values[0]));
      in_pos_ = pos + values[0];
      return m;
    }
    if (!fill(in_.size() - in_pos_ + 1, deadline)) return std::nullopt;
  }
}

// --- endpoints ---

NoiseHandshake::Key parse_key(const std::string& base64) {
  const auto bytes = base64_decode(base64);
  if (!bytes || bytes->size() != 32)
    throw std::invalid_argument("key: expected the node's 32-byte API encryption key in base64 (44 characters)");
  NoiseHandshake::Key k{};
  std::copy(bytes->begin(), bytes->end(), k.begin());
  return k;
}

Endpoint parse_endpoint(const std::string& text) {
  Endpoint e;
  std::string hostport = text;
  const auto comma = text.find(',');
  if (comma != std::string::npos) {
    hostport = text.substr(0, comma);
    std::string rest = text.substr(comma + 1);
    while (!rest.empty()) {
      const auto next = rest.find(',');
      const std::string kv = rest.substr(0, next);
      rest = next == std::string::npos ? std::string() : rest.substr(next + 1);
      if (kv.rfind("key=", 0) == 0) e.key = parse_key(kv.substr(4));
      else throw std::invalid_argument("unknown option '" + kv + "' (known: key=BASE64)");
    }
  }
  // [v6]:port, host:port, host
  if (!hostport.empty() && hostport.front() == '[') {
    const auto close = hostport.find(']');
    if (close == std::string::npos) throw std::invalid_argument("'" + hostport + "': unclosed [");
    e.host = hostport.substr(1, close - 1);
    hostport = hostport.substr(close + 1);
    if (!hostport.empty() && hostport.front() == ':') hostport = "x" + hostport;  // the port follows
    else hostport.clear();
  }
  const auto colon = hostport.rfind(':');
  if (colon != std::string::npos && hostport.find(':') == colon) {
    if (e.host.empty()) e.host = hostport.substr(0, colon);
    const std::string port = hostport.substr(colon + 1);
    try {
      std::size_t used = 0;
      e.port = std::stoi(port, &used);
      if (used != port.size() || e.port <= 0 || e.port > 65535) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw std::invalid_argument("'" + port + "' is not a TCP port");
    }
  } else if (e.host.empty()) {
    e.host = hostport;
  }
  if (e.host.empty()) throw std::invalid_argument("no host name (HOST[:PORT][,key=BASE64])");
  return e;
}

}  // namespace declouder::esphome
