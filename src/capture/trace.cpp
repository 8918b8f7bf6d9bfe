#include "capture/trace.hpp"

#include <unordered_map>

namespace declouder::capture {

namespace {

constexpr std::uint16_t kAttCid = 0x0004;
constexpr std::size_t kMaxL2capFrame = 65535 + 4;

std::uint64_t address_key(const MacAddress& a) {
  std::uint64_t k = 0;
  for (auto b : a.bytes) k = (k << 8) | b;
  return k;
}

struct PendingRequest {
  std::uint8_t opcode = 0;
  std::optional<std::uint16_t> handle;
  std::optional<Uuid> type;  // Read By Type / Read By Group Type: the type asked for
};

struct Reassembly {
  Bytes buffer;
  std::size_t expected = 0;  // 0: L2CAP header not complete yet
  bool active = false;
};

struct GattDb {
  std::unordered_map<std::uint16_t, Uuid> uuid_by_handle;
};

struct Connection {
  std::optional<MacAddress> address;
  Reassembly reassembly[2];        // [0] from host, [1] from device
  std::optional<PendingRequest> request[2];  // outstanding request sent by host [0] / device [1]
  GattDb* db = nullptr;
};

std::optional<Uuid> uuid_from_le(ByteView b) {
  if (b.size() == 2) return Uuid::from16(le16(b.data()));
  if (b.size() == 4) return Uuid::from32(le32(b.data()));
  if (b.size() == 16) return Uuid::from_le128(b.data());
  return std::nullopt;
}

}  // namespace

struct BleTrace::State {
  std::unordered_map<std::uint32_t, Connection> connections;  // controller << 16 | handle
  std::unordered_map<std::uint64_t, GattDb> dbs;              // by device address, or by connection
  Advertisement adv;  // reused between reports

  // The last connection used, since traffic comes in runs on one handle.
  std::uint32_t cached_key = 0;
  Connection* cached = nullptr;

