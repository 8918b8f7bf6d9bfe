// The scales that talk on service 0xFFB0 with a protocol of their own. The legacy MGB family
// and icomon-ffb0 claim any 0xFFB0 device they do not know; these names are not theirs (openScale
// ScaleFactory.kt orders its 0xFFB0 handlers so the specific ones come before MGBHandler, which
// takes any 0xFFB0 device; here each claim excludes them, so an advert has one claimant).
#pragma once

#include <string_view>

#include "devices/drtrust_ssw532/protocol.hpp"
#include "devices/hoffen_bs8107/protocol.hpp"
#include "devices/taylor_bia/protocol.hpp"

namespace declouder {

// The Dr. Trust SSW532 (SSW…, …FG2211…), the AC 27 scales (Taylor BIA, ALPHA Smart Scale PRO 3,
// Runstar R5) and the Hoffen BS-8107 / PC-PW 3008 BT (FA frames on 0xFFB2).
inline bool has_own_ffb0_protocol(std::string_view name) {
  return drtrust::has_name(name) || taylor_bia::has_name(name) || hoffen::has_name(name);
}

}  // namespace declouder
