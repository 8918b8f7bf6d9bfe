// Yunmai X (YMBS-M268) frames: the layout is in descriptor.cpp's opening comment.
#include "devices/yunmai_x/protocol.hpp"

#include "devices/decode_util.hpp"

namespace declouder::yunmai_x {

namespace {
constexpr std::size_t kPayload = 14;
constexpr std::uint8_t kSignature[] = {0x0B, 0x74, 0x17};
constexpr const char* kModel = "yunmai-x";

bool mac_matches(std::uint16_t company, ByteView p, const MacAddress& mac) {
  const auto& m = mac.bytes;  // printed order: m[0] is the first octet
  return company == ((m[4] << 8) | m[5]) && p[0] == m[3] && p[1] == m[2] && p[2] == m[1] && p[3] == m[0];
}

bool shaped(ByteView p) {
  return p.size() == kPayload && p[4] == kSignature[0] && p[5] == kSignature[1] && p[6] == kSignature[2];
}
}  // namespace

std::pair<std::uint16_t, Bytes> build_advert(const MacAddress& mac, const Frame& f) {
  const auto& m = mac.bytes;
  Bytes p{m[3], m[2], m[1], m[0], kSignature[0], kSignature[1], kSignature[2], f.session,
          static_cast<std::uint8_t>(f.state)};
  put_u16be(p, f.weight_centi_kg);
  put_u16be(p, f.impedance_ohm);
  p.push_back(xor8(ByteView(p).subspan(7, 6)));
  return {static_cast<std::uint16_t>((m[4] << 8) | m[5]), p};
}

bool has_signature(ByteView p) { return shaped(p); }

bool is_frame(std::uint16_t company, ByteView p, const std::optional<MacAddress>& address) {
  if (!shaped(p) || xor8(p.subspan(7, 6)) != p[13]) return false;
  return !address || mac_matches(company, p, *address);
}

DecodeOutcome decode(std::uint16_t company, ByteView p, const std::optional<MacAddress>& address) {
  if (p.size() != kPayload) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Yunmai X data is 14 bytes after the id");
  if (!shaped(p)) return DecodeOutcome::reject(DecodeStatus::not_this_device, "no 0B 74 17 signature at bytes 4-6");
  if (xor8(p.subspan(7, 6)) != p[13])
    return DecodeOutcome::reject(DecodeStatus::bad_checksum, "XOR of bytes 7-12 differs from byte 13");
  if (address && !mac_matches(company, p, *address))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "the frame echoes another device's address");
  const std::uint8_t state = p[8];
  if (state < 0x01 || state > 0x03)
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "state byte is not 01 measuring, 02 stable or 03 final");
  const std::uint16_t raw = be16(&p[9]);
  if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight (nobody on the scale)");
  if (raw > 30000) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0-300 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = raw / 100.0;
  r.unit = WeightUnit::kg;
  // Only the final frame ends the weighing: "stable" still measures the impedance.
  r.stabilized = state == static_cast<std::uint8_t>(State::final);
  // The impedance is 0 until the final frame, and stays 0 when none was measured (socks); one
  // no body has (a contact fault) is dropped and the weight kept, as the other families do.
  const double ohm = be16(&p[11]);
  if (r.stabilized && decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  return DecodeOutcome::success(r);
}

}  // namespace declouder::yunmai_x
