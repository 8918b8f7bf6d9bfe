// Simulator: an Omron HBF-702T (descriptor.cpp has the protocol and its sources).
//
// It advertises "BLEsmart_0001000C" + its address in hex and serves the vendor service. It
// starts in pairing mode, as a new scale whose Bluetooth button was held, unless it is started
// with the name of a scale paired before ("HBF-702T": then no key is known to it and only
// pairing mode would help, which it is not in). In pairing mode it answers 02 with 82 00 and
// keeps the key of the 00 that follows (80 00), leaving pairing mode; after that, 01 with
// that key answers 81 00 and anything else on the unlock channel is refused (81 0F: the real
// refusal's bytes are not published; any answer but 81 00 is a refusal to openScale).
// Commands on the command channels are taken only once unlocked: a start (answered 80 00),
// EEPROM reads of its memory image (answered 81 00 with the bytes, one 16-byte piece per
// response channel), an end (answered 8F 00, result 0). A command whose checksum is wrong
// is not answered.
//
// Its memory: each of the four user slots holds two records, yesterday's at 7:30 (user n
// weighed 0.4 x n kg more: which slot was read shows) and the weighing of "now"
// (options.weight_kg; user n's n-1 minutes earlier, so no two users' weighings look alike),
// with body fat, skeletal muscle, BMI, BMR, visceral fat and body age from simulated_body()
// for a man of 175 cm and 40; the write pointers and unread counts at 0x01A0 say so. The rest
// is erased (FF), as a scale's unwritten ring is.
#include <cmath>
#include <cstdio>

#include "devices/conversation_util.hpp"
#include "devices/omron/protocol.hpp"
#include "devices/simulated_body.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

using namespace omron;

constexpr std::size_t kMemorySize = 0x2000;

