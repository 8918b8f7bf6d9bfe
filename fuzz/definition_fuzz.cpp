// The definition file loader on arbitrary text, and what a definition that loads does with
// arbitrary frames: the loader answers with a Definition or a DefinitionError ("FILE:LINE:
// what"), never crashes, hangs or throws anything else; a definition that loaded decodes and
// encodes frames without reading or writing outside them (its offsets may count from either
// end, its fields be bit fields, its checksum a CRC over any range).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "definitions/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The text, then (after a NUL) a frame to decode with it.
  const std::uint8_t* nul = static_cast<const std::uint8_t*>(memchr(data, 0, size));
  const std::size_t text_size = nul ? static_cast<std::size_t>(nul - data) : size;
  std::string_view text(reinterpret_cast<const char*>(data), text_size);
  declouder::ByteView frame = nul ? declouder::ByteView(nul + 1, size - text_size - 1) : declouder::ByteView();
  try {
    auto def = declouder::definitions::parse_definition(text, "fuzz.toml");
    if (def->id.empty()) __builtin_trap();  // validation let it through
    declouder::DecodeOutcome o = declouder::definitions::decode_frame(def->frame, frame, def->id.c_str());
    if (o.ok() && o.reading.weight_kg && (*o.reading.weight_kg <= 0 || *o.reading.weight_kg > 500)) __builtin_trap();
    declouder::definitions::EncodeValues v;
    v.weight_kg = frame.empty() ? 70 : 20 + frame[0];
    const declouder::Bytes made = declouder::definitions::encode_frame(def->frame, v);
    (void)declouder::definitions::decode_frame(def->frame, made, def->id.c_str());
    (void)declouder::definitions::definition_toml(*def);
  } catch (const declouder::definitions::DefinitionError&) {
  }
  return 0;
}
