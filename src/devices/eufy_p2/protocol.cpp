// The Eufy P2's authentication and weight frame (facts and sources: descriptor.cpp).
#include "devices/eufy_p2/protocol.hpp"

#include <openssl/evp.h>

#include <cmath>
#include <memory>

#include "devices/decode_util.hpp"

namespace declouder::eufy_p2 {
namespace {

constexpr const char* kModel = "eufy-p2";
const std::uint8_t kIv[16] = {'0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0'};

struct CipherFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

// AES-128-CBC with PKCS#7 padding, either way; nothing when OpenSSL refuses (a bad padding).
std::optional<Bytes> aes_cbc(ByteView in, const std::array<std::uint8_t, 16>& key, bool encrypt) {
  std::unique_ptr<EVP_CIPHER_CTX, CipherFree> c(EVP_CIPHER_CTX_new());
  Bytes out(in.size() + 16);
  int len = 0, tail = 0;
  if (!c || EVP_CipherInit_ex(c.get(), EVP_aes_128_cbc(), nullptr, key.data(), kIv, encrypt ? 1 : 0) != 1 ||
      EVP_CipherUpdate(c.get(), out.data(), &len, in.data(), static_cast<int>(in.size())) != 1 ||
      EVP_CipherFinal_ex(c.get(), out.data() + len, &tail) != 1)
    return std::nullopt;
  out.resize(static_cast<std::size_t>(len + tail));
  return out;
}

}  // namespace

std::array<std::uint8_t, 16> key_for(const MacAddress& mac) {
  std::string text = mac.str();
  std::erase(text, ':');  // MacAddress::str() is upper case
  std::array<std::uint8_t, 16> key{};
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), key.data(), &n, EVP_md5(), nullptr);
  return key;
}

std::string seal(const std::string& text, const std::array<std::uint8_t, 16>& key) {
  const auto sealed = aes_cbc(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), key, true);
  if (!sealed) return {};
  std::string b64(4 * ((sealed->size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), sealed->data(), static_cast<int>(sealed->size()));
  b64.resize(static_cast<std::size_t>(n));
  return b64;
}

std::optional<std::string> open(const std::string& base64, const std::array<std::uint8_t, 16>& key) {
  if (base64.empty() || base64.size() % 4 != 0) return std::nullopt;
  Bytes raw(base64.size() / 4 * 3);
  const int n = EVP_DecodeBlock(raw.data(), reinterpret_cast<const unsigned char*>(base64.data()), static_cast<int>(base64.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);  // EVP_DecodeBlock counts the '=' padding as bytes
  for (std::size_t i = base64.size(); i > 0 && base64[i - 1] == '='; --i) --size;
  if (size == 0 || size % 16 != 0) return std::nullopt;
  const auto text = aes_cbc(ByteView(raw).first(size), key, false);
  if (!text) return std::nullopt;
  return std::string(text->begin(), text->end());
}

std::vector<Bytes> segments(std::uint8_t prefix, const std::string& payload) {
  std::vector<Bytes> out;
  const std::size_t count = (payload.size() + 14) / 15;
  for (std::size_t i = 0; i < count; ++i) {
    Bytes f{prefix, static_cast<std::uint8_t>(count), static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(payload.size())};
    const std::size_t end = std::min(payload.size(), (i + 1) * 15);
    for (std::size_t k = i * 15; k < end; ++k) f.push_back(static_cast<std::uint8_t>(payload[k]));
    f.push_back(xor8(f));
    out.push_back(std::move(f));
  }
  return out;
}

bool Reassembly::add(std::uint8_t prefix, ByteView f) {
  if (f.size() < 5 || f[0] != prefix || f[1] == 0 || f[2] >= f[1] || xor8(f.first(f.size() - 1)) != f.back()) return false;
  if (f[2] == 0) text.clear(), complete = false;
  text.append(f.begin() + 4, f.end() - 1);
  complete = f[2] + 1 == f[1];
  if (complete && (text.size() & 0xFF) != f[3]) {  // the total length byte disagrees: a frame was lost
    text.clear();
    complete = false;
    return false;
  }
  return true;
}

DecodeOutcome decode_weight(ByteView b) {
  if (b.empty() || b[0] != 0xCF) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a CF frame");
  if (b.size() != 16 || b[1] != 0x0E || b[2] != 0x00 || b[3] != 0xCF)
    return DecodeOutcome::reject(DecodeStatus::wrong_length, "Eufy P2 weight frames are 16 bytes: CF 0E 00 CF");
  if (xor8(b.subspan(2, 13)) != b[15]) return DecodeOutcome::reject(DecodeStatus::bad_checksum, "XOR of bytes 2-14 differs from byte 15");
  const std::uint16_t raw = le16(&b[6]);
  if (raw == 0 || raw > 20000) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0-200 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = raw / 100.0;
  r.stabilized = b[12] == 0;
  const double ohm = le16(&b[4]) / 10.0;
  if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  return DecodeOutcome::success(r);
}

Bytes weight_frame(double kg, double ohm, bool final) {
  Bytes f{0xCF, 0x0E, 0x00, 0xCF};
  put_u16le(f, static_cast<std::uint16_t>(std::lround(ohm * 10)));
  put_u16le(f, static_cast<std::uint16_t>(std::lround(kg * 100)));
  f.resize(15, 0);
  f[12] = final ? 0x00 : 0x01;
  f.push_back(xor8(ByteView(f).subspan(2, 13)));
  return f;
}

}  // namespace declouder::eufy_p2
