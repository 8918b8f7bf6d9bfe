#include "devices/renpho_55aa/protocol.hpp"

#include "devices/decode_util.hpp"

namespace declouder::renpho_55aa {

Bytes frame(std::uint8_t command, ByteView payload) {
  Bytes f{0x55, 0xAA, command, 0x00, static_cast<std::uint8_t>(payload.size())};
  f.insert(f.end(), payload.begin(), payload.end());
  f.push_back(sum8(f));
  return f;
}

Parsed parse(ByteView b) {
  Parsed p;
  if (b.size() < 6 || b[0] != 0x55 || b[1] != 0xAA) {
    p.error = DecodeOutcome::reject(DecodeStatus::not_this_device, "not a 55 AA frame");
  } else if (b.size() != 6u + b[4]) {
    p.error = DecodeOutcome::reject(DecodeStatus::wrong_length, "payload length differs from the frame");
  } else if (sum8(b.first(b.size() - 1)) != b.back()) {
    p.error = DecodeOutcome::reject(DecodeStatus::bad_checksum, "sum of the bytes differs from the last");
  } else {
    p.error = DecodeOutcome::success({});
    p.command = b[2];
    p.payload = b.subspan(5, b[4]);
  }
  return p;
}

namespace {
DecodeOutcome weighing(const char* model, std::uint32_t centi_kg, std::uint16_t ohm, bool final) {
  if (centi_kg == 0 || centi_kg > 30000) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0-300 kg");
  Reading r;
  r.model = model;
  r.weight_kg = centi_kg / 100.0;
  r.stabilized = final;
  if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  return DecodeOutcome::success(r);
}
}  // namespace

DecodeOutcome decode(ByteView b, const char* model) {
  const Parsed f = parse(b);
  if (!f.ok()) return f.error;
  const ByteView p = f.payload;
  if (f.command == 0x14 && p.size() >= 7) return weighing(model, be32(&p[1]), be16(&p[5]), p[0] == 0x01 || p[0] == 0x11);
  if (f.command == 0x15 && p.size() >= 10) return weighing(model, be32(&p[0]), be16(&p[4]), true);
  if (f.command == 0x18 && p.size() >= 11) return weighing(model, be16(&p[5]), be16(&p[7]), true);
  return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "a 55 AA frame other than a weighing");
}

}  // namespace declouder::renpho_55aa
