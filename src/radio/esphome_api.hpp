// ESPHome's native API, as far as a Bluetooth proxy needs it: the framing (plaintext and
// Noise-encrypted), the protobuf messages of the proxy, and a blocking connection over TCP
// that both our client (radio/esphome_client.hpp) and our simulated node
// (sim/esphome_proxy.hpp) speak through.
//
// Sources (public): ESPHome's esphome/components/api/api.proto (message ids and field numbers),
// esphome/components/api/api_frame_helper*.cpp (the framing and the handshake's frames), and
// aioesphomeapi's aioesphomeapi/_frame_helper/noise.py (the client's side of it).
//
// Plaintext frame: 0x00, varint payload length, varint message type, payload.
// Noise frame:     0x01, u16 big-endian length, then
//   - during the handshake: the client's empty hello frame, the server's hello
//     (0x01 = Noise chosen, then name NUL, MAC NUL), the client's 0x00 + handshake message,
//     the server's 0x00 + its handshake message (or 0x01 + why it refused);
//   - afterwards: ChaCha20-Poly1305 ciphertext of (u16 BE type, u16 BE length, payload).
// Protobuf is encoded by hand (as ESPHome itself does, api/proto.h): varints, zigzag sint32,
// length-delimited bytes and nested messages are all these messages use.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/uuid.hpp"
#include "radio/noise.hpp"

namespace declouder::esphome {

// --- protobuf, the few wire types used ---

class ProtoWriter {
 public:
  void varint(int field, std::uint64_t v);  // uint32, uint64, bool, enum (zero is still written)
  void sint(int field, std::int64_t v);     // sint32 (zigzag)
  void fixed32(int field, std::uint32_t v);
  void bytes(int field, ByteView v);
  void string(int field, std::string_view v);
  void message(int field, const ProtoWriter& m) { bytes(field, m.out_); }
  const Bytes& data() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  void key(int field, int wire_type);
  void raw_varint(std::uint64_t v);
  Bytes out_;
};

struct ProtoField {
  int number = 0;
  int wire_type = 0;     // 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32
  std::uint64_t value = 0;  // varint / fixed
  ByteView data;            // length-delimited
  std::int64_t sint() const { return static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1); }
  std::string str() const { return std::string(data.begin(), data.end()); }
};

// Reads fields in order; `next` returns false at the end. Throws ProtocolError on bad bytes.
class ProtoReader {
 public:
  explicit ProtoReader(ByteView data) : data_(data) {}
  bool next(ProtoField& f);

 private:
  std::uint64_t varint();
  ByteView data_;
  std::size_t pos_ = 0;
};

struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --- message ids (api.proto) ---
namespace msg {
constexpr std::uint16_t hello_request = 1, hello_response = 2, authentication_request = 3,
                        authentication_response = 4, disconnect_request = 5, disconnect_response = 6,
                        ping_request = 7, ping_response = 8, device_info_request = 9, device_info_response = 10,
                        list_entities_request = 11, list_entities_done = 19, subscribe_states = 20,
                        subscribe_logs = 28, subscribe_ha_services = 34, get_time_request = 36,
                        get_time_response = 37, subscribe_ha_states = 38,
                        subscribe_ble_advertisements = 66, ble_advertisement = 67, device_request = 68,
                        device_connection = 69, gatt_get_services = 70, gatt_services = 71,
                        gatt_services_done = 72, gatt_read = 73, gatt_read_response = 74, gatt_write = 75,
                        gatt_read_descriptor = 76, gatt_write_descriptor = 77, gatt_notify = 78,
                        gatt_notify_data = 79, subscribe_connections_free = 80, connections_free = 81,
                        gatt_error = 82, gatt_write_response = 83, gatt_notify_response = 84,
                        unsubscribe_ble_advertisements = 87, ble_raw_advertisements = 93;
}  // namespace msg

// DeviceInfoResponse.bluetooth_proxy_feature_flags
namespace feature {
constexpr std::uint32_t passive_scan = 1, active_connections = 2, remote_caching = 4, pairing = 8,
                        cache_clearing = 16, raw_advertisements = 32, state_and_mode = 64;
}
// BluetoothDeviceRequest.request_type
namespace request {
constexpr std::uint32_t disconnect = 1, connect_v3_with_cache = 4, connect_v3_without_cache = 5;
}
// SubscribeBluetoothLEAdvertisementsRequest.flags
constexpr std::uint32_t kRawAdvertisements = 1;

// The API version this side announces (HelloRequest/HelloResponse): 1.12 is what nodes of
// ESPHome 2025 answer; clients older than 1.12 send the deprecated password message first.
constexpr std::uint32_t kApiMajor = 1, kApiMinor = 12;

// A Bluetooth address as the API carries it: the 48 bits in a uint64, most significant octet first.
std::uint64_t address_to_u64(const MacAddress& a);
MacAddress address_from_u64(std::uint64_t v);

// A 128-bit UUID as the API carries it: two uint64s, high half first; 16/32-bit UUIDs may
// instead travel as `short_uuid`.
std::pair<std::uint64_t, std::uint64_t> uuid_to_u64s(const Uuid& u);
Uuid uuid_from_u64s(std::uint64_t high, std::uint64_t low);

