// MiBeacon headers and AES-CCM (mibeacon.hpp has the layout and the sources).
#include "devices/xiaomi_mibeacon/mibeacon.hpp"

#include <openssl/evp.h>

#include <memory>

namespace declouder::mibeacon {
namespace {

constexpr std::size_t kExtCounter = 3, kTag = 4, kNonce = 12;
constexpr std::uint8_t kAssociatedData = 0x11;

// One cipher context per thread, reused: a decode allocates nothing after the first.
EVP_CIPHER_CTX* cipher_context() {
  struct Free {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
  };
  thread_local std::unique_ptr<EVP_CIPHER_CTX, Free> ctx(EVP_CIPHER_CTX_new());
  return ctx.get();
}

std::array<std::uint8_t, kNonce> nonce_for(const MacAddress& a, ByteView frame_id, ByteView ext) {
  std::array<std::uint8_t, kNonce> n{};
  for (int i = 0; i < 6; ++i) n[i] = a.bytes[5 - i];  // least significant octet first
  for (int i = 0; i < 3; ++i) n[6 + i] = frame_id[i];  // product id and counter
  for (int i = 0; i < 3; ++i) n[9 + i] = ext[i];
  return n;
}

}  // namespace

std::optional<Header> parse_header(ByteView d) {
  if (d.size() < 5) return std::nullopt;
  Header h;
  h.frame_control = le16(&d[0]);
  h.product_id = le16(&d[2]);
  h.counter = d[4];
  std::size_t i = 5;
  if (h.frame_control & 0x0010) {
    if (d.size() < i + 6) return std::nullopt;
    h.address = MacAddress::from_le(&d[i]);
    i += 6;
  }
  if (h.frame_control & 0x0020) {
    if (d.size() < i + 1) return std::nullopt;
    const bool io = d[i] & 0x20;
    i += io ? 2 : 1;
    if (d.size() < i) return std::nullopt;
  }
  h.objects_at = i;
  return h;
}

Opened open(ByteView d, const Header& h, const std::optional<MacAddress>& address,
                   const std::optional<Bindkey>& key, Objects& out) {
  out.size = 0;
  if (!h.encrypted()) {
    const ByteView objects = d.subspan(h.objects_at);
    if (objects.size() > out.bytes.size()) return Opened{DecodeStatus::wrong_length, "MiBeacon objects too long"};
    std::copy(objects.begin(), objects.end(), out.bytes.begin());
    out.size = objects.size();
    return Opened{};
  }
  if (h.version() < 4) return Opened{DecodeStatus::unsupported_frame, "MiBeacon v2/v3 encryption (no tag)"};
  if (d.size() < h.objects_at + 3 + kExtCounter + kTag)
    return Opened{DecodeStatus::wrong_length, "encrypted MiBeacon frame too short"};
  if (!key)
    return Opened{DecodeStatus::needs_key,
                  "encrypted: give the scale's bindkey ([[device]] bindkey in the config, or --bindkey)"};
  const std::optional<MacAddress> sender = h.address ? h.address : address;
  if (!sender) return Opened{DecodeStatus::needs_key, "encrypted, and the sender's address is unknown (--address)"};
  const std::size_t cipher_len = d.size() - h.objects_at - kExtCounter - kTag;
  if (cipher_len > out.bytes.size()) return Opened{DecodeStatus::wrong_length, "MiBeacon objects too long"};
  const ByteView ext = d.subspan(d.size() - kTag - kExtCounter, kExtCounter);
  const auto nonce = nonce_for(*sender, d.subspan(2, 3), ext);
  std::array<std::uint8_t, kTag> tag;
  std::copy_n(d.end() - kTag, kTag, tag.begin());

  EVP_CIPHER_CTX* c = cipher_context();
  int len = 0;
  const int ok = c && EVP_DecryptInit_ex(c, EVP_aes_128_ccm(), nullptr, nullptr, nullptr) == 1 &&
                 EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, kNonce, nullptr) == 1 &&
                 EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, kTag, tag.data()) == 1 &&
                 EVP_DecryptInit_ex(c, nullptr, nullptr, key->data(), nonce.data()) == 1 &&
                 EVP_DecryptUpdate(c, nullptr, &len, nullptr, static_cast<int>(cipher_len)) == 1 &&
                 EVP_DecryptUpdate(c, nullptr, &len, &kAssociatedData, 1) == 1 &&
                 EVP_DecryptUpdate(c, out.bytes.data(), &len, &d[h.objects_at], static_cast<int>(cipher_len)) > 0;
  if (!ok) return Opened{DecodeStatus::bad_checksum, "the bindkey does not open it (wrong key, or damaged)"};
  out.size = cipher_len;
  return Opened{};
}

