// The export writers and the openScale reader, byte by byte where the format fixes them.
#include <gtest/gtest.h>

#include <cstdlib>

#include "exports/fit.hpp"
#include "exports/measurement_files.hpp"
#include "exports/openscale_csv.hpp"

using namespace declouder;

namespace {

Measurement sample() {
  Measurement m;
  m.id = 7;
  m.uid = "0123456789abcdef";
  m.person = "alice";
  m.model = "xiaomi-mi-scale-2";
  m.time_us = unix_from_civil({2025, 3, 1, 6, 30, 0}) * 1000000LL;
  m.weight_kg = 61.45;
  m.metrics.bmi = 22.57;
  m.metrics.fat_percent = 27.31;
  m.metrics.muscle_kg = 42.1;
  m.metrics.visceral_fat = 5.4;
  m.metrics.bmr_kcal = 1290.6;
  return m;
}

std::uint16_t u16(const Bytes& b, std::size_t at) { return static_cast<std::uint16_t>(b[at] | b[at + 1] << 8); }

}  // namespace

TEST(Fit, CrcIsCrc16Arc) {
  // The CRC-16/ARC check value of "123456789".
  const std::string s = "123456789";
  EXPECT_EQ(fit::crc16(ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size())), 0xBB3D);
}

TEST(Fit, HeaderSizesAndCrcsHold) {
  Measurement m = sample();
  Bytes f = fit::weight_file(std::span<const Measurement>(&m, 1), 1740000000);
  ASSERT_GE(f.size(), 16u);
  EXPECT_EQ(f[0], 14);
  EXPECT_EQ(std::string(f.begin() + 8, f.begin() + 12), ".FIT");
  const std::uint32_t data = f[4] | f[5] << 8 | f[6] << 16 | static_cast<std::uint32_t>(f[7]) << 24;
  EXPECT_EQ(f.size(), 14 + data + 2);
  EXPECT_EQ(u16(f, 12), fit::crc16(ByteView(f.data(), 12)));
  // The CRC over the whole file, its own CRC included, is 0.
  EXPECT_EQ(fit::crc16(ByteView(f.data(), f.size())), 0);
}

TEST(Fit, WeightScaleFieldsAreScaledAndMissingOnesInvalid) {
  Measurement m = sample();
  Bytes f = fit::weight_file(std::span<const Measurement>(&m, 1), 1740000000);
  // The last data message: header 1, then the fields in definition order.
  const std::size_t at = f.size() - 2 - 21;
  ASSERT_EQ(f[at], 1);
  const std::uint32_t ts = f[at + 1] | f[at + 2] << 8 | f[at + 3] << 16 | static_cast<std::uint32_t>(f[at + 4]) << 24;
  EXPECT_EQ(ts + fit::kFitEpochUnixSeconds, m.time_us / 1000000);
  EXPECT_EQ(u16(f, at + 5), 6145);     // weight * 100
  EXPECT_EQ(u16(f, at + 7), 2731);     // percent_fat * 100
  EXPECT_EQ(u16(f, at + 9), 0xFFFF);   // percent_hydration: not computed
  EXPECT_EQ(u16(f, at + 11), 0xFFFF);  // bone_mass: not computed
  EXPECT_EQ(u16(f, at + 13), 4210);    // muscle_mass * 100
  EXPECT_EQ(u16(f, at + 15), 5162);    // basal_met * 4
  EXPECT_EQ(f[at + 17], 0xFF);         // metabolic_age: not computed
  EXPECT_EQ(f[at + 18], 5);            // visceral_fat_rating
  EXPECT_EQ(u16(f, at + 19), 226);     // bmi * 10
}

