// The Huawei AH100 / CH100 frames, keys and measurement (facts and sources: descriptor.cpp).
// The AES is OpenSSL's; everything else is byte shuffling.
#include "devices/huawei_ah100/protocol.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "devices/decode_util.hpp"

namespace declouder::huawei_ah100 {
namespace {

constexpr Key kInitialKey = {0x3D, 0xA2, 0x78, 0x4A, 0xFB, 0x87, 0xB1, 0x2A,
                             0x98, 0x0F, 0xDE, 0x34, 0x56, 0x73, 0x21, 0x56};
constexpr std::array<std::uint8_t, 16> kIv = {0x4E, 0xF7, 0x64, 0x32, 0x2F, 0xDA, 0x76, 0x32,
                                              0x12, 0x3D, 0xEB, 0x87, 0x90, 0xFE, 0xA2, 0x19};
constexpr std::uint8_t kTokenPrefix[5] = {0x11, 0x22, 0x33, 0x44, 0x55};

struct CipherFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

Bytes header(std::uint8_t start, std::uint8_t length, std::uint8_t op) { return Bytes{start, length, op}; }

Bytes joined(Bytes head, const Bytes& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

}  // namespace

Bytes obfuscate(ByteView data, const MacAddress& mac) {
  Bytes out(data.begin(), data.end());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] ^= mac.bytes[i % mac.bytes.size()];
  return out;
}

Bytes auth_token(int user_id) {
  Bytes t(kTokenPrefix, kTokenPrefix + 5);
  t.push_back(0);
  t.push_back(static_cast<std::uint8_t>(user_id));
  t[5] = xor8(t);
  return t;
}

std::optional<int> token_user(ByteView token) {
  if (token.size() != kTokenSize || !std::equal(kTokenPrefix, kTokenPrefix + 5, token.begin()) || xor8(token) != 0)
    return std::nullopt;
  return token[6];
}

Key magic_key(ByteView token, const MacAddress& mac) {
  Key key = kInitialKey;
  const Bytes obf = obfuscate(token.first(std::min(token.size(), kTokenSize)), mac);
  std::copy(obf.begin(), obf.end(), key.begin());
  return key;
}

Bytes aes_ctr(ByteView data, const Key& key) {
  // One context per thread, given a new key each time: a lone frame tries up to 255 keys.
  thread_local const std::unique_ptr<EVP_CIPHER_CTX, CipherFree> c(EVP_CIPHER_CTX_new());
  Bytes out(data.size() + 16);
  int len = 0, tail = 0;
  if (!c || EVP_EncryptInit_ex(c.get(), EVP_aes_128_ctr(), nullptr, key.data(), kIv.data()) != 1 ||
      EVP_EncryptUpdate(c.get(), out.data(), &len, data.data(), static_cast<int>(data.size())) != 1 ||
      EVP_EncryptFinal_ex(c.get(), out.data() + len, &tail) != 1)
    return {};
  out.resize(static_cast<std::size_t>(len + tail));
  return out;
}

Bytes plain_command(std::uint8_t cmd, ByteView payload, const MacAddress& mac) {
  return joined(header(kAppPlain, static_cast<std::uint8_t>(payload.size() + 1), cmd), obfuscate(payload, mac));
}

Bytes encrypted_command(std::uint8_t cmd, ByteView payload, const Key& key, const MacAddress& mac) {
  return joined(header(kAppEncrypted, static_cast<std::uint8_t>(payload.size()), cmd), obfuscate(aes_ctr(payload, key), mac));
}

Bytes plain_notification(std::uint8_t op, ByteView tail, const MacAddress& mac) {
  return joined(header(kScalePlain, static_cast<std::uint8_t>(tail.size()), op), obfuscate(tail, mac));
}

Bytes encrypted_notification(std::uint8_t op, ByteView tail, const Key& key, const MacAddress& mac) {
  return joined(header(kScaleEncrypted, static_cast<std::uint8_t>(tail.size()), op), obfuscate(aes_ctr(tail, key), mac));
}

std::optional<Frame> open_frame(ByteView frame, const MacAddress& mac, const Key* key) {
  if (frame.size() < 3) return std::nullopt;
  Frame f;
  f.start = frame[0];
  f.length = frame[1];
  f.op = frame[2];
  f.payload = obfuscate(frame.subspan(3), mac);
  if (key && (f.start == kAppEncrypted || f.start == kScaleEncrypted)) f.payload = aes_ctr(f.payload, *key);
  return f;
}

Bytes unit_payload(WeightUnit unit) { return Bytes{static_cast<std::uint8_t>(unit == WeightUnit::lb ? 0x02 : 0x01)}; }

int iso_weekday(const CivilTime& t) {
  const std::int64_t days = unix_from_civil({t.year, t.month, t.day, 0, 0, 0}) / 86400;
  const std::int64_t w = ((days % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday (3 days after Monday)
  return static_cast<int>(w) + 1;
}

Bytes clock_payload(const CivilTime& t) {
  Bytes p;
  put_u16le(p, static_cast<std::uint16_t>(t.year));
  for (int v : {t.month, t.day, t.hour, t.minute, t.second, iso_weekday(t)}) p.push_back(static_cast<std::uint8_t>(v));
  return p;
}

Bytes user_info_payload(const UserInfo& u) {
  Bytes p = auth_token(u.user_id);
  p.push_back(static_cast<std::uint8_t>((std::clamp(u.age, 0, 127)) | (u.male ? 0x00 : 0x80)));
  p.push_back(static_cast<std::uint8_t>(std::clamp(u.height_cm, 0, 255)));
  p.push_back(0x00);
  put_u16le(p, static_cast<std::uint16_t>(std::clamp(std::lround(u.weight_kg * 10), 0L, 0xFFFEL)));
  p.push_back(0xFF);  // the resistance: unknown to the app, measured by the scale
  p.push_back(0xFF);
  p.push_back(0x1C);
  p.push_back(0xE2);
  return p;
}

std::optional<UserInfo> parse_user_info(ByteView p) {
  if (p.size() < 16) return std::nullopt;
  const auto user = token_user(p.first(kTokenSize));
  if (!user) return std::nullopt;
  UserInfo u;
  u.user_id = *user;
  u.age = p[7] & 0x7F;
  u.male = !(p[7] & 0x80);
  u.height_cm = p[8];
  u.weight_kg = le16(&p[10]) / 10.0;
  return u;
}

DecodeOutcome decode_measurement(ByteView b) {
  if (b.size() < kMeasurementSize)
    return DecodeOutcome::reject(DecodeStatus::wrong_length, "a decrypted AH100 measurement has 15 bytes or more");
  const std::uint16_t weight = le16(&b[1]);
  if (weight == 0 || weight > 3000)
    return DecodeOutcome::reject(DecodeStatus::invalid_value, "the weight is not a person's (0.1-300 kg)");
  const std::uint16_t fat = le16(&b[3]);
  if (fat > 1000) return DecodeOutcome::reject(DecodeStatus::invalid_value, "a body fat above 100 %");
  const auto clock = decode_util::wall_clock(le16(&b[5]), b[7], b[8], b[9], b[10], b[11]);
  if (!clock) return DecodeOutcome::reject(DecodeStatus::invalid_value, "the measurement's date is impossible");
  if (b[0] == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "user id 0: no user of the scale");
  Reading r;
  r.model = kModel;
  r.weight_kg = weight / 10.0;
  r.stabilized = true;  // the scale sends the encrypted pair once the weighing is finished
  r.device_time = clock;
  r.user_slot = b[0];
  const std::uint16_t ohm = le16(&b[13]);
  if (ohm >= 1 && ohm <= 3999) r.impedance_ohm = ohm;  // 0: no contact (socks); FFFF: none
  // 0: not measured (no impedance). The scale's own estimate, from its own formula.
  if (fat > 0 && fat <= 750) r.add_device_metric("fat_percent", fat / 10.0);
  return DecodeOutcome::success(r);
}

Bytes measurement_payload(const MeasurementFields& m) {
  Bytes p{static_cast<std::uint8_t>(m.user_id)};
  put_u16le(p, static_cast<std::uint16_t>(std::lround(m.weight_kg * 10)));
  put_u16le(p, static_cast<std::uint16_t>(std::lround(m.fat_percent * 10)));
  put_u16le(p, static_cast<std::uint16_t>(m.time.year));
  for (int v : {m.time.month, m.time.day, m.time.hour, m.time.minute, m.time.second, iso_weekday(m.time)})
    p.push_back(static_cast<std::uint8_t>(v));
  put_u16le(p, static_cast<std::uint16_t>(m.impedance_ohm));
  p.push_back(0x00);
  return p;
}

DecodeOutcome decode_first_half(ByteView frame, const MacAddress& mac, const Key& key) {
  if (frame.size() < 3 || frame[0] != kScaleEncrypted || (frame[2] != kOpMeasurement && frame[2] != kOpHistory))
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "not the first half of an AH100 measurement (BC 0E, BC 10)");
  if (frame.size() < 3 + kMeasurementSize)
    return DecodeOutcome::reject(DecodeStatus::wrong_length, "the first half carries fewer than the 15 bytes of a measurement");
  return decode_measurement(open_frame(frame, mac, &key)->payload);
}

DecodeOutcome decode_lone_first_half(ByteView frame, const MacAddress& mac) {
  DecodeOutcome first = decode_first_half(frame, mac, magic_key(auth_token(1), mac));
  if (first.status == DecodeStatus::unsupported_frame || first.status == DecodeStatus::wrong_length) return first;
  for (int user = 1; user <= 255; ++user) {
    DecodeOutcome o = user == 1 ? first : decode_first_half(frame, mac, magic_key(auth_token(user), mac));
    if (o.ok() && o.reading.user_slot == user) return o;
  }
  return DecodeOutcome::reject(DecodeStatus::invalid_value,
                               "no user's key opens it to a measurement of that user: another scale's address?");
}

bool is_ah100_name(std::string_view raw) {
  std::string name;
  for (char c : raw)
    if (c != '\0') name.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  auto trim = [](std::string& s) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  };
  trim(name);
  for (std::string_view prefix : {"HUAWEI ", "HONOR "})
    if (name.rfind(prefix, 0) == 0) {
      name.erase(0, prefix.size());
      trim(name);
      break;
    }
  name = name.substr(0, name.find_first_of("-_ "));
  return name == "AH100" || name == "CH100";
}

}  // namespace declouder::huawei_ah100
