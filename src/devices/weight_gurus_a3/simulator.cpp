// Simulator: Weight Gurus 0376 (descriptor.cpp has the protocol and its sources).
//
// It starts as a new scale waiting to be paired, named "10376B" (started with a name "00376B…"
// it is one paired before, by another app). Once the app enables indications on 0x8A82:
//   pairing mode: A0 <its password>; after 21 <a non-zero account id>, A1 <a random>; after the
//     right 20, its eight slots (83 <slot> <name>, all free on a new scale), 100 ms apart. A
//     write other than 20 before the eighth, 22 before 03, 51 and 02 were written, a zero
//     account id end the pairing: E1, it hangs up. A profile it cannot take (a height of 0) is
//     ignored.
//     After 22 it commits (0.8 s), calls itself "00376B<serial>" and hangs up; an app that hangs
//     up first interrupts the commit, and the scale stays unpaired.
//   paired: A1 <a new random each connection>; a wrong 20, or 02 before the right one, and it
//     hangs up. After 02 it hands over its weighings, newest first: the one the person just
//     made (the options' weight and impedance, 8 s before the connection by its clock) and
//     those it queued (one from yesterday 07:12, 0.6 kg heavier, at the first start), each a
//     weight frame and, when the slot holds a profile, a composition frame with its time. A
//     delivered weighing is gone from the scale. Each connection is a new weighing, as each one
//     starts with the person stepping on it.
// 03 and 51 register and profile a slot (51 is echoed with C0); the weighings are the slot's the
// app last registered or profiled (the person whose app it is pressed their slot's button), in
// the unit of that slot's profile. The body composition is simulated_body.hpp's plain estimate
// from that profile (the scale's own formulas are not public); bone goes out as a percentage.
#include <algorithm>
#include <cstdio>

#include "devices/conversation_util.hpp"
#include "devices/simulated_body.hpp"
#include "devices/weight_gurus_a3/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

using namespace weight_gurus;

const Uuid kFeature = Uuid::from16(kFeatureCharacteristic);
const Uuid kWeight = Uuid::from16(kWeightCharacteristic);
const Uuid kComposition = Uuid::from16(kCompositionCharacteristic);
const Uuid kCommands = Uuid::from16(transtek::kCommandCharacteristic);
const Uuid kEvents = Uuid::from16(transtek::kEventCharacteristic);

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

