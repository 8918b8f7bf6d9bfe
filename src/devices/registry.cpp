#include "devices/registry.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

namespace declouder {

// Every family, in registry order. Add new families here (one line each).
// Order matters only for how `devices` lists them and which reading comes
// first when two families decode the same bytes; dispatch is by index.
extern const DeviceFamily kMiScale;
extern const DeviceFamily kMiScale2;
extern const DeviceFamily kSigScale;
extern const DeviceFamily kBeurerSanitasStandard;
extern const DeviceFamily kPicoocMini;
extern const DeviceFamily kPicoocMiniLite;
extern const DeviceFamily kIcomon;
extern const DeviceFamily kMgb;
extern const DeviceFamily kQnScale;
extern const DeviceFamily kQnBroadcast;
extern const DeviceFamily kYunmai;
extern const DeviceFamily kOneByone;
extern const DeviceFamily kExcelvanCf36x;
extern const DeviceFamily kMedisanaBs44x;
extern const DeviceFamily kChipseaOkok;
extern const DeviceFamily kMiBand1;
extern const DeviceFamily kHeartRate;

namespace {

constexpr auto kFamilies = std::to_array<const DeviceFamily*>({
    &kMiScale,
    &kMiScale2,
    &kSigScale,
    &kBeurerSanitasStandard,
    &kPicoocMini,
    &kPicoocMiniLite,
    &kIcomon,
    &kMgb,
    &kQnScale,
    &kQnBroadcast,
    &kYunmai,
    &kOneByone,
    &kExcelvanCf36x,
    &kMedisanaBs44x,
    &kChipseaOkok,
    &kMiBand1,
    &kHeartRate,
});

// Candidate lists live on the stack: decoding allocates nothing.
constexpr std::size_t kMaxCandidates = 16;
static_assert(kFamilies.size() <= 64);

struct Index {
  std::unordered_map<std::uint16_t, std::vector<const DeviceFamily*>> by_service_data;
  std::unordered_map<std::uint16_t, std::vector<const DeviceFamily*>> by_company;
  std::unordered_map<std::uint16_t, std::vector<const DeviceFamily*>> by_characteristic;
  std::vector<const DeviceFamily*> company_predicates;  // families with claims_company
  std::vector<const DeviceFamily*> advert_claimers;     // families with claims() and an advert decoder

  Index() {
    for (const DeviceFamily* f : kFamilies) {
      for (auto u : f->service_data_uuids) by_service_data[u].push_back(f);
      for (auto c : f->company_ids) by_company[c].push_back(f);
      for (auto c : f->gatt_characteristics) by_characteristic[c].push_back(f);
      if (f->claims_company) company_predicates.push_back(f);
      if (f->claims && f->decode_advert && f->service_data_uuids.empty() && f->company_ids.empty() &&
          !f->claims_company)
        advert_claimers.push_back(f);
    }
  }
};

const Index& index() {
  static const Index idx;
  return idx;
}

void add_unique(std::vector<const DeviceFamily*>& v, const DeviceFamily* f) {
  if (std::find(v.begin(), v.end(), f) == v.end()) v.push_back(f);
}

}  // namespace

std::string_view link_mode_name(LinkMode m) {
  switch (m) {
    case LinkMode::advertisement: return "advertisement";
    case LinkMode::gatt: return "gatt";
    case LinkMode::serial: return "serial";
  }
  return "?";
}

std::span<const DeviceFamily* const> DeviceRegistry::families() const { return kFamilies; }

const DeviceFamily* DeviceRegistry::find(std::string_view id) const {
  for (const DeviceFamily* f : kFamilies)
    if (f->id == id) return f;
  return nullptr;
}

int DeviceRegistry::decode_advertisement(
    const Advertisement& adv, const std::function<void(const DeviceFamily&, const DecodeOutcome&)>& on_outcome) const {
  const Index& idx = index();
  // Small fixed buffer of candidates: no allocation on the hot path.
  std::array<const DeviceFamily*, kMaxCandidates> cand{};
  std::size_t n = 0;
  auto add = [&](const DeviceFamily* f) {
    for (std::size_t i = 0; i < n; ++i)
      if (cand[i] == f) return;
    if (n < cand.size()) cand[n++] = f;
  };
  for (const auto& [uuid, data] : adv.service_data) {
    if (!uuid.is16()) continue;
    if (auto it = idx.by_service_data.find(uuid.short16()); it != idx.by_service_data.end())
      for (auto* f : it->second) add(f);
  }
  for (const auto& [company, data] : adv.manufacturer_data) {
    if (auto it = idx.by_company.find(company); it != idx.by_company.end())
      for (auto* f : it->second) add(f);
    for (auto* f : idx.company_predicates)
      if (f->claims_company(company)) add(f);
  }
  for (auto* f : idx.advert_claimers)
    if (f->claims(adv)) add(f);

  int ok = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const DeviceFamily* f = cand[i];
    if (!f->decode_advert) continue;
    DecodeOutcome out = f->decode_advert(adv);
    if (out.ok()) {
      ++ok;
      if (!out.reading.address) out.reading.address = adv.address;
    }
    if (on_outcome) on_outcome(*f, out);
  }
  return ok;
}

int DeviceRegistry::decode_gatt(const GattValue& value,
                                const std::function<void(const DeviceFamily&, const DecodeOutcome&)>& on_outcome) const {
  const Index& idx = index();
  std::array<const DeviceFamily*, kMaxCandidates> cand{};
  std::size_t n = 0;
  if (value.characteristic.is16()) {
    if (auto it = idx.by_characteristic.find(value.characteristic.short16()); it != idx.by_characteristic.end())
      for (auto* f : it->second)
        if (n < cand.size()) cand[n++] = f;
  }
  // Several families share a characteristic (0xFFF1: QN and Picooc; 0xFFF4:
  // 1byone and Excelvan; 0x2A9D: any standard scale and Beurer). When the
  // device's name is known and some of them claim it, only those are tried.
  if (!value.device_name.empty()) {
    Advertisement probe;
    probe.name = value.device_name;
    std::size_t named = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (cand[i]->claims && cand[i]->claims(probe)) cand[named++] = cand[i];
    if (named > 0) n = named;  // (with none, the list was left untouched)
  }
  int ok = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const DeviceFamily* f = cand[i];
    if (!f->decode_gatt) continue;
    DecodeOutcome out = f->decode_gatt(value);
    if (out.ok()) {
      ++ok;
      if (!out.reading.address) out.reading.address = value.address;
    }
    if (on_outcome) on_outcome(*f, out);
  }
  return ok;
}

std::vector<const DeviceFamily*> DeviceRegistry::claimants(const Advertisement& adv) const {
  std::vector<const DeviceFamily*> out;
  for (const DeviceFamily* f : kFamilies) {
    if (f->claims && f->claims(adv)) add_unique(out, f);
  }
  // Families that decode this advert's data also claim it.
  decode_advertisement(adv, [&](const DeviceFamily& f, const DecodeOutcome& o) {
    if (o.ok()) add_unique(out, &f);
  });
  return out;
}

const DeviceRegistry& registry() {
  static const DeviceRegistry r;
  return r;
}

}  // namespace declouder
