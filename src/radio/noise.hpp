// The Noise protocol framework's Noise_NNpsk0_25519_ChaChaPoly_SHA256, the one handshake
// ESPHome's native API uses for its encrypted connections (radio/esphome_api.hpp), with the
// primitives of OpenSSL 3 (X25519, ChaCha20-Poly1305 IETF, SHA-256, HMAC-SHA-256).
//
// Written from the Noise specification (noiseprotocol.org, noise.pdf revision 34: sections
// 5.1-5.3 for CipherState, SymmetricState and HandshakeState, 9 for the psk modifier).
// NNpsk0:
//   -> psk, e          initiator: MixKeyAndHash(psk); e; MixKey(e.public) (psk mode)
//   <- e, ee           responder: e; MixKey(e.public); MixKey(DH(e, re))
// Each message ends with the (here empty) payload, encrypted and authenticated: 32 + 16 bytes.
// Split() then gives the initiator's sending key and the responder's.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>

#include "core/bytes.hpp"

namespace declouder {

struct NoiseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One direction of a finished handshake: ChaCha20-Poly1305 with a 64-bit counter nonce.
class NoiseCipher {
 public:
  NoiseCipher() = default;
  explicit NoiseCipher(const std::array<std::uint8_t, 32>& key) : key_(key), has_key_(true) {}
  bool has_key() const { return has_key_; }
  Bytes encrypt(ByteView ad, ByteView plaintext);
  // Throws NoiseError when the tag does not verify (a wrong key, or bytes changed on the way).
  Bytes decrypt(ByteView ad, ByteView ciphertext);

 private:
  std::array<std::uint8_t, 32> key_{};
  bool has_key_ = false;
  std::uint64_t nonce_ = 0;
};

class NoiseHandshake {
 public:
  enum class Role { initiator, responder };
  using Key = std::array<std::uint8_t, 32>;

  // `ephemeral_private`: fixed only in tests (test vectors); otherwise a fresh random key.
  NoiseHandshake(Role role, ByteView prologue, const Key& psk, std::optional<Key> ephemeral_private = {});
  ~NoiseHandshake();
  NoiseHandshake(const NoiseHandshake&) = delete;
  NoiseHandshake& operator=(const NoiseHandshake&) = delete;

  // The next handshake message (the initiator's first, the responder's second).
  Bytes write_message(ByteView payload = {});
  // Reads the other side's message; returns its payload. Throws NoiseError.
  Bytes read_message(ByteView message);
  bool complete() const { return step_ == 2; }
  // After both messages: (sending, receiving) ciphers for this side.
  std::pair<NoiseCipher, NoiseCipher> split();
  // The handshake hash (channel binding), for tests.
  const Key& hash() const { return h_; }

 private:
  void mix_hash(ByteView data);
  void mix_key(ByteView ikm);
  void mix_key_and_hash(ByteView ikm);
  Bytes encrypt_and_hash(ByteView plaintext);
  Bytes decrypt_and_hash(ByteView ciphertext);
  Key dh(ByteView remote_public) const;

  Role role_;
  Key psk_;
  Key h_{};
  Key ck_{};
  NoiseCipher cipher_;
  void* e_ = nullptr;  // EVP_PKEY*: our ephemeral key pair
  Key e_public_{};
  Key remote_e_{};
  int step_ = 0;  // messages exchanged
};

}  // namespace declouder