TEST(OpenScale, WritesThe3xColumnsInLocalTime) {
  setenv("TZ", "Europe/Berlin", 1);
  tzset();
  Measurement m = sample();
  std::string csv = openscale::write_csv(std::span<const Measurement>(&m, 1));
  EXPECT_EQ(csv,
            "DATE,TIME,BMI,BMR,BODY_FAT,BONE,LBM,MUSCLE,VISCERAL_FAT,WATER,WEIGHT\n"
            "2025-03-01,07:30:00,22.57,1291,27.31,,,68.511,5.4,,61.45\n");
  auto back = openscale::parse_csv(csv);
  ASSERT_EQ(back.rows.size(), 1u);
  EXPECT_EQ(back.rows[0].time_us, m.time_us);
  EXPECT_DOUBLE_EQ(back.rows[0].weight_kg, 61.45);
  EXPECT_NEAR(*back.rows[0].metrics.muscle_kg, 42.1, 0.001);
  EXPECT_FALSE(back.rows[0].metrics.water_percent);
  setenv("TZ", "UTC", 1);
  tzset();
}

TEST(OpenScale, Reads2xColumnsQuotesAndSaysWhatItSkips) {
  setenv("TZ", "UTC", 1);
  tzset();
  auto p = openscale::parse_csv(
      "\xEF\xBB\xBF\"dateTime\",\"weight\",\"fat\",\"comment\"\r\n"
      "\"2018-01-02 07:05\",\"80.5\",\"21.0\",\"after, a run\"\r\n"
      "\"2018-01-03 07:05\",\"abc\",\"\",\"\"\r\n"
      "\"2018-01-04 07:05\",\"3.0\",\"\",\"the cat\"\r\n");
  EXPECT_EQ(p.columns, openscale::Parsed::Columns::v2);
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].time_us, unix_from_civil({2018, 1, 2, 7, 5, 0}) * 1000000LL);
  EXPECT_DOUBLE_EQ(*p.rows[0].metrics.fat_percent, 21.0);
  ASSERT_EQ(p.skipped.size(), 2u);
  EXPECT_EQ(p.skipped[0], "line 3: 'abc' in column weight is not a number");
  EXPECT_EQ(p.skipped[1], "line 4: 3 kg is not a person's weight");
  EXPECT_THROW(openscale::parse_csv(""), openscale::FormatError);
  EXPECT_THROW(openscale::parse_csv("a,b\n1,2\n"), openscale::FormatError);
  EXPECT_THROW(openscale::parse_csv("DATE,TIME,BMI\n2020-01-01,07:00,22\n"), openscale::FormatError);
  // No TIME column: noon, as openScale does.
  auto noon = openscale::parse_csv("date,weight\n2020-01-01,70\n");
  ASSERT_EQ(noon.rows.size(), 1u);
  EXPECT_EQ(noon.rows[0].time_us, unix_from_civil({2020, 1, 1, 12, 0, 0}) * 1000000LL);
}

TEST(MeasurementFiles, CsvHasEveryMetricColumnAndJsonIsAnArray) {
  Measurement m = sample();
  std::vector<ExportedMeasurement> rows{{m, WeightUnit::lb}};
  std::string csv = measurements_csv(rows);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "id,uid,person,measured_at,model,address,weight_kg,weight,unit,impedance_ohm,bmi,fat_percent,"
            "water_percent,muscle_kg,bone_kg,visceral_fat,bmr_kcal,metabolic_age,lean_body_mass_kg,"
            "protein_percent,ideal_weight_kg,body_type,impedance_low_ohm,impedance_high_ohm,heart_rate_bpm,profile_id");
  EXPECT_NE(csv.find("7,0123456789abcdef,alice,2025-03-01T06:30:00Z,xiaomi-mi-scale-2,,61.450,135.47,lb,,22.57,27.31,,42.10,"),
            std::string::npos)
      << csv;
  // A dual-frequency scale's values fill the last four columns.
  m.impedance_low_ohm = 543.24;
  m.impedance_high_ohm = 497.6;
  m.heart_rate_bpm = 92;
  m.profile_id = 1;
  std::vector<ExportedMeasurement> s400{{m, WeightUnit::kg}};
  csv = measurements_csv(s400);
  EXPECT_NE(csv.find(",543.2,497.6,92,1\n"), std::string::npos) << csv;
  EXPECT_EQ(measurements_json({}), "[]\n");
  std::string json = measurements_json(rows);
  EXPECT_EQ(json.rfind("[\n{\"id\":7,", 0), 0u) << json;
}
