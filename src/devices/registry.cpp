#include "devices/registry.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <string>

namespace declouder {

// Every built-in device, one line each (its descriptor is in its own folder or file).
// Order matters only for how `devices` lists them, which claimant `scan` names first and
// which conversation is chosen when two devices claim one advertisement; dispatch is by index.
extern const DeviceDescriptor kMiScale;
extern const DeviceDescriptor kMiScale2;
extern const DeviceDescriptor kSigScale;
extern const DeviceDescriptor kBeurerSanitasStandard;
extern const DeviceDescriptor kPicoocMini;
extern const DeviceDescriptor kPicoocMiniLite;
extern const DeviceDescriptor kDrTrustSsw532;
extern const DeviceDescriptor kIcomon;
extern const DeviceDescriptor kMgb;
extern const DeviceDescriptor kQnScale;
extern const DeviceDescriptor kQnBroadcast;
extern const DeviceDescriptor kYunmai;
extern const DeviceDescriptor kYunmaiX;
extern const DeviceDescriptor kOneByone;
extern const DeviceDescriptor kExcelvanCf36x;
extern const DeviceDescriptor kMedisanaBs44x;
extern const DeviceDescriptor kTrisaBodyAnalyze;
extern const DeviceDescriptor kWeightGurusA3;
extern const DeviceDescriptor kOmronWlc;
extern const DeviceDescriptor kChipseaOkok;
extern const DeviceDescriptor kChipseaOkokVf0;
extern const DeviceDescriptor kMiBand1;
extern const DeviceDescriptor kHeartRate;
extern const DeviceDescriptor kBodyBugg;
extern const DeviceDescriptor kXiaomiS400;
extern const DeviceDescriptor kXiaomiS200;
extern const DeviceDescriptor kXiaomiS800;
extern const DeviceDescriptor kEufyC20;
extern const DeviceDescriptor kEtekcityFit8s;
extern const DeviceDescriptor kVitafitVt701;
extern const DeviceDescriptor kRenphoEs26bb;
extern const DeviceDescriptor kRenphoEsCs20m;
extern const DeviceDescriptor kRenphoRMsc04;
extern const DeviceDescriptor kHesley;
extern const DeviceDescriptor kEbelterB2;
extern const DeviceDescriptor kSoehnle;
extern const DeviceDescriptor kExingtechY1;
extern const DeviceDescriptor kDigooDgSo38h;
extern const DeviceDescriptor kCultSmartScalePro;
extern const DeviceDescriptor kEtekcityEsf551;
extern const DeviceDescriptor kInlife;
extern const DeviceDescriptor kSenssun;
extern const DeviceDescriptor kKoogeekS1;
extern const DeviceDescriptor kBeurerSanitasBf700;
extern const DeviceDescriptor kEufyP2;
extern const DeviceDescriptor kHuaweiAh100;
extern const DeviceDescriptor kTaylorBia;
extern const DeviceDescriptor kHoffenBs8107;

namespace {

const auto kBuiltin = std::to_array<const DeviceDescriptor*>({
    &kMiScale,
    &kMiScale2,
    &kSoehnle,  // before the standard scale: it serves User Data too, but must be asked its own way
    &kSigScale,
    &kBeurerSanitasStandard,
    &kPicoocMini,
    &kPicoocMiniLite,
    &kDrTrustSsw532,  // these three before icomon-ffb0 and mgb, which take other 0xFFB0 devices
    &kTaylorBia,      // (ffb0_families.hpp)
    &kHoffenBs8107,
    &kIcomon,
    &kMgb,
    &kQnScale,
    &kQnBroadcast,
    &kYunmai,
    &kYunmaiX,
    &kOneByone,
    &kExcelvanCf36x,
    &kOmronWlc,
    &kTrisaBodyAnalyze,  // before Medisana: the same Transtek characteristics
    &kMedisanaBs44x,
    &kWeightGurusA3,  // Transtek A3 too: 0x8A22 shared with Medisana, told apart by name
    &kChipseaOkok,
    &kChipseaOkokVf0,
    &kMiBand1,
    &kHeartRate,
    &kBodyBugg,
    &kXiaomiS400,
    &kXiaomiS200,
    &kXiaomiS800,
    &kEufyC20,
    &kEtekcityFit8s,
    &kVitafitVt701,
    &kRenphoEs26bb,
    &kRenphoEsCs20m,
    &kRenphoRMsc04,
    &kHesley,
    &kEbelterB2,
    &kExingtechY1,
    &kDigooDgSo38h,
    &kCultSmartScalePro,
    &kEtekcityEsf551,
    &kInlife,
    &kSenssun,
    &kKoogeekS1,
    &kBeurerSanitasBf700,
    &kEufyP2,
    &kHuaweiAh100,
});

// Candidate lists live on the stack: decoding allocates nothing.
constexpr std::size_t kMaxCandidates = 32;

void add_unique(std::vector<const DeviceDescriptor*>& v, const DeviceDescriptor* d) {
  if (std::find(v.begin(), v.end(), d) == v.end()) v.push_back(d);
}

// A fixed-size set of candidates, in the order they were added.
struct Candidates {
  std::array<const DeviceDescriptor*, kMaxCandidates> items;  // only [0, size) is used: not cleared per call
  std::size_t size = 0;
  void add(const DeviceDescriptor* d) {
    for (std::size_t i = 0; i < size; ++i)
      if (items[i] == d) return;
    if (size < items.size()) items[size++] = d;
  }
};

// The devices a characteristic value is offered to once its device's name narrowed them, for
// the last few (registry, characteristic, name) this thread saw. Every value of a conversation
// comes from one device with one name, so the claims of the families that share a
// characteristic (seven on 0xFFF1) are asked once per conversation instead of once per value.
// Exact: claims() of an advert that holds only a name is a function of that name, and a
// registry never changes after it is built (each has its own serial, never reused).
struct NamedCandidates {
  std::uint64_t registry = 0;  // 0: empty
  Uuid characteristic;
  std::string name;
  Candidates candidates;
};
constexpr std::size_t kNamedCandidatesKept = 4;  // a household's devices in one capture

std::atomic<std::uint64_t> next_registry_serial{1};

}  // namespace

std::string_view link_mode_name(LinkMode m) {
  switch (m) {
    case LinkMode::advertisement: return "advertisement";
    case LinkMode::gatt: return "gatt";
    case LinkMode::serial: return "serial";
  }
  return "?";
}

DeviceRegistry::DeviceRegistry(std::vector<const DeviceDescriptor*> devices) : devices_(std::move(devices)) { index(); }

std::uint64_t DeviceRegistry::Serial::next() { return next_registry_serial.fetch_add(1, std::memory_order_relaxed); }

DeviceRegistry::DeviceRegistry(std::vector<std::shared_ptr<const DeviceDescriptor>> loaded, bool with_builtin)
    : owned_(std::move(loaded)) {
  for (const auto& d : owned_) devices_.push_back(d.get());
  if (with_builtin) devices_.insert(devices_.end(), kBuiltin.begin(), kBuiltin.end());
  index();
}

void DeviceRegistry::index() {
  for (const DeviceDescriptor* d : devices_) {
    for (auto u : d->service_data_uuids) by_service_data_[u].push_back(d);
    for (auto c : d->company_ids) by_company_[c].push_back(d);
    for (auto c : d->gatt_characteristics) by_characteristic_[c].push_back(d);
    for (const Uuid& u : d->gatt_uuids) by_uuid_.emplace_back(u, d);
    if (d->claims_company) company_predicates_.push_back(d);
    if (d->claims && d->decode_advert && d->service_data_uuids.empty() && d->company_ids.empty() &&
        !d->claims_company)
      advert_claimers_.push_back(d);
  }
}

const DeviceDescriptor* DeviceRegistry::find(std::string_view id) const {
  for (const DeviceDescriptor* d : devices_)
    if (d->id == id) return d;
  return nullptr;
}

const DeviceSimulator* DeviceRegistry::find_simulator(std::string_view name) const {
  for (const DeviceDescriptor* d : devices_)
    if (d->simulator && d->simulator->name == name) return &*d->simulator;
  return nullptr;
}

int DeviceRegistry::decode_advertisement(const Advertisement& adv, const OnOutcome& on_outcome) const {
  Candidates cand;
  for (const auto& [uuid, data] : adv.service_data) {
    if (!uuid.is16()) continue;
    if (auto it = by_service_data_.find(uuid.short16()); it != by_service_data_.end())
      for (auto* d : it->second) cand.add(d);
  }
  for (const auto& [company, data] : adv.manufacturer_data) {
    if (auto it = by_company_.find(company); it != by_company_.end())
      for (auto* d : it->second) cand.add(d);
    for (auto* d : company_predicates_)
      if (d->claims_company(company)) cand.add(d);
  }
  for (auto* d : advert_claimers_)
    if (d->claims(adv)) cand.add(d);

  int ok = 0;
  for (std::size_t i = 0; i < cand.size; ++i) {
    const DeviceDescriptor* d = cand.items[i];
    if (!d->decode_advert || (d->prefilter && !d->prefilter(adv))) continue;
    DecodeOutcome out = d->decode_advert(adv);
    if (out.ok()) {
      ++ok;
      if (!out.reading.address) out.reading.address = adv.address;
    }
    if (on_outcome) on_outcome(*d, out);
  }
  return ok;
}

int DeviceRegistry::decode_gatt(const GattValue& value, const OnOutcome& on_outcome) const {
  thread_local std::array<NamedCandidates, kNamedCandidatesKept> named_memo;
  thread_local std::size_t named_next = 0;
  Candidates cand;
  const NamedCandidates* known = nullptr;
  if (!value.device_name.empty())
    for (const NamedCandidates& m : named_memo)
      if (m.registry == serial_.value && m.characteristic == value.characteristic && m.name == value.device_name) {
        known = &m;
        break;
      }
  if (known) {
    cand.size = known->candidates.size;
    std::copy_n(known->candidates.items.begin(), cand.size, cand.items.begin());
  } else if (value.characteristic.is16()) {
    if (auto it = by_characteristic_.find(value.characteristic.short16()); it != by_characteristic_.end())
      for (auto* d : it->second) cand.add(d);
  } else {
    for (const auto& [u, d] : by_uuid_)
      if (u == value.characteristic) cand.add(d);
  }
  // Several devices share a characteristic (0xFFF1: QN and Picooc; 0xFFF4: 1byone and
  // Excelvan; 0x2A9D: any standard scale and Beurer). When the device's name is known and
  // some of them claim it, only those are tried.
  if (!known && !value.device_name.empty()) {
    thread_local Advertisement probe;  // a name and nothing else; kept, so its string is not made anew
    probe.name.assign(value.device_name);
    std::size_t named = 0;
    for (std::size_t i = 0; i < cand.size; ++i)
      if (cand.items[i]->claims && cand.items[i]->claims(probe)) cand.items[named++] = cand.items[i];
    if (named > 0) cand.size = named;  // (with none, the list was left untouched)
    NamedCandidates& m = named_memo[named_next++ % kNamedCandidatesKept];
    m.registry = serial_.value;
    m.characteristic = value.characteristic;
    m.name = value.device_name;
    m.candidates.size = cand.size;
    std::copy_n(cand.items.begin(), cand.size, m.candidates.items.begin());
  }
  int ok = 0;
  for (std::size_t i = 0; i < cand.size; ++i) {
    const DeviceDescriptor* d = cand.items[i];
    if (!d->decode_gatt) continue;
    DecodeOutcome out = d->decode_gatt(value);
    if (out.ok()) {
      ++ok;
      if (!out.reading.address) out.reading.address = value.address;
    }
    if (on_outcome) on_outcome(*d, out);
  }
  return ok;
}

std::vector<const DeviceDescriptor*> DeviceRegistry::claimants(const Advertisement& adv) const {
  std::vector<const DeviceDescriptor*> out;
  for (const DeviceDescriptor* d : devices_)
    if (d->claims && d->claims(adv)) add_unique(out, d);
  // Devices that decode this advert's data also claim it.
  decode_advertisement(adv, [&](const DeviceDescriptor& d, const DecodeOutcome& o) {
    if (o.ok()) add_unique(out, &d);
  });
  return out;
}

const DeviceDescriptor* DeviceRegistry::conversation_for(const Advertisement& adv, bool unattended_only) const {
  // The first device that claims the advertisement is the device; when it has no
  // conversation, nobody talks to it (a Mi Band also lists the Heart Rate service, but it
  // is a band, not a strap).
  for (const DeviceDescriptor* d : devices_) {
    if (!d->claims || !d->claims(adv)) continue;
    if (!d->conversation || (unattended_only && !d->conversation->unattended)) return nullptr;
    return d;
  }
  return nullptr;
}

std::span<const DeviceDescriptor* const> builtin_devices() { return kBuiltin; }

const DeviceRegistry& builtin_registry() {
  static const DeviceRegistry r({kBuiltin.begin(), kBuiltin.end()});
  return r;
}

}  // namespace declouder