class WeightGurusSimulator : public SimulatedDevice {
 public:
  explicit WeightGurusSimulator(SimOptions o) : SimulatedDevice(std::move(o)) {
    const auto a = address().bytes;
    char serial[9];
    std::snprintf(serial, sizeof serial, "%02X%02X%02X%02X", a[2], a[3], a[4], a[5]);
    serial_ = serial;
    name_ = options_.name.empty() ? kUnpairedName : options_.name;
    pairing_mode_ = name_.rfind(kPairedNamePrefix, 0) != 0;
    password_ = {static_cast<std::uint8_t>(a[2] ^ 0x3C), static_cast<std::uint8_t>(a[3] ^ 0xA5),
                 static_cast<std::uint8_t>(a[4] ^ 0x0F), static_cast<std::uint8_t>(a[5] ^ 0x96)};
    seed_ = le32(password_.data()) | 1u;
  }
  std::string_view kind() const override { return "weight-gurus-0376"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("CB:A0:80:F1:53:B2")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = name_;
    // 3 + 8 + 18 bytes while waiting to pair; the paired name (16) and the 128-bit UUID (18) would
    // not fit the 31 of a legacy advert together, so the paired scale is known by its name.
    if (pairing_mode_) a.service_uuids = {service_uuid()};
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{service_uuid(),
             {{kFeature, kRead, {0x00, 0x00}},
              {kComposition, kIndicate, {}},
              {kWeight, kIndicate, {}},
              {kCommands, kWrite, {}},
              {kEvents, kIndicate, {}}}},
            {Uuid::from16(0x180A),
             {{Uuid::from16(0x2A29), kRead, text("GURUS")},
              {Uuid::from16(0x2A24), kRead, text("380")},
              {Uuid::from16(0x2A27), kRead, text("1.0")},
              {Uuid::from16(0x2A26), kRead, text("1.0")}}}};
  }
  void on_connect() override {
    reset();
    if (!backlog_started_) {  // the weighing it queued before anyone listened: yesterday, 07:12
      backlog_started_ = true;
      const std::int64_t wall = wall_now();
      const std::int64_t yesterday = wall - wall % 86400 - 86400 + 7 * 3600 + 12 * 60;
      backlog_.push_back({static_cast<std::uint32_t>(yesterday - transtek::kEpoch2010Unix), options_.weight_kg + 0.6,
                          options_.impedance_ohm + 6});
    }
  }
  void on_disconnect() override { reset(); }
  void on_subscribe(const Uuid& c) override {
    if (c != kEvents) return;
    later(100, [this] {
      if (pairing_mode_) {
        Bytes f{transtek::kEventPassword};
        f.insert(f.end(), password_.begin(), password_.end());
        host().notify(kEvents, f);
      } else {
        send_random();
      }
    });
  }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kCommands || v.empty()) return;
    const std::uint8_t op = v[0];
    if (pairing_mode_ && authenticated_ && slots_sent_ < kSlots) return error("a write before the eighth slot");
    switch (op) {
      case transtek::kCommandAccountId:
        if (!pairing_mode_ || v.size() != 5) return;
        if (le32(&v[1]) == 0) return error("a zero account id");
        account_id_ = le32(&v[1]);
        later(100, [this] { send_random(); });
        return;
      case transtek::kCommandVerification:
        if (v.size() != 5 || random_.empty()) return;
        if (transtek::verification(random_, password_) != v) return hang_up("wrong answer to the random");
        authenticated_ = true;
        if (pairing_mode_) send_slots();
        return;
      case kCommandAddUser:
        if (!authenticated_ || v.size() != 2 + kSlotNameLength || v[1] < 1 || v[1] > kSlots) return;
        slots_[v[1]].name.assign(v.begin() + 2, v.end());
        selected_ = v[1];
        wrote_add_user_ = true;
        return;
      case kCommandProfile: {
        if (!authenticated_) return;
        const std::optional<Profile> p = parse_profile(v);
        if (!p) return;  // (a height of 0...): the slot keeps the profile it had, and no echo
        slots_[p->slot].profile = p;
        selected_ = p->slot;
        wrote_profile_ = true;
        Bytes echo = v;
        echo[0] = kEventProfileEcho;
        later(50, [this, echo] { host().notify(kEvents, echo); });
        return;
      }
      case transtek::kCommandTime:
        if (v.size() != 5) return;
        if (!authenticated_) return hang_up("the time before the random was answered");
        clock_offset_ = static_cast<std::int64_t>(le32(&v[1])) + transtek::kEpoch2010Unix - wall_now();
        wrote_time_ = true;
        if (!pairing_mode_) hand_over();
        return;
      case transtek::kCommandDisconnect:
        if (pairing_mode_) {
          if (!wrote_add_user_ || !wrote_profile_ || !wrote_time_) return error("22 before 03, 51 and 02");
          later(800, [this] {  // committed to flash: paired from now on
            pairing_mode_ = false;
            name_ = std::string(kPairedNamePrefix) + serial_;
            host().advert_changed();
            host().disconnect("pairing committed");
          });
        } else {
          later(50, [this] { host().disconnect("the app enabled disconnect (22)"); });
        }
        return;
    }
  }

 private:
  struct Slot {
    Bytes name = Bytes(kSlotNameLength, ' ');
    std::optional<Profile> profile;
  };
  struct Stored {
    std::uint32_t time;  // seconds since 2010, the scale's local clock
    double kg, ohm;
  };

  std::int64_t wall_now() { return unix_from_civil(local_wall_clock(host().unix_now())); }
  void later(int ms, std::function<void()> fn) {
    host().after(std::chrono::milliseconds(ms), [this, connection = connection_, fn = std::move(fn)] {
      if (connection == connection_) fn();
    });
  }
  void reset() {
    ++connection_;
    authenticated_ = wrote_add_user_ = wrote_profile_ = wrote_time_ = false;
    slots_sent_ = 0;
    random_.clear();
  }
  void error(const std::string& why) { hang_up("E1: " + why); }
  void hang_up(const std::string& why) { host().disconnect(why); }
  void send_random() {
    seed_ = seed_ * 1664525u + 1013904223u;
    random_.clear();
    put_u32le(random_, seed_);
    Bytes f{transtek::kEventChallenge};
    f.insert(f.end(), random_.begin(), random_.end());
    host().notify(kEvents, f);
  }
  void send_slots() {
    for (int s = 1; s <= kSlots; ++s)
      later(100 * s, [this, s] {
        Bytes f{kEventSlot, static_cast<std::uint8_t>(s)};
        f.insert(f.end(), slots_[s].name.begin(), slots_[s].name.end());
        host().notify(kEvents, f);
        slots_sent_ = s;
      });
  }
  // The weighing the person just made and the backlog, newest first; delivered, they are gone.
  void hand_over() {
    const std::int64_t clock = wall_now() + clock_offset_ - transtek::kEpoch2010Unix;
    std::vector<Stored> out = backlog_;
    out.push_back({static_cast<std::uint32_t>(clock - 8), options_.weight_kg, options_.impedance_ohm});
    std::sort(out.begin(), out.end(), [](const Stored& a, const Stored& b) { return a.time > b.time; });
    backlog_.clear();
    int at = 300;
    for (const Stored& s : out) {
      const std::optional<Profile> profile = slots_[selected_].profile;
      later(at, [this, s, profile] { host().notify(kWeight, weight_frame(s, profile)); });
      if (profile) later(at + 100, [this, s, profile] { host().notify(kComposition, composition_frame(s, *profile)); });
      at += 400;
    }
  }
  // Flags 1F (time, difference, impedance, user, status) and the display unit in bits 5-6;
  // status 19 (stable, impedance finished, composition follows) or 09 without a profile.
  Bytes weight_frame(const Stored& s, const std::optional<Profile>& profile) const {
    const WeightUnit unit = profile ? profile->unit : WeightUnit::kg;
    Bytes f{static_cast<std::uint8_t>(0x1F | (unit == WeightUnit::lb ? 0x20 : unit == WeightUnit::st ? 0x40 : 0))};
    transtek::put_float32(f, s.kg, -2);
    put_u32le(f, s.time);
    transtek::put_float32(f, 0, -2);  // the weight difference
    transtek::put_float32(f, s.ohm, -1);
    f.push_back(static_cast<std::uint8_t>(selected_));
    f.push_back(profile ? 0x19 : 0x09);
    return f;
  }
  // Flags 6D (user, fat, water, muscle, bone), as in the write-up's capture.
  Bytes composition_frame(const Stored& s, const Profile& p) const {
    const SimulatedBody b = simulated_body(s.kg, s.ohm, static_cast<int>(p.height_cm), p.age, p.male);
    Bytes f{0x6D};
    put_u32le(f, s.time);
    f.push_back(static_cast<std::uint8_t>(selected_));
    for (double v : {b.fat_percent, b.water_percent, b.muscle_percent, b.bone_kg / s.kg * 100})
      put_u16le(f, transtek::sfloat16_bits(v, -1));
    return f;
  }

  std::string name_, serial_;
  bool pairing_mode_ = true;
  Bytes password_, random_;
  std::uint32_t seed_ = 1, account_id_ = 0;
  bool authenticated_ = false, wrote_add_user_ = false, wrote_profile_ = false, wrote_time_ = false;
  int slots_sent_ = 0;
  std::array<Slot, kSlots + 1> slots_{};
  int selected_ = 1;
  bool backlog_started_ = false;
  std::vector<Stored> backlog_;
  std::int64_t clock_offset_ = 0;
  std::uint64_t connection_ = 0;
};

}  // namespace

namespace weight_gurus {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<WeightGurusSimulator>(o); }
}  // namespace weight_gurus

}  // namespace declouder
