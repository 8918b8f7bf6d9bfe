// BleTrace: the per-connection BLE layer over a stream of HciRecords.
//
// Feed it every record of a capture, in order. It
//  - turns LE advertising reports (legacy and extended) into Advertisements;
//  - learns which device address is behind which connection handle from LE
//    (enhanced) connection complete, and forgets it on disconnection complete
//    (reporting the reason);
//  - reassembles ACL fragments per connection and direction (PB flags) into
//    L2CAP frames and hands channel 0x0004 to the ATT decoder;
//  - pairs ATT requests with responses (a Write Response names the handle of
//    its Write Request, a Read Response the handle read, as Wireshark does);
//  - rebuilds each device's handle -> UUID map from GATT discovery answers
//    (Read By Type 0x2803 characteristic declarations, Find Information, and
//    Read By Type of any other type), kept per device address so a
//    reconnection still knows the handles.
// Memory is bounded by the number of devices and connections, not by records.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "capture/att.hpp"
#include "capture/hci.hpp"
#include "capture/record.hpp"
#include "core/frame.hpp"
#include "core/uuid.hpp"

namespace declouder::capture {

struct AdvertEvent {
  const HciRecord& record;
  const AdvertReport& report;
  const Advertisement& advert;  // AD structures decoded; address, rssi and time filled in
  const char* malformed = nullptr;  // why the AD structures are malformed (what came before is kept)
};

struct AttEvent {
  const HciRecord& record;  // the record that completed the PDU (its time)
  std::uint16_t connection = 0;
  std::optional<MacAddress> address;  // when the connection is known
  bool from_host = true;               // host->device (true) or device->host
  const AttPdu& pdu;
  std::optional<std::uint16_t> handle;  // the PDU's own, or the request's for a response
  std::optional<Uuid> uuid;             // from discovery, when known
  // The attribute value carried: pdu.value, or for a Read By Type Response to
  // a read by characteristic UUID with one item, that item's value (it is a read).
  ByteView value;
};

struct ConnectionEvent {
  const HciRecord& record;
  bool connected = true;  // false: disconnection complete
  std::uint16_t connection = 0;
  std::optional<MacAddress> address;
  std::uint8_t status = 0;
  std::uint8_t reason = 0;  // disconnection reason
};

struct TraceProblem {
  const HciRecord& record;
  std::string reason;
};

struct TraceHandlers {
  std::function<void(const AdvertEvent&)> on_advert;
  std::function<void(const AttEvent&)> on_att;
  std::function<void(const ConnectionEvent&)> on_connection;
  std::function<void(const TraceProblem&)> on_problem;  // malformed packets: reported, skipped
};

// Handle -> characteristic UUID the user knows (a capture started after
// discovery, as most do). Used where the capture's own discovery says nothing.
using HandleMap = std::map<std::uint16_t, Uuid>;

class BleTrace {
 public:
  explicit BleTrace(TraceHandlers handlers, HandleMap assumed_uuids = {});
  ~BleTrace();
  BleTrace(const BleTrace&) = delete;
  BleTrace& operator=(const BleTrace&) = delete;

  void feed(const HciRecord& record);

  // The UUID of a handle on a device, as learned so far (for tools).
  std::optional<Uuid> uuid_of(const MacAddress& device, std::uint16_t handle) const;

 private:
  struct State;
  std::unique_ptr<State> s_;
  TraceHandlers h_;
  HandleMap assumed_;
};

}  // namespace declouder::capture