  Connection& connection(std::uint16_t controller, std::uint16_t handle) {
    const std::uint32_t key = (std::uint32_t{controller} << 16) | handle;
    if (cached && cached_key == key) return *cached;
    auto [it, fresh] = connections.try_emplace(key);
    if (fresh || !it->second.db) it->second.db = &dbs[(1ULL << 63) | key];
    cached_key = key;
    cached = &it->second;
    return it->second;
  }
};

BleTrace::BleTrace(TraceHandlers handlers, HandleMap assumed_uuids)
    : s_(std::make_unique<State>()), h_(std::move(handlers)), assumed_(std::move(assumed_uuids)) {}
BleTrace::~BleTrace() = default;

std::optional<Uuid> BleTrace::uuid_of(const MacAddress& device, std::uint16_t handle) const {
  auto it = s_->dbs.find(address_key(device));
  if (it == s_->dbs.end()) return std::nullopt;
  auto u = it->second.uuid_by_handle.find(handle);
  if (u == it->second.uuid_by_handle.end()) return std::nullopt;
  return u->second;
}

void BleTrace::feed(const HciRecord& rec) {
  auto problem = [&](std::string why) {
    if (h_.on_problem) h_.on_problem(TraceProblem{rec, std::move(why)});
  };

  if (rec.kind == PacketKind::event) {
    auto e = parse_event(rec.data);
    if (!e) return problem("HCI event shorter than its parameter length");
    if (e->code == ev::le_meta && !e->params.empty()) {
      const std::uint8_t sub = e->params[0];
      if (sub == ev::le_advertising_report || sub == ev::le_extended_advertising_report) {
        if (!h_.on_advert) return;
        const char* bad = for_each_advert_report(e->params, [&](const AdvertReport& r) {
          Advertisement& adv = s_->adv;
          adv = Advertisement{};
          adv.address = r.address;
          adv.rssi = r.rssi;
          adv.time_us = rec.time_us;
          const char* malformed = parse_ad_structures(r.ad, adv);
          h_.on_advert(AdvertEvent{rec, r, adv, malformed});
        });
        if (bad) problem(bad);
      } else if (sub == ev::le_connection_complete || sub == ev::le_enhanced_connection_complete) {
        auto c = parse_le_connection_complete(e->params);
        if (!c) return problem("LE connection complete event too short");
        if (c->status == 0) {
          Connection& conn = s_->connection(rec.controller, c->handle);
          conn = Connection{};
          conn.address = c->peer;
          conn.db = &s_->dbs[address_key(c->peer)];
        }
        if (h_.on_connection) h_.on_connection(ConnectionEvent{rec, true, c->handle, c->peer, c->status, 0});
      }
    } else if (e->code == ev::disconnection_complete) {
      auto d = parse_disconnection_complete(e->params);
      if (!d) return problem("disconnection complete event too short");
      const std::uint32_t key = (std::uint32_t{rec.controller} << 16) | d->handle;
      std::optional<MacAddress> addr;
      if (auto it = s_->connections.find(key); it != s_->connections.end()) {
        addr = it->second.address;
        if (d->status == 0) {
          s_->connections.erase(it);
          s_->cached = nullptr;
        }
      }
      if (h_.on_connection) h_.on_connection(ConnectionEvent{rec, false, d->handle, addr, d->status, d->reason});
    }
    return;
  }

  if (rec.kind != PacketKind::acl) return;
  auto acl = parse_acl(rec.data);
  if (!acl) return problem("ACL packet shorter than its data length");
  if (rec.direction == Direction::unknown) return;
  const bool from_host = rec.direction == Direction::host_to_controller;
  Connection& conn = s_->connection(rec.controller, acl->handle);
  Reassembly& ra = conn.reassembly[from_host ? 0 : 1];

  ByteView frame;
  if (acl->pb == 1) {  // continuation
    if (!ra.active) return problem("ACL continuation fragment without a start on handle " + std::to_string(acl->handle));
    ra.buffer.insert(ra.buffer.end(), acl->data.begin(), acl->data.end());
  } else {  // a start (00, 10) or a complete PDU (11)
    if (ra.active) {
      problem("L2CAP frame on handle " + std::to_string(acl->handle) + " left incomplete by a new start");
      ra.active = false;
      ra.buffer.clear();
    }
    if (acl->data.size() >= 4 && acl->data.size() >= 4u + le16(acl->data.data())) {
      frame = acl->data.first(4u + le16(acl->data.data()));  // whole in one packet: no copy
    } else {
      ra.active = true;
      ra.expected = 0;
      ra.buffer.assign(acl->data.begin(), acl->data.end());
    }
  }
  if (ra.active) {
    if (ra.expected == 0 && ra.buffer.size() >= 4) ra.expected = 4u + le16(ra.buffer.data());
    if (ra.buffer.size() > kMaxL2capFrame) {
      ra.active = false;
      ra.buffer.clear();
      return problem("L2CAP frame longer than 65535 bytes");
    }
    if (ra.expected == 0 || ra.buffer.size() < ra.expected) return;  // wait for more
    frame = ByteView(ra.buffer).first(ra.expected);
    ra.active = false;
  }

  const std::uint16_t cid = le16(frame.data() + 2);
  if (cid != kAttCid) return;
  auto pdu = parse_att(frame.subspan(4));
  if (!pdu) return problem("ATT PDU too short for its opcode");

  // Request/response pairing and discovery.
  const int me = from_host ? 0 : 1, peer = 1 - me;
  std::optional<std::uint16_t> handle = pdu->handle;
  ByteView value = pdu->value;
  GattDb& db = *conn.db;
  if (att_is_request(pdu->opcode)) {
    PendingRequest req;
    req.opcode = pdu->opcode;
    req.handle = pdu->handle;
    const ByteView p = pdu->params;
    if ((pdu->opcode == 0x08 || pdu->opcode == 0x10) && p.size() >= 6) req.type = uuid_from_le(p.subspan(4));
    conn.request[me] = req;
  } else if (att_is_response(pdu->opcode)) {
    std::optional<PendingRequest> req = conn.request[peer];
    conn.request[peer].reset();
    if (!handle && req) handle = req->handle;
    const ByteView p = pdu->params;
    if (pdu->opcode == 0x09 && !p.empty() && p[0] >= 2) {  // Read By Type Response: length, (handle, value)*
      const std::size_t len = p[0];
      const bool characteristic_decls =
          req ? (req->type && req->type->is16() && req->type->short16() == 0x2803) : (len == 7 || len == 21);
      for (std::size_t i = 1; i + len <= p.size(); i += len) {
        const std::uint16_t h = le16(&p[i]);
        if (characteristic_decls && len >= 7) {
          // properties u8, value handle u16, UUID
          if (auto u = uuid_from_le(p.subspan(i + 5, len - 5))) db.uuid_by_handle[le16(&p[i + 3])] = *u;
        } else if (req && req->type) {
          db.uuid_by_handle[h] = *req->type;
          if (1 + len == p.size()) {  // one item: a read of that characteristic by its UUID
            handle = h;
            value = p.subspan(i + 2, len - 2);
          }
        }
      }
    } else if (pdu->opcode == 0x05 && !p.empty()) {  // Find Information Response: format, (handle, UUID)*
      const std::size_t ulen = p[0] == 1 ? 2 : p[0] == 2 ? 16 : 0;
      if (ulen)
        for (std::size_t i = 1; i + 2 + ulen <= p.size(); i += 2 + ulen)
          db.uuid_by_handle[le16(&p[i])] = *uuid_from_le(p.subspan(i + 2, ulen));
    }
  } else if (pdu->opcode == 0x1D) {
    conn.request[me] = PendingRequest{pdu->opcode, pdu->handle, std::nullopt};
  } else if (pdu->opcode == 0x1E) {
    if (conn.request[peer]) handle = conn.request[peer]->handle;
    conn.request[peer].reset();
  }

  if (!h_.on_att) return;
  std::optional<Uuid> uuid;
  if (handle) {
    if (auto it = db.uuid_by_handle.find(*handle); it != db.uuid_by_handle.end()) {
      uuid = it->second;
    } else if (!assumed_.empty()) {
      if (auto a = assumed_.find(*handle); a != assumed_.end()) uuid = a->second;
    }
  }
  h_.on_att(AttEvent{rec, acl->handle, conn.address, from_host, *pdu, handle, uuid, value});
}

}  // namespace declouder::capture