struct Message {
  std::uint16_t type = 0;
  Bytes payload;
};

// --- the messages a proxy exchanges ---

struct DeviceInfo {  // DeviceInfoResponse
  std::string name, mac_address, esphome_version, model, manufacturer, friendly_name, bluetooth_mac_address;
  std::uint32_t bluetooth_proxy_feature_flags = 0;
  bool api_encryption_supported = false;
};
Bytes encode(const DeviceInfo& d);
DeviceInfo decode_device_info(ByteView b);

struct RawAdvertisement {  // BluetoothLERawAdvertisement
  std::uint64_t address = 0;
  int rssi = 0;
  std::uint32_t address_type = 0;
  Bytes data;  // AD structures, advertisement then scan response, at most 62 bytes
};
Bytes encode_raw_advertisements(const std::vector<RawAdvertisement>& batch);
std::vector<RawAdvertisement> decode_raw_advertisements(ByteView b);

// BluetoothLEAdvertisementResponse (the older, parsed form) <-> Advertisement.
Bytes encode_parsed_advertisement(const Advertisement& a, std::uint32_t address_type);
Advertisement decode_parsed_advertisement(ByteView b, std::uint32_t* address_type = nullptr);

struct GattDescriptor {
  Uuid uuid;
  std::uint32_t handle = 0;
};
struct GattCharacteristic {
  Uuid uuid;
  std::uint32_t handle = 0;
  std::uint32_t properties = 0;  // GATT's bits: 0x02 read, 0x04 write without response, 0x08 write, 0x10 notify, 0x20 indicate
  std::vector<GattDescriptor> descriptors;
};
struct GattService {
  Uuid uuid;
  std::uint32_t handle = 0;
  std::vector<GattCharacteristic> characteristics;
};
Bytes encode_services(std::uint64_t address, const std::vector<GattService>& services);
std::vector<GattService> decode_services(ByteView b);

// The fields every proxy message about one device starts with: address (1), then handle (2).
struct DeviceField {
  std::uint64_t address = 0;
  std::uint32_t handle = 0;
};
DeviceField device_fields(ByteView b);

// --- a connection ---

struct ConnectionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One TCP connection speaking the framing, blocking with deadlines. send() may be called
// from any thread (frames are never interleaved); receive() from one thread at a time.
class ApiSocket {
 public:
  using Clock = std::chrono::steady_clock;
  ApiSocket(int fd, std::optional<NoiseHandshake::Key> psk);
  ~ApiSocket();
  ApiSocket(const ApiSocket&) = delete;
  ApiSocket& operator=(const ApiSocket&) = delete;

  // Connects to host:port within `timeout` (a resolved name or address). Throws ConnectionError.
  static std::unique_ptr<ApiSocket> connect(const std::string& host, int port,
                                            std::optional<NoiseHandshake::Key> psk, Clock::duration timeout);

  // The client's side of the Noise handshake (nothing to do in plaintext). Returns the name
  // the node announced in its hello (empty in plaintext). Throws ConnectionError naming
  // what went wrong: the wrong key, a node that wants (or does not want) encryption.
  std::string client_handshake(Clock::time_point deadline);
  // The server's side. `name`, `mac`: what its hello announces. Throws ConnectionError.
  void server_handshake(const std::string& name, const std::string& mac, Clock::time_point deadline);

  void send(std::uint16_t type, ByteView payload);
  // The next message, or nullopt when `deadline` passed first. Throws ConnectionError when
  // the peer closed the connection or sent what is not the API.
  std::optional<Message> receive(Clock::time_point deadline);
  // Closes the socket: a receive() blocked on another thread returns with ConnectionError.
  void shutdown();
  bool encrypted() const { return psk_.has_value(); }
  std::uint64_t bytes_received() const { return bytes_in_; }

 private:
  // Reads at least `n` buffered bytes; false when the deadline passed.
  bool fill(std::size_t n, Clock::time_point deadline);
  std::optional<Bytes> read_noise_frame(Clock::time_point deadline);
  void write_all(ByteView b);
  void write_noise_frame(ByteView payload);

  int fd_;
  std::optional<NoiseHandshake::Key> psk_;
  NoiseCipher send_cipher_, receive_cipher_;
  std::mutex send_mutex_;
  Bytes in_;
  std::size_t in_pos_ = 0;
  std::uint64_t bytes_in_ = 0;
};

// "HOST", "HOST:PORT", with ",key=BASE64" (the node's api encryption key): the endpoint of
// `run --esphome`. Throws std::invalid_argument naming what is wrong.
struct Endpoint {
  std::string host;
  int port = 6053;
  std::optional<NoiseHandshake::Key> key;
  std::string str() const { return host + ":" + std::to_string(port); }
};
Endpoint parse_endpoint(const std::string& text);
// A 32-byte key in base64, as ESPHome's YAML has it (api: encryption: key:).
NoiseHandshake::Key parse_key(const std::string& base64);

}  // namespace declouder::esphome
