#include "exports/openscale_csv.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>

namespace declouder::openscale {
namespace {

// Up to `decimals` places, trailing zeros dropped: 81.2, 27.45, 1650.
std::string number(double v, int decimals) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  std::string s = b;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// One CSV line into fields: commas, double quotes around a field, "" inside quotes.
std::vector<std::string> split(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  for (auto& f : out) {
    while (!f.empty() && std::isspace(static_cast<unsigned char>(f.back()))) f.pop_back();
    std::size_t b = 0;
    while (b < f.size() && std::isspace(static_cast<unsigned char>(f[b]))) ++b;
    f.erase(0, b);
  }
  return out;
}

std::optional<int> whole(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// "2024-03-17" -> y, m, d
bool parse_date(std::string_view s, int& y, int& m, int& d) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  auto yy = whole(s.substr(0, 4)), mm = whole(s.substr(5, 2)), dd = whole(s.substr(8, 2));
  if (!yy || !mm || !dd || *mm < 1 || *mm > 12 || *dd < 1 || *dd > 31) return false;
  y = *yy, m = *mm, d = *dd;
  return true;
}
// "07:30", "07:30:15", "07:30:15.250" -> h, min, s
bool parse_time(std::string_view s, int& h, int& mi, int& sec) {
  if (s.size() < 5 || s[2] != ':') return false;
  auto hh = whole(s.substr(0, 2)), mm = whole(s.substr(3, 2));
  if (!hh || !mm || *hh > 23 || *mm > 59) return false;
  h = *hh, mi = *mm, sec = 0;
  if (s.size() == 5) return true;
  if (s.size() < 8 || s[5] != ':') return false;
  auto ss = whole(s.substr(6, 2));
  if (!ss || *ss > 59) return false;
  if (s.size() > 8 && s[8] != '.') return false;
  sec = *ss;
  return true;
}

// A civil time in the machine's zone (TZ), as the phone that wrote the file saw it.
std::optional<std::int64_t> local_to_unix_us(int y, int m, int d, int h, int mi, int s) {
  std::tm t{};
  t.tm_year = y - 1900;
  t.tm_mon = m - 1;
  t.tm_mday = d;
  t.tm_hour = h;
  t.tm_min = mi;
  t.tm_sec = s;
  t.tm_isdst = -1;
  const std::time_t v = std::mktime(&t);
  if (v == static_cast<std::time_t>(-1) && !(y == 1969 || y == 1970)) return std::nullopt;
  if (t.tm_mday != d || t.tm_mon != m - 1) return std::nullopt;  // 2024-02-31
  return static_cast<std::int64_t>(v) * 1000000;
}

std::optional<double> decimal(const std::string& s) {
  if (s.empty()) return std::nullopt;
  std::string t = s;
  std::replace(t.begin(), t.end(), ',', '.');  // a decimal comma, from a hand-edited file
  double v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || !std::isfinite(v)) throw std::invalid_argument(s);
  return v;
}

enum class Metric { weight, bmi, fat, water, muscle_percent, lbm, bone, visceral, bmr };

}  // namespace

std::string write_csv(std::span<const Measurement> measurements) {
  // openScale sorts its keys by name; these are the ones declouder has.
  std::string out = "DATE,TIME,BMI,BMR,BODY_FAT,BONE,LBM,MUSCLE,VISCERAL_FAT,WATER,WEIGHT\n";
  for (const Measurement& m : measurements) {
    const std::time_t t = static_cast<std::time_t>(m.time_us / 1000000);
    std::tm local{};
    localtime_r(&t, &local);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d,%H:%M:%S", &local);
    const BodyMetrics& b = m.metrics;
    auto cell = [&](std::optional<double> v, int decimals) { return "," + (v ? number(*v, decimals) : std::string()); };
    std::optional<double> muscle_percent;
    if (b.muscle_kg && m.weight_kg > 0) muscle_percent = *b.muscle_kg / m.weight_kg * 100;
    out += when;
    out += cell(b.bmi, 2) + cell(b.bmr_kcal, 0) + cell(b.fat_percent, 2) + cell(b.bone_kg, 2) +
           cell(b.lean_body_mass_kg, 2) + cell(muscle_percent, 3) + cell(b.visceral_fat, 2) + cell(b.water_percent, 2) +
           cell(m.weight_kg, 3) + "\n";
  }
  return out;
}

