// The Yunmai X's side, from the facts in descriptor.cpp: nameless adverts listing service
// 0x1320, whose manufacturer data echo the scale's address; a weighing is the live weight
// climbing (state 01, no impedance), the weight stable (02), then the final frame with the
// impedance (03), all with one session byte.
#include <cmath>

#include "devices/scripted_scale.hpp"
#include "devices/yunmai_x/protocol.hpp"

namespace declouder::yunmai_x {

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  BroadcastScale s;
  s.kind = "yunmai-x";
  s.default_address = "C8:B2:9B:41:7A:35";
  s.advertised_services = {Uuid::from16(kAdvertService)};
  s.frames = [](const SimOptions& o, const MacAddress& mac) {
    auto frame = [&](double kg, State state, double ohm) {
      return build_advert(mac, Frame{.session = 0x0F,
                                     .state = state,
                                     .weight_centi_kg = static_cast<std::uint16_t>(std::lround(kg * 100)),
                                     .impedance_ohm = static_cast<std::uint16_t>(std::lround(ohm))});
    };
    return std::vector<std::pair<std::uint16_t, Bytes>>{
        frame(o.weight_kg * 0.55, State::measuring, 0), frame(o.weight_kg * 0.98, State::measuring, 0),
        frame(o.weight_kg, State::stable, 0), frame(o.weight_kg, State::final, o.impedance_ohm)};
  };
  return broadcast_simulator(std::move(s), options);
}

}  // namespace declouder::yunmai_x
