// Xiaomi MiBeacon: the service data 0xFE95 that Xiaomi's newer devices advertise, and the
// AES-CCM encryption (MiBeacon v4/v5) the S400, S200 and S800 scales use for it.
//
// Layout of the service data (frame control little-endian):
//   0-1   frame control: bit3 encrypted, bit4 MAC included, bit5 capability included,
//         bit6 object included, bit7 mesh; bits 12-15 the MiBeacon version
//   2-3   product id u16 LE (which device: 0x3BD5 an S400, 0x51E2 an S800, ...)
//   4     frame counter
//   5-10  the device address, least significant octet first (when bit4)
//   ...   the capability byte (when bit5; a second I/O byte when its bit5 is set)
//   ...   objects: type u16 LE, length u8, value; encrypted (v4/v5) as one block, followed by
//         3 bytes of extended counter and the 4-byte CCM tag
// v4/v5 encryption: AES-128-CCM with the device's 16-byte bindkey, a 12-byte nonce
//   address (least significant octet first) | product id | frame counter | extended counter
// one byte of associated data (0x11) and a 4-byte tag.
//
// Sources: Home Assistant's xiaomi-ble (Bluetooth-Devices/xiaomi-ble,
// src/xiaomi_ble/parser.py: the frame control bits, _decrypt_mibeacon_v4_v5) and openScale
// (libs/XiaomiS800Lib.kt, the same layout). Re-implemented from those facts; the cipher is
// OpenSSL's (libcrypto), not written here.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "core/frame.hpp"
#include "core/reading.hpp"

namespace declouder::mibeacon {

constexpr std::uint16_t kServiceUuid = 0xFE95;

struct Header {
  std::uint16_t frame_control = 0;
  std::uint16_t product_id = 0;
  std::uint8_t counter = 0;
  std::optional<MacAddress> address;  // when the frame carries it
  std::size_t objects_at = 0;         // where the objects (or the ciphertext) start

  int version() const { return frame_control >> 12; }
  bool encrypted() const { return frame_control & 0x0008; }
  bool has_objects() const { return frame_control & 0x0040; }
};

// The header, or nothing when the data is too short for what its frame control announces.
std::optional<Header> parse_header(ByteView data);

// The objects of a frame, decrypted when it is encrypted. No heap: at most kMaxObjects bytes.
struct Objects {
  static constexpr std::size_t kMaxObjects = 64;
  std::array<std::uint8_t, kMaxObjects> bytes;  // only [0, size) is written: not cleared per advert
  std::size_t size = 0;
  ByteView view() const { return ByteView(bytes.data(), size); }
};

// Whether a frame could be opened, and why not. Small on purpose: a DecodeOutcome carries a
// whole Reading (about 300 bytes), and passing one up through each rejection made an S400
// frame heard without its key cost 35 ns more than a foreign MiBeacon.
struct Opened {
  DecodeStatus status = DecodeStatus::ok;
  const char* detail = "";
  bool ok() const { return status == DecodeStatus::ok; }
  DecodeOutcome outcome() const { return DecodeOutcome::reject(status, detail); }  // when !ok()
};

// Opens a v4/v5 frame: its objects into `out`. `address` is the sender's (the nonce needs it
// when the frame does not carry it). Returns ok, or the reason it cannot be opened (needs_key
// without a key, bad_checksum when the tag does not match: a wrong key or damaged bytes).
Opened open(ByteView data, const Header& h, const std::optional<MacAddress>& address,
                   const std::optional<Bindkey>& key, Objects& out);

// The value of the first object of `type` in `objects`, if there is one.
std::optional<ByteView> find_object(ByteView objects, std::uint16_t type);

// Does `adv` carry a MiBeacon frame from one of `products`? (claims(): by the frame, not the name)
bool from_product(const Advertisement& adv, std::span<const std::uint16_t> products);
// The objects of `adv`'s MiBeacon frame from one of `products`, opened with adv.bindkey;
// not_this_device for another product's frame.
Opened open_advert(const Advertisement& adv, std::span<const std::uint16_t> products, Objects& out);

// The device side (simulators): a whole encrypted v5 frame with `objects`; the address is not in
// it (as in the S400's frames) but in the nonce.
Bytes seal(std::uint16_t product_id, std::uint8_t counter, const MacAddress& address, ByteView objects,
           std::uint32_t extended_counter, const Bindkey& key);

}  // namespace declouder::mibeacon