class OmronSimulator : public SimulatedDevice {
 public:
  explicit OmronSimulator(SimOptions o) : SimulatedDevice(std::move(o)) {
    if (options_.name.empty()) {
      const auto a = address().bytes;
      char tail[13];
      std::snprintf(tail, sizeof tail, "%02X%02X%02X%02X%02X%02X", a[0], a[1], a[2], a[3], a[4], a[5]);
      name_ = std::string("BLEsmart_0001000C") + tail;
    } else {
      name_ = options_.name;
    }
    pairing_mode_ = name_.rfind("BLEsmart_", 0) == 0;  // a GAP name: bonded before
  }
  std::string_view kind() const override { return "omron-hbf-702t"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("28:FF:B2:4C:70:1E")); }
  AdvertData advert() const override {
    AdvertData a;
    // Alone: whether the scale lists its 128-bit service too is not published. A legacy advert
    // holds 31 bytes, 26 characters of name beside the flags: the 29-character BLEsmart name
    // goes out shortened (its model ids, which the claim reads, are in the first 17).
    a.name = name_.substr(0, 26);
    return a;
  }
  std::vector<SimService> gatt() const override {
    std::vector<SimCharacteristic> cs{{kUnlock, kWrite | kNotify, {}}};
    for (const Uuid& c : kCommand) cs.push_back({c, kWrite, {}});
    for (const Uuid& r : kResponse) cs.push_back({r, kNotify, {}});
    return {{kService, cs}};
  }
  void start() override { fill_memory(); }
  void on_connect() override { reset(); }
  void on_disconnect() override { reset(); }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c == kUnlock) return on_unlock(v);
    if (c != kCommand[0] || !unlocked_) return;  // every command of this protocol fits one channel
    if (v.size() < 8 || v[0] != 8 || bcc(ByteView(v).first(8)) != 0) return;
    switch (v[1]) {
      case 0x00:
        in_session_ = true;
        answer(Bytes{0x08, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x88});
        return;
      case 0x01: {
        if (!in_session_) return;
        const std::size_t address = be16(&v[3]), size = v[5];
        if (size == 0 || size > kMaxReadBlock || address + size > memory_.size()) return;
        answer(read_response(static_cast<std::uint16_t>(address), ByteView(memory_).subspan(address, size)));
        return;
      }
      case 0x0F:
        in_session_ = false;
        answer(Bytes{0x08, 0x8F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x87});
        return;
    }
  }

 private:
  void reset() {
    ++connection_;
    unlocked_ = in_session_ = programming_ = false;
  }
  void ack(std::uint8_t a, std::uint8_t b) {
    host().after(std::chrono::milliseconds(40), [this, a, b, connection = connection_] {
      if (connection == connection_) host().notify(kUnlock, Bytes{a, b});
    });
  }
  void on_unlock(const Bytes& v) {
    if (v.size() != kKeySize + 1) return;
    const Bytes key(v.begin() + 1, v.end());
    switch (v[0]) {
      case kOpKeyProgramming:
        if (!pairing_mode_) return ack(0x82, 0x0F);
        programming_ = true;
        return ack(0x82, 0x00);
      case kOpWriteKey:
        if (!programming_) return ack(0x80, 0x0F);
        key_ = key;
        pairing_mode_ = programming_ = false;
        unlocked_ = true;
        return ack(0x80, 0x00);
      case kOpUnlock:
        unlocked_ = !key_.empty() && key == key_;
        return ack(0x81, unlocked_ ? 0x00 : 0x0F);
    }
  }
  // One 16-byte piece per response channel, in order.
  void answer(const Bytes& frame) {
    const std::uint64_t connection = connection_;
    for (std::size_t i = 0, ch = 0; i < frame.size() && ch < kResponse.size(); i += kChannelWidth, ++ch) {
      Bytes piece(frame.begin() + static_cast<std::ptrdiff_t>(i),
                  frame.begin() + static_cast<std::ptrdiff_t>(std::min(frame.size(), i + kChannelWidth)));
      host().after(std::chrono::milliseconds(20 + 5 * ch), [this, ch, piece, connection] {
        if (connection == connection_) host().notify(kResponse[ch], piece);
      });
    }
  }
  void fill_memory() {
    memory_.assign(kMemorySize, 0xFF);
    const std::int64_t now = host().unix_now();
    Bytes index(8, 0x00);
    for (int slot = 0; slot < 4; ++slot) {
      CivilTime yesterday = local_wall_clock(now - 86400);
      yesterday.hour = 7, yesterday.minute = 30 + slot, yesterday.second = 5;
      put_record(slot, 0, yesterday, options_.weight_kg + 0.4 * (slot + 1));
      put_record(slot, 1, local_wall_clock(now - 60 * slot), options_.weight_kg);
      index[static_cast<std::size_t>(slot)] = 2;      // the next record to fill
      index[static_cast<std::size_t>(slot) + 4] = 2;  // not transferred yet
    }
    std::copy(index.begin(), index.end(), memory_.begin() + kIndexBlock);
  }
  void put_record(int slot, int index, const CivilTime& t, double kg) {
    const int height = 175, age = 40;
    const SimulatedBody b = simulated_body(kg, options_.impedance_ohm, height, age, true);
    RecordFields f;
    f.time = t;
    f.weight_kg = kg;
    f.fat_percent = std::round(b.fat_percent * 10) / 10;
    f.muscle_percent = std::round(b.muscle_percent * 0.6 * 10) / 10;  // skeletal: about 60 % of the muscle
    f.bmi = std::round(kg * 1e4 / (height * height) * 10) / 10;
    f.bmr_kcal = static_cast<int>(std::lround(b.bmr_kcal));
    f.visceral_level = std::round(std::clamp(b.fat_percent / 2.5, 1.0, 30.0) * 2) / 2;
    f.body_age = age + static_cast<int>(std::lround((b.fat_percent - 20) / 2));
    const Bytes r = encode_record(f, kProfile702T);
    std::copy(r.begin(), r.end(), memory_.begin() + kProfile702T.record_address(slot, index));
  }

  std::string name_;
  bool pairing_mode_ = true;
  bool programming_ = false;
  bool unlocked_ = false;
  bool in_session_ = false;
  Bytes key_;
  Bytes memory_;
  std::uint64_t connection_ = 0;
};

}  // namespace

namespace omron {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<OmronSimulator>(o); }
}  // namespace omron

}  // namespace declouder