namespace {
bool is_one_of(std::uint16_t id, std::span<const std::uint16_t> products) {
  for (std::uint16_t p : products)
    if (p == id) return true;
  return false;
}
}  // namespace

bool from_product(const Advertisement& adv, std::span<const std::uint16_t> products) {
  const Bytes* d = adv.service_data_for(kServiceUuid);
  return d && d->size() >= 4 && is_one_of(le16(d->data() + 2), products);
}

Opened open_advert(const Advertisement& adv, std::span<const std::uint16_t> products, Objects& out) {
  const Bytes* d = adv.service_data_for(kServiceUuid);
  if (!d || d->size() < 4 || !is_one_of(le16(d->data() + 2), products))
    return Opened{DecodeStatus::not_this_device, "not this product's MiBeacon frame"};
  const auto h = parse_header(*d);
  if (!h) return Opened{DecodeStatus::wrong_length, "MiBeacon frame shorter than its header"};
  if (h->frame_control & 0x0080) return Opened{DecodeStatus::unsupported_frame, "MiBeacon mesh frame"};
  if (!h->has_objects()) return Opened{DecodeStatus::not_stabilized, "MiBeacon frame without objects (idle)"};
  return open(*d, *h, adv.address, adv.bindkey, out);
}

std::optional<ByteView> find_object(ByteView objects, std::uint16_t type) {
  std::size_t i = 0;
  while (i + 3 <= objects.size()) {
    const std::uint16_t t = le16(&objects[i]);
    const std::size_t n = objects[i + 2];
    if (i + 3 + n > objects.size()) return std::nullopt;
    if (t == type) return objects.subspan(i + 3, n);
    i += 3 + n;
  }
  return std::nullopt;
}

Bytes seal(std::uint16_t product_id, std::uint8_t counter, const MacAddress& address, ByteView objects,
           std::uint32_t extended_counter, const Bindkey& key) {
  Bytes f;
  put_u16le(f, 0x5948);  // v5, standard certification, registered, object included, encrypted (no MAC,
                         // as the S400's real frames: the receiver knows the sender's address)
  put_u16le(f, product_id);
  put_u8(f, counter);
  const Bytes ext{static_cast<std::uint8_t>(extended_counter), static_cast<std::uint8_t>(extended_counter >> 8),
                  static_cast<std::uint8_t>(extended_counter >> 16)};
  const auto nonce = nonce_for(address, ByteView(f).subspan(2, 3), ext);
  Bytes cipher(objects.size() + 16);
  std::array<std::uint8_t, kTag> tag{};
  EVP_CIPHER_CTX* c = cipher_context();
  int len = 0;
  const bool ok = c && EVP_EncryptInit_ex(c, EVP_aes_128_ccm(), nullptr, nullptr, nullptr) == 1 &&
                  EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, kNonce, nullptr) == 1 &&
                  EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, kTag, nullptr) == 1 &&
                  EVP_EncryptInit_ex(c, nullptr, nullptr, key.data(), nonce.data()) == 1 &&
                  EVP_EncryptUpdate(c, nullptr, &len, nullptr, static_cast<int>(objects.size())) == 1 &&
                  EVP_EncryptUpdate(c, nullptr, &len, &kAssociatedData, 1) == 1 &&
                  EVP_EncryptUpdate(c, cipher.data(), &len, objects.data(), static_cast<int>(objects.size())) == 1 &&
                  EVP_EncryptFinal_ex(c, cipher.data() + len, &len) == 1 &&
                  EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, kTag, tag.data()) == 1;
  if (!ok) return {};
  f.insert(f.end(), cipher.begin(), cipher.begin() + static_cast<std::ptrdiff_t>(objects.size()));
  f.insert(f.end(), ext.begin(), ext.end());
  f.insert(f.end(), tag.begin(), tag.end());
  return f;
}

}  // namespace declouder::mibeacon
