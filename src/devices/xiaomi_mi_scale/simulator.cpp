// Simulator: Xiaomi Mi Smart Scale, first generation (XMTZC01HM/XMTZC04HM, "MI_SCALE").
//
// Advertisement: service data for UUID 0x181D, 10 bytes (protocol.cpp has the layout and sources):
//   0     status: 0x02 while settling, +0x20 stabilized, +0x80 weight removed (bit0 would be lb)
//   1-2   weight u16 LE, kg x 200
//   3-4   year u16 LE; 5..9 month, day, hour, minute, second
// The weighing goes 0x02 (rising weights) -> 0x22 (stabilized) -> 0xA2 (removed), each frame
// advertised several times, then the next weighing after a pause.
//
// GATT history (after openScale's MiScaleHandler.kt): service 0x181D with the
// history characteristic 00002a2f-0000-3512-2118-0009af100700 (write + notify) and Current
// Time 0x2A2B. The app writes the magic 01 96 8A BD 62, subscribes, writes 01 FF FF <uid> ("only
// records new for this user"; 01 00 00 <uid> asks for all), then 02 to start. The scale answers
// 01 <count> 00 (the count frame; what follows the count is not known and not sent), the 10-byte
// records (the advert layout) packed into notifications of up to 20 bytes, so a record may be
// split, and a single 03. The app ends with 03 and 04 FF FF <uid> (acknowledge: those records are
// no longer new for that user). The scale keeps its history: older weighings plus every
// stabilized one it makes while simulated.
#include <cmath>
#include <map>

#include "core/time.hpp"
#include "devices/xiaomi_mi_scale/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

const Uuid kHistory = *Uuid::parse("00002a2f-0000-3512-2118-0009af100700");

class MiScaleSimulator : public SimulatedDevice {
 public:
  explicit MiScaleSimulator(const SimOptions& o) : SimulatedDevice(o) {}
  std::string_view kind() const override { return "mi-scale"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("88:0F:10:5A:00:01")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "MI_SCALE" : options_.name;
    a.service_data.emplace_back(Uuid::from16(0x181D), frame_);
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{Uuid::from16(0x181D),
             {{kHistory, kWrite | kNotify, {}}, {Uuid::from16(0x2A2B), kRead | kWrite, Bytes(10, 0)}}}};
  }

  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kHistory || v.empty()) return;
    const std::uint16_t uid = v.size() >= 5 ? static_cast<std::uint16_t>((v[3] << 8) | v[4]) : 0;
    switch (v[0]) {
      case 0x01:
        if (v.size() == 5 && v[1] == 0x96) return;  // the magic
        if (v.size() == 5) {
          only_new_ = v[1] == 0xFF && v[2] == 0xFF;
          uid_ = uid;
        }
        return;
      case 0x02:
        send_history();
        return;
      case 0x03:
        return;  // the app saw the end
      case 0x04:
        if (v.size() == 5) acknowledged_[uid] = history_.size();
        return;
    }
  }

 protected:
  void start() override {
    // Three earlier weighings in the scale's memory, a day apart.
    const std::int64_t now = host().unix_now();
    for (int d = 3; d >= 1; --d)
      history_.push_back(record(0x22, options_.weight_kg + 0.2 * d, now - d * 86400));
    weigh(0);
  }

 private:
  static Bytes record(std::uint8_t status, double kg, std::int64_t unix_seconds) {
    Bytes f;
    put_u8(f, status);
    put_u16le(f, static_cast<std::uint16_t>(std::lround(kg * 200)));
    CivilTime t = civil_from_unix(unix_seconds);
    put_u16le(f, static_cast<std::uint16_t>(t.year));
    for (int v : {t.month, t.day, t.hour, t.minute, t.second}) put_u8(f, static_cast<std::uint8_t>(v));
    return f;
  }

  void send_history() {
    std::size_t first = only_new_ ? acknowledged_[uid_] : 0;
    if (first > history_.size()) first = history_.size();
    const std::size_t count = history_.size() - first;
    host().notify(kHistory, Bytes{0x01, static_cast<std::uint8_t>(count), 0x00});
    Bytes all;
    for (std::size_t i = first; i < history_.size(); ++i) all.insert(all.end(), history_[i].begin(), history_[i].end());
    for (std::size_t off = 0; off < all.size(); off += 20)
      host().notify(kHistory, Bytes(all.begin() + off, all.begin() + std::min(all.size(), off + 20)));
    host().notify(kHistory, Bytes{0x03});
  }

  void weigh(int n) {
    const double w = options_.weight_kg;
    struct Phase {
      std::uint8_t status;
      double kg;
      int repeats;
    };
    const Phase phases[] = {{0x02, w * 0.4, 2}, {0x02, w * 0.8, 2}, {0x02, w * 1.003, 2}, {0x22, w, 6}, {0xA2, w, 6}};
    constexpr int kPhases = sizeof(phases) / sizeof(phases[0]);
    if (n >= kPhases) {
      host().after(std::chrono::milliseconds(1500), [this] { weigh(0); });
      return;
    }
    // The scale stamps a weighing once, when it settles; the removed frames repeat that stamp.
    if (phases[n].status != 0xA2) stamp_ = host().unix_now();
    frame_ = record(phases[n].status, phases[n].kg, stamp_);
    if (phases[n].status == 0x22) {
      // A stabilized weighing goes into the history (once per weighing).
      history_.push_back(frame_);
      if (history_.size() > 30) history_.erase(history_.begin());
    }
    repeat(n, phases[n].repeats);
  }

  void repeat(int n, int left) {
    host().advert_changed();
    host().after(std::chrono::milliseconds(150), [this, n, left] {
      if (left > 1)
        repeat(n, left - 1);
      else
        weigh(n + 1);
    });
  }

  Bytes frame_ = Bytes(10, 0);
  std::int64_t stamp_ = 0;
  std::vector<Bytes> history_;
  std::map<std::uint16_t, std::size_t> acknowledged_;  // per user id: records already taken
  bool only_new_ = true;
  std::uint16_t uid_ = 0;
};

}  // namespace

// The factory the descriptor uses (descriptor.cpp).
namespace mi_scale {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<MiScaleSimulator>(o); }
}  // namespace mi_scale

}  // namespace declouder
