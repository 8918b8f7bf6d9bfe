#include "radio/noise.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>
#include <memory>

namespace declouder {

namespace {

using Key = NoiseHandshake::Key;

Key sha256(ByteView a, ByteView b = {}) {
  Key out{};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned n = 0;
  if (!ctx || !EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) ||
      !EVP_DigestUpdate(ctx.get(), a.data(), a.size()) || !EVP_DigestUpdate(ctx.get(), b.data(), b.size()) ||
      !EVP_DigestFinal_ex(ctx.get(), out.data(), &n))
    throw NoiseError("SHA-256 failed");
  return out;
}

Key hmac(const Key& key, ByteView data) {
  Key out{};
  unsigned n = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &n))
    throw NoiseError("HMAC-SHA-256 failed");
  return out;
}

// Noise's HKDF (section 4.3): two or three 32-byte outputs from the chaining key and `ikm`.
std::array<Key, 3> hkdf(const Key& chaining_key, ByteView ikm) {
  const Key temp = hmac(chaining_key, ikm);
  std::array<Key, 3> out{};
  Bytes in{0x01};
  out[0] = hmac(temp, in);
  in.assign(out[0].begin(), out[0].end());
  in.push_back(0x02);
  out[1] = hmac(temp, in);
  in.assign(out[1].begin(), out[1].end());
  in.push_back(0x03);
  out[2] = hmac(temp, in);
  return out;
}

EVP_PKEY* as_pkey(void* p) { return static_cast<EVP_PKEY*>(p); }

}  // namespace

Bytes NoiseCipher::encrypt(ByteView ad, ByteView plaintext) {
  if (!has_key_) return Bytes(plaintext.begin(), plaintext.end());
  std::uint8_t nonce[12] = {0};
  for (int i = 0; i < 8; ++i) nonce[4 + i] = static_cast<std::uint8_t>(nonce_ >> (8 * i));  // little-endian counter
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  Bytes out(plaintext.size() + 16);
  int n = 0, m = 0;
  if (!ctx || !EVP_EncryptInit_ex(ctx.get(), EVP_chacha20_poly1305(), nullptr, key_.data(), nonce) ||
      (!ad.empty() && !EVP_EncryptUpdate(ctx.get(), nullptr, &n, ad.data(), static_cast<int>(ad.size()))) ||
      !EVP_EncryptUpdate(ctx.get(), out.data(), &n, plaintext.data(), static_cast<int>(plaintext.size())) ||
      !EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &m) ||
      !EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, 16, out.data() + plaintext.size()))
    throw NoiseError("ChaCha20-Poly1305 encryption failed");
  ++nonce_;
  return out;
}

Bytes NoiseCipher::decrypt(ByteView ad, ByteView ciphertext) {
  if (!has_key_) return Bytes(ciphertext.begin(), ciphertext.end());
  if (ciphertext.size() < 16) throw NoiseError("encrypted frame shorter than its tag");
  std::uint8_t nonce[12] = {0};
  for (int i = 0; i < 8; ++i) nonce[4 + i] = static_cast<std::uint8_t>(nonce_ >> (8 * i));
  const std::size_t len = ciphertext.size() - 16;
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  Bytes out(len);
  Bytes tag(ciphertext.begin() + static_cast<std::ptrdiff_t>(len), ciphertext.end());
  int n = 0, m = 0;
  if (!ctx || !EVP_DecryptInit_ex(ctx.get(), EVP_chacha20_poly1305(), nullptr, key_.data(), nonce) ||
      (!ad.empty() && !EVP_DecryptUpdate(ctx.get(), nullptr, &n, ad.data(), static_cast<int>(ad.size()))) ||
      !EVP_DecryptUpdate(ctx.get(), out.data(), &n, ciphertext.data(), static_cast<int>(len)) ||
      !EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, 16, tag.data()) ||
      EVP_DecryptFinal_ex(ctx.get(), out.data() + n, &m) <= 0)
    throw NoiseError("decryption failed: the message does not authenticate (wrong key?)");
  ++nonce_;
  return out;
}

