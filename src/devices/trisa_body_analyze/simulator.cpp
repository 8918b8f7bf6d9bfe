// Simulator: Trisa Body Analyze 4.0 (descriptor.cpp has the protocol and its sources).
//
// It starts in pairing mode, as a new scale whose button was held: named "11257B", it sends
// A0 <its password> on 0x8A82 once the app has enabled indications there, and leaves pairing
// mode when the app sets a broadcast id (21 <id>), calling itself "01257B<id as hex>" from
// then on. Started with a name "01257B…" it is a scale paired before (by another app).
// Once paired, every connection gets A1 <a new challenge>; the right answer
// (20 <challenge XOR password>) lets the app set the clock (02 <seconds since 2010>), and the
// scale then indicates the weighing on 0x8A21: an unstable frame while the person settles,
// then the final one with R2 (options.impedance_ohm) and the status "stable, impedance
// finished", timed by the clock the app set. A wrong answer, or a time before the answer,
// and it hangs up. 22 hangs up too.
#include <cstdio>

#include "devices/trisa_body_analyze/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

using namespace trisa;

const Uuid kServiceUuid = Uuid::from16(kService);
const Uuid kMeasurement = Uuid::from16(kMeasurementCharacteristic);
const Uuid kAppend = Uuid::from16(0x8A22);
const Uuid kFeature = Uuid::from16(0x8A20);
const Uuid kDownload = Uuid::from16(kDownloadCharacteristic);
const Uuid kUpload = Uuid::from16(kUploadCharacteristic);

class TrisaSimulator : public SimulatedDevice {
 public:
  explicit TrisaSimulator(SimOptions o) : SimulatedDevice(std::move(o)) {
    name_ = options_.name.empty() ? kUnpairedNamePrefix : options_.name;
    pairing_mode_ = name_.rfind(kPairedNamePrefix, 0) != 0;
    // The scale's own password: fixed per scale (here, from its address).
    const auto a = address().bytes;
    password_ = {static_cast<std::uint8_t>(a[2] ^ 0x5A), static_cast<std::uint8_t>(a[3] ^ 0xC3),
                 static_cast<std::uint8_t>(a[4] ^ 0x17), static_cast<std::uint8_t>(a[5] ^ 0x9E)};
    seed_ = static_cast<std::uint32_t>(le32(password_.data())) | 1u;
  }
  std::string_view kind() const override { return "trisa-body-analyze"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("E6:79:32:AB:BA:80")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = name_;
    a.service_uuids = {kServiceUuid};
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{kServiceUuid,
             {{kFeature, kRead, {0x00, 0x00}},
              {kMeasurement, kIndicate, {}},
              {kAppend, kIndicate, {}},
              {kDownload, kWrite, {}},
              {kUpload, kIndicate, {}}}}};
  }
  void on_connect() override { reset(); }
  void on_disconnect() override { reset(); }
  void on_subscribe(const Uuid& c) override {
    if (c != kUpload) return;
    const std::uint64_t connection = connection_;
    host().after(std::chrono::milliseconds(100), [this, connection] {
      if (connection != connection_) return;
      if (pairing_mode_) {
        Bytes f{kUploadPassword};
        f.insert(f.end(), password_.begin(), password_.end());
        host().notify(kUpload, f);
        return;
      }
      seed_ = seed_ * 1664525u + 1013904223u;  // a new challenge each connection
      challenge_.clear();
      put_u32le(challenge_, seed_);
      Bytes f{kUploadChallenge};
      f.insert(f.end(), challenge_.begin(), challenge_.end());
      host().notify(kUpload, f);
    });
  }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kDownload || v.empty()) return;
    switch (v[0]) {
      case kDownloadBroadcastId:
        if (v.size() != 5 || !pairing_mode_) return;
        pairing_mode_ = false;
        {
          char id[9];
          std::snprintf(id, sizeof id, "%02X%02X%02X%02X", v[1], v[2], v[3], v[4]);
          name_ = std::string(kPairedNamePrefix) + id;
        }
        host().advert_changed();
        return;
      case kDownloadResult:
        if (v.size() != 5 || challenge_.empty()) return;
        authenticated_ = transtek::verification(challenge_, password_) == v;
        if (!authenticated_) host().disconnect("wrong answer to the challenge");
        return;
      case kDownloadTime:
        if (v.size() != 5) return;
        if (!authenticated_) {
          host().disconnect("the time before the challenge was answered");
          return;
        }
        clock_offset_ = static_cast<std::int64_t>(le32(&v[1])) + kEpoch2010Unix - host().unix_now();
        weigh();
        return;
      case kDownloadDisconnect:
        host().after(std::chrono::milliseconds(50), [this, connection = connection_] {
          if (connection == connection_) host().disconnect("the app asked (22)");
        });
        return;
    }
  }

 private:
  void reset() {
    ++connection_;
    authenticated_ = false;
    challenge_.clear();
  }
  void weigh() {
    const std::uint64_t connection = connection_;
    host().after(std::chrono::milliseconds(300), [this, connection] {
      if (connection == connection_) host().notify(kMeasurement, frame(options_.weight_kg * 0.97, false));
    });
    host().after(std::chrono::milliseconds(900), [this, connection] {
      if (connection == connection_) host().notify(kMeasurement, frame(options_.weight_kg, true));
    });
  }
  // flags 9F: time, R1, R2, user number, status; kg.
  Bytes frame(double kg, bool final) {
    Bytes f{0x9F};
    transtek::put_float32(f, kg, -2);
    put_u32le(f, static_cast<std::uint32_t>(host().unix_now() + clock_offset_ - kEpoch2010Unix));
    transtek::put_float32(f, 0, -1);                                    // R1: always 0
    transtek::put_float32(f, final ? options_.impedance_ohm : 0, -1);  // R2
    f.push_back(0);                                                // user number
    f.push_back(final ? 0x09 : 0x02);  // stable + impedance finished; unstable + processing
    f.push_back(0);
    return f;
  }

  std::string name_;
  bool pairing_mode_ = true;
  Bytes password_;
  Bytes challenge_;
  std::uint32_t seed_ = 1;
  bool authenticated_ = false;
  std::int64_t clock_offset_ = 0;
  std::uint64_t connection_ = 0;
};

}  // namespace

namespace trisa {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<TrisaSimulator>(o); }
}  // namespace trisa

}  // namespace declouder
