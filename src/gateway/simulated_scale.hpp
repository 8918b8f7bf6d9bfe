// A simulated Xiaomi Mi Body Composition Scale 2, in-process: it advertises
// exactly what the real scale advertises during a weighing (service data 0x181B,
// see devices/xiaomi_mi_scale_2/protocol.cpp for the bytes):
//
//   1. the weight climbing, not stabilized          ctrl1 0x04
//   2. the final weight, stabilized                 ctrl1 0x24
//   3. the same with the impedance (barefoot)       ctrl1 0x26
//   4. load removed, the last frame repeated        ctrl1 0xA6 (0xA4 without impedance)
//
// every frame repeated, as BLE advertising repeats it. The scale's clock is
// constant during a weighing and advances by `interval` between weighings, so
// several gateways simulating the same scale with the same `clock` hear the
// very same frames (and the same weighings get the same uid).
//
// Spec text (for --simulate): mi-scale-2[:key=value,...] with keys
//   address=AA:BB:CC:DD:EE:FF  rssi=-60  weighings=N (0 = forever)
//   interval=SECONDS between weighings  frame_ms=MS between frames
//   weights=72.45/58.2  impedances=503/0 (0 = shoes on: no impedance)
//   clock=2026-11-21T07:00:00 (the scale's clock at the first weighing)
//   clock_step=SECONDS the scale's clock advances between weighings (default: interval)
//   repeat=N (copies of each frame)  skip=I/J (weighings this gateway misses, 1-based)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "gateway/source.hpp"

namespace declouder {

struct SimulatedScaleSpec {
  MacAddress address = *MacAddress::parse("5C:CA:D3:00:00:01");
  int rssi = -60;
  int weighings = 0;  // 0 = forever
  double interval_s = 20;
  int frame_ms = 100;
  std::vector<double> weights_kg{72.45, 58.2};
  std::vector<int> impedances_ohm{503, 561};
  std::int64_t clock_unix_s = 0;  // 0 = now, as local wall time
  double clock_step_s = -1;       // < 0: same as interval_s
  int repeat = 3;
  std::vector<int> skip;  // weighings not heard (1-based)
};

// Throws std::invalid_argument naming the bad key when the text is not a spec.
SimulatedScaleSpec parse_simulated_scale_spec(const std::string& text);
// The device names --simulate accepts.
bool is_simulated_device(const std::string& spec_text);

// The advertisements of one weighing, in order (without repeats).
std::vector<Advertisement> mi_scale2_weighing_frames(const SimulatedScaleSpec& spec, double weight_kg,
                                                     int impedance_ohm, std::int64_t clock_unix_s);

class SimulatedScaleSource : public Source {
 public:
  explicit SimulatedScaleSource(SimulatedScaleSpec spec) : spec_(std::move(spec)) {}
  std::string describe() const override;
  std::string label() const override { return "simulated:mi-scale-2"; }
  bool simulated() const override { return true; }
  void run(const FrameHandlers& to, const StopFlag& stop) override;

 private:
  SimulatedScaleSpec spec_;
};

}  // namespace declouder
