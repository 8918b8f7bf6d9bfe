// Builders of HCI packets (no H4 byte), for the capture writer's users: test
// fixtures, benchmarks, simulators and the hcidump text reader, which rebuilds
// packets from decoded lines. Layouts as in hci.hpp / att.hpp.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/uuid.hpp"

namespace declouder::capture::packet {

Bytes command(std::uint16_t opcode, ByteView params);
Bytes event(std::uint8_t code, ByteView params);
// ACL header (handle | PB << 12, length) + data.
Bytes acl(std::uint16_t handle, std::uint8_t pb, ByteView data);
// L2CAP basic frame: length, channel id, payload.
Bytes l2cap(std::uint16_t cid, ByteView payload);
// An ATT PDU in one ACL packet: PB 00 from the host, PB 10 from the controller.
Bytes att(std::uint16_t handle, bool from_host, ByteView att_pdu);
// The same split into ACL fragments of at most `max_data` bytes (start + continuations).
std::vector<Bytes> att_fragments(std::uint16_t handle, bool from_host, ByteView att_pdu, std::size_t max_data);

// AD structures.
Bytes ad(std::uint8_t type, ByteView data);
Bytes ad_flags(std::uint8_t flags);
Bytes ad_name(std::string_view name, bool complete = true);
Bytes ad_uuid16_list(std::initializer_list<std::uint16_t> uuids);
Bytes ad_service_data16(std::uint16_t uuid, ByteView data);
Bytes ad_manufacturer(std::uint16_t company, ByteView data);

// LE Meta events (complete event packets).
Bytes le_advertising_report(std::uint8_t event_type, std::uint8_t address_type, const MacAddress& addr, ByteView ad,
                            std::int8_t rssi);
Bytes le_extended_advertising_report(std::uint16_t event_type, std::uint8_t address_type, const MacAddress& addr,
                                     ByteView ad, std::int8_t rssi);
Bytes le_connection_complete(std::uint8_t status, std::uint16_t handle, std::uint8_t role,
                             std::uint8_t peer_address_type, const MacAddress& peer);
Bytes disconnection_complete(std::uint8_t status, std::uint16_t handle, std::uint8_t reason);
Bytes command_complete(std::uint8_t ncmd, std::uint16_t opcode, ByteView return_params);
Bytes command_status(std::uint8_t status, std::uint8_t ncmd, std::uint16_t opcode);
Bytes number_of_completed_packets(std::uint16_t handle, std::uint16_t count);

// ATT PDUs.
Bytes att_handle_value(std::uint8_t opcode, std::uint16_t handle, ByteView value);  // 0x12, 0x1B, 0x1D, 0x52
Bytes att_read_by_type_request(std::uint16_t start, std::uint16_t end, const Uuid& type);
Bytes att_read_by_group_type_request(std::uint16_t start, std::uint16_t end, const Uuid& type);
Bytes att_uuid_le(const Uuid& u);  // 2 bytes for 16-bit base UUIDs, else 16

}  // namespace declouder::capture::packet