NoiseHandshake::NoiseHandshake(Role role, ByteView prologue, const Key& psk, std::optional<Key> ephemeral_private)
    : role_(role), psk_(psk) {
  static constexpr std::string_view kName = "Noise_NNpsk0_25519_ChaChaPoly_SHA256";
  // The name is longer than 32 bytes: h = SHA-256(name).
  h_ = sha256(ByteView(reinterpret_cast<const std::uint8_t*>(kName.data()), kName.size()));
  ck_ = h_;
  mix_hash(prologue);
  EVP_PKEY* key = nullptr;
  if (ephemeral_private) {
    key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, ephemeral_private->data(), 32);
  } else {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
  }
  if (!key) throw NoiseError("cannot make an X25519 key");
  e_ = key;
  std::size_t len = e_public_.size();
  if (!EVP_PKEY_get_raw_public_key(key, e_public_.data(), &len) || len != 32) throw NoiseError("X25519 public key");
}

NoiseHandshake::~NoiseHandshake() { EVP_PKEY_free(as_pkey(e_)); }

void NoiseHandshake::mix_hash(ByteView data) { h_ = sha256(h_, data); }

void NoiseHandshake::mix_key(ByteView ikm) {
  const auto out = hkdf(ck_, ikm);
  ck_ = out[0];
  cipher_ = NoiseCipher(out[1]);
}

void NoiseHandshake::mix_key_and_hash(ByteView ikm) {
  const auto out = hkdf(ck_, ikm);
  ck_ = out[0];
  mix_hash(out[1]);
  cipher_ = NoiseCipher(out[2]);
}

Bytes NoiseHandshake::encrypt_and_hash(ByteView plaintext) {
  Bytes c = cipher_.encrypt(h_, plaintext);
  mix_hash(c);
  return c;
}

Bytes NoiseHandshake::decrypt_and_hash(ByteView ciphertext) {
  Bytes p = cipher_.decrypt(h_, ciphertext);
  mix_hash(ciphertext);
  return p;
}

Key NoiseHandshake::dh(ByteView remote_public) const {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> peer(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, remote_public.data(), remote_public.size()), EVP_PKEY_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(as_pkey(e_), nullptr),
                                                                  EVP_PKEY_CTX_free);
  Key out{};
  std::size_t len = out.size();
  if (!peer || !ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 || EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) <= 0 ||
      EVP_PKEY_derive(ctx.get(), out.data(), &len) <= 0 || len != 32)
    throw NoiseError("X25519 key agreement failed");
  return out;
}

Bytes NoiseHandshake::write_message(ByteView payload) {
  const bool first = step_ == 0;
  if ((role_ == Role::initiator) != first || step_ >= 2) throw NoiseError("handshake message out of turn");
  Bytes out;
  if (first) mix_key_and_hash(psk_);  // the psk token comes first in NNpsk0
  out.insert(out.end(), e_public_.begin(), e_public_.end());
  mix_hash(e_public_);
  mix_key(e_public_);  // with a psk, "e" also mixes the key
  if (!first) mix_key(dh(remote_e_));
  const Bytes c = encrypt_and_hash(payload);
  out.insert(out.end(), c.begin(), c.end());
  ++step_;
  return out;
}

Bytes NoiseHandshake::read_message(ByteView message) {
  const bool first = step_ == 0;
  if ((role_ == Role::responder) != first || step_ >= 2) throw NoiseError("handshake message out of turn");
  if (message.size() < 32 + 16) throw NoiseError("handshake message too short");
  if (first) mix_key_and_hash(psk_);
  std::memcpy(remote_e_.data(), message.data(), 32);
  mix_hash(remote_e_);
  mix_key(remote_e_);
  if (!first) mix_key(dh(remote_e_));
  Bytes payload = decrypt_and_hash(message.subspan(32));
  ++step_;
  return payload;
}

std::pair<NoiseCipher, NoiseCipher> NoiseHandshake::split() {
  if (!complete()) throw NoiseError("handshake not complete");
  const auto out = hkdf(ck_, {});
  NoiseCipher initiator_to_responder(out[0]), responder_to_initiator(out[1]);
  if (role_ == Role::initiator) return {initiator_to_responder, responder_to_initiator};
  return {responder_to_initiator, initiator_to_responder};
}

}  // namespace declouder