Parsed parse_csv(std::string_view text) {
  Parsed parsed;
  std::vector<std::pair<std::size_t, std::string_view>> lines;
  {
    std::size_t start = 0, n = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++n;
      if (n == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // a BOM
      if (!line.empty()) lines.emplace_back(n, line);
      if (end == text.size()) break;
      start = end + 1;
    }
  }
  if (lines.empty()) throw FormatError("the file is empty");
  const auto header = split(lines[0].second);
  int date = -1, time = -1, date_time = -1;
  std::map<int, Metric> columns;
  bool v2_names = false;
  static const std::map<std::string, Metric> kV3 = {
      {"weight", Metric::weight}, {"bmi", Metric::bmi},       {"body_fat", Metric::fat},
      {"water", Metric::water},   {"muscle", Metric::muscle_percent}, {"lbm", Metric::lbm},
      {"bone", Metric::bone},     {"visceral_fat", Metric::visceral}, {"bmr", Metric::bmr}};
  static const std::map<std::string, Metric> kV2 = {
      {"weight", Metric::weight}, {"fat", Metric::fat},   {"water", Metric::water},
      {"muscle", Metric::muscle_percent}, {"lbm", Metric::lbm}, {"bone", Metric::bone},
      {"visceralfat", Metric::visceral}};
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    const std::string name = lower(header[static_cast<std::size_t>(i)]);
    if (name == "date") date = i;
    else if (name == "time") time = i;
    else if (name == "datetime") date_time = i, v2_names = true;
  }
  if (date < 0 && date_time < 0)
    throw FormatError("line " + std::to_string(lines[0].first) +
                      ": not an openScale CSV header (no DATE column, nor 2.x dateTime)");
  parsed.columns = date >= 0 ? Parsed::Columns::v3 : Parsed::Columns::v2;
  const auto& names = v2_names && date < 0 ? kV2 : kV3;
  for (int i = 0; i < static_cast<int>(header.size()); ++i)
    if (auto it = names.find(lower(header[static_cast<std::size_t>(i)])); it != names.end()) columns[i] = it->second;
  if (std::none_of(columns.begin(), columns.end(), [](const auto& c) { return c.second == Metric::weight; }))
    throw FormatError("line " + std::to_string(lines[0].first) + ": no weight column (WEIGHT, or 2.x weight)");

  for (std::size_t li = 1; li < lines.size(); ++li) {
    const std::size_t n = lines[li].first;  // not a structured binding: lambdas below capture it
    const std::string_view line = lines[li].second;
    const auto f = split(line);
    auto field = [&](int i) -> std::string { return i >= 0 && static_cast<std::size_t>(i) < f.size() ? f[static_cast<std::size_t>(i)] : ""; };
    auto skip = [&](const std::string& why) { parsed.skipped.push_back("line " + std::to_string(n) + ": " + why); };
    int y = 0, mo = 0, d = 0, h = 12, mi = 0, s = 0;
    bool dated = false;
    if (date_time >= 0) {
      const std::string dt = field(date_time);
      if (dt.size() >= 16 && parse_date(std::string_view(dt).substr(0, 10), y, mo, d) && (dt[10] == ' ' || dt[10] == 'T') &&
          parse_time(std::string_view(dt).substr(11), h, mi, s))
        dated = true;
    }
    if (!dated && date >= 0) {
      const std::string ds = field(date);
      if (ds.empty()) {
        skip("no date");
        continue;
      }
      if (!parse_date(ds, y, mo, d)) {
        skip("'" + ds + "' is not a date (yyyy-MM-dd)");
        continue;
      }
      h = 12, mi = 0, s = 0;  // openScale's own default: noon
      if (const std::string ts = field(time); !ts.empty() && !parse_time(ts, h, mi, s)) h = 12, mi = 0, s = 0;
      dated = true;
    }
    if (!dated) {
      skip("no date");
      continue;
    }
    auto when = local_to_unix_us(y, mo, d, h, mi, s);
    if (!when) {
      skip("'" + field(date >= 0 ? date : date_time) + "' is not a date");
      continue;
    }
    Row row;
    row.line = n;
    row.text = std::string(line);
    row.time_us = *when;
    std::optional<double> muscle_percent;
    bool bad = false;
    for (const auto& [i, metric] : columns) {
      std::optional<double> v;
      try {
        v = decimal(field(i));
      } catch (const std::invalid_argument&) {
        skip("'" + field(i) + "' in column " + header[static_cast<std::size_t>(i)] + " is not a number");
        bad = true;
        break;
      }
      if (!v || *v == 0) continue;  // openScale writes nothing, or 0, for "not measured"
      BodyMetrics& b = row.metrics;
      switch (metric) {
        case Metric::weight: row.weight_kg = *v; break;
        case Metric::bmi: b.bmi = v; break;
        case Metric::fat: b.fat_percent = v; break;
        case Metric::water: b.water_percent = v; break;
        case Metric::muscle_percent: muscle_percent = v; break;
        case Metric::lbm: b.lean_body_mass_kg = v; break;
        case Metric::bone: b.bone_kg = v; break;
        case Metric::visceral: b.visceral_fat = v; break;
        case Metric::bmr: b.bmr_kcal = v; break;
      }
    }
    if (bad) continue;
    if (row.weight_kg <= 0) {
      skip("no weight");
      continue;
    }
    if (row.weight_kg < 5 || row.weight_kg > 500) {
      skip(number(row.weight_kg, 3) + " kg is not a person's weight");
      continue;
    }
    if (muscle_percent) row.metrics.muscle_kg = *muscle_percent / 100 * row.weight_kg;
    parsed.rows.push_back(std::move(row));
  }
  return parsed;
}

}  // namespace declouder::openscale
