// The config file: what a user writes, what it means, and the message a
// mistake gets ("FILE:LINE: what is wrong").
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app/config.hpp"

using namespace declouder;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_config(text, "test.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(Config, ReadsPeopleAssignmentAndDatabase) {
  Config c = parse_config(R"(
[database]
path = "/var/lib/declouder/d.db"

[assignment]
tolerance_kg = 2.5
tolerance_percent = 0
min_weight_kg = 8

[[person]]
name = "alice"
sex = "female"
birth_date = 1990-04-12
height_cm = 165
unit = "lb"
weight_min = 110
weight_max = 140
scale_user = 1

[[person]]
name = "bob"
sex = "male"
birth_date = "1985-11-30"
height_cm = 181.5

[mqtt]
url = "mqtt://localhost"
)",
                          "test.toml");
  EXPECT_EQ(c.database_path, "/var/lib/declouder/d.db");
  EXPECT_DOUBLE_EQ(c.recorder.assignment.tolerance_kg, 2.5);
  EXPECT_DOUBLE_EQ(c.recorder.assignment.tolerance_percent, 0);
  EXPECT_DOUBLE_EQ(c.recorder.min_weight_kg, 8);
  ASSERT_EQ(c.people.size(), 2u);
  const Person& a = c.people[0];
  EXPECT_EQ(a.name, "alice");
  EXPECT_EQ(a.sex, Sex::female);
  EXPECT_EQ(a.birth_date, (CivilTime{1990, 4, 12, 0, 0, 0}));
  EXPECT_EQ(a.unit, WeightUnit::lb);
  EXPECT_NEAR(*a.weight_min_kg, 110 * 0.45359237, 1e-9);  // the window is in the person's unit
  EXPECT_NEAR(*a.weight_max_kg, 140 * 0.45359237, 1e-9);
  EXPECT_EQ(a.scale_user, 1);
  EXPECT_EQ(c.people[1].birth_date, (CivilTime{1985, 11, 30, 0, 0, 0}));
  EXPECT_EQ(c.people[1].unit, WeightUnit::kg);
  EXPECT_FALSE(c.people[1].has_window());
  // The gateway's sections are read here too (tests/app/gateway_config_test.cpp), and not warned about.
  EXPECT_EQ(c.gateway.mqtt.url, "mqtt://localhost");
  EXPECT_TRUE(c.warnings.empty());
}

TEST(Config, StonesAndJinWindowsAreConverted) {
  Config c = parse_config(R"(
[[person]]
name = "st"
sex = "m"
birth_date = 1970-01-01
height_cm = 170
unit = "st"
weight_min = 10
[[person]]
name = "jin"
sex = "f"
birth_date = 1970-01-01
height_cm = 160
unit = "jin"
weight_max = 120
)",
                          "t.toml");
  EXPECT_NEAR(*c.people[0].weight_min_kg, 63.5029318, 1e-6);
  EXPECT_DOUBLE_EQ(*c.people[1].weight_max_kg, 60.0);
}

TEST(Config, MistakesSayFileLineAndWhat) {
  EXPECT_EQ(error_of("[[person]]\nname = \"a\"\nsex = \"x\"\nbirth_date = 1990-01-01\nheight_cm = 170\n"),
            "test.toml:3: person 'a': sex must be \"male\" or \"female\", not \"x\"");
  EXPECT_EQ(error_of("[[person]]\nname = \"a\"\nsex = \"male\"\nbirth_date = 1990-01-01\nheight_cm = 17000\n"),
            "test.toml:5: person 'a': height_cm = 17000 is outside 50..250");
  EXPECT_EQ(error_of("[[person]]\nname = \"a\"\nsex = \"male\"\nbirth_date = 1990-01-01\nhieght_cm = 170\n"),
            "test.toml:5: unknown key 'hieght_cm' in [[person]] 'a' (known: name, id, sex, birth_date, height_cm, unit, "
            "weight_min, weight_max, scale_user, profile_id, goal_weight)");
  EXPECT_NE(error_of("[[person]]\nname = \"a\"\nsex = \"male\"\nheight_cm = 170\n").find("test.toml:1: "),
            std::string::npos);
  EXPECT_NE(error_of("[[person]]\nname = \"a\"\nsex = \"male\"\nbirth_date = 1990-02-30\nheight_cm = 170\n")
                .find("test.toml:4:"),
            std::string::npos);
  EXPECT_NE(error_of("[[person]]\nname=\"a\"\nsex=\"male\"\nbirth_date=\"1990-01-01\"\nheight_cm=170\nunit=\"stone\"\n")
                .find("test.toml:6: person 'a': unit must be kg, lb, st or jin"),
            std::string::npos);
  // Broken TOML: the parser's own message, with the line.
  EXPECT_EQ(error_of("[database]\npath = \"unterminated\n").rfind("test.toml:2: ", 0), 0u);
  // Two people with one name, one slot for two people, a window upside down.
  const char* two = "[[person]]\nname=\"a\"\nsex=\"male\"\nbirth_date=1990-01-01\nheight_cm=170\nscale_user=1\n";
  EXPECT_NE(error_of(std::string(two) + two).find("test.toml:8: person 'a' is configured twice"), std::string::npos);
  EXPECT_NE(error_of(std::string(two) + "[[person]]\nname=\"b\"\nsex=\"male\"\nbirth_date=1990-01-01\nheight_cm=170\n"
                                        "scale_user=1\n")
                .find("scale_user 1 already belongs to 'a'"),
            std::string::npos);
  // A scale's profile: 1..255 (0 is "nobody recognised"), one person's.
  const char* ana = "[[person]]\nname=\"a\"\nsex=\"male\"\nbirth_date=1990-01-01\nheight_cm=170\nprofile_id=1\n";
  EXPECT_EQ(parse_config(ana, "test.toml").people.at(0).profile_id, 1);
  EXPECT_NE(error_of(std::string(ana) + "[[person]]\nname=\"b\"\nsex=\"male\"\nbirth_date=1990-01-01\nheight_cm=170\n"
                                        "profile_id=1\n")
                .find("test.toml:12: person 'b': profile_id 1 already belongs to 'a'"),
            std::string::npos);
  EXPECT_NE(error_of("[[person]]\nname=\"a\"\nsex=\"male\"\nbirth_date=1990-01-01\nheight_cm=170\nprofile_id=0\n")
                .find("test.toml:6: person 'a': profile_id must be a whole number 1..255"),
            std::string::npos);
  EXPECT_NE(error_of("[[person]]\nname=\"a\"\nsex=\"male\"\nbirth_date=1990-01-01\nheight_cm=170\nweight_min=90\n"
                     "weight_max=80\n")
                .find("test.toml:7: person 'a': weight_max is below weight_min"),
            std::string::npos);
  EXPECT_NE(error_of("[person]\nname=\"a\"\n").find("double brackets"), std::string::npos);
  EXPECT_NE(error_of("[assignment]\ntolerance_kg = \"three\"\n").find("test.toml:2: [assignment] tolerance_kg must be a number"),
            std::string::npos);
}

namespace {
std::string person(const std::string& name, const std::string& extra = "") {
  return "[[person]]\nname = \"" + name + "\"\nsex = \"female\"\nbirth_date = 1990-01-01\nheight_cm = 170\n" + extra;
}
}  // namespace

TEST(Config, PeopleGetIdsFromTheConfigOrTheirName) {
  Config c = parse_config(person("Zoë") + person("Anne-Marie", "id = \"am\"\n") + person("王芳"), "t.toml");
  ASSERT_EQ(c.people.size(), 3u);
  EXPECT_EQ(c.people[0].id, "zoe");
  EXPECT_EQ(c.people[1].id, "am");
  EXPECT_EQ(c.people[2].id, person_id_from_name("王芳"));
  EXPECT_EQ(c.people[2].id.rfind("person_", 0), 0u);
}

TEST(Config, TwoPeopleWhoseIdsCollideAreRefusedNamingBoth) {
  // Each pair would share one Home Assistant entity: their weighings merged.
  EXPECT_EQ(error_of(person("Zoë") + person("Zoé")),
            "test.toml:7: person 'Zoé' gets the id 'zoe', as does person 'Zoë' (test.toml:2): give one of them its own "
            "id = \"...\" (a-z, 0-9, _)");
  EXPECT_NE(error_of(person("Bob Smith") + person("bob_smith")).find("test.toml:7: person 'bob_smith' gets the id 'bob_smith', as does person 'Bob Smith' (test.toml:2)"),
            std::string::npos);
  EXPECT_NE(error_of(person("Ann") + person("ann")).find("'ann'"), std::string::npos);
  // An explicit id that takes another's derived one: the line of the id.
  EXPECT_NE(error_of(person("Ann") + person("Bea", "id = \"ann\"\n")).find("test.toml:11: person 'Bea' has the id 'ann', as does person 'Ann' (test.toml:2)"),
            std::string::npos);
  // Two names with no letters differ by their hashes; an id settles a collision.
  EXPECT_EQ(parse_config(person("王芳") + person("李娜"), "t.toml").people.size(), 2u);
  EXPECT_EQ(parse_config(person("Zoë") + person("Zoé", "id = \"zoe_b\"\n"), "t.toml").people[1].id, "zoe_b");
}

TEST(Config, AnIdMustBeTopicSafe) {
  EXPECT_EQ(error_of(person("Ann", "id = \"a/b\"\n")),
            "test.toml:6: person 'Ann': id \"a/b\" must be 1..64 characters of a-z, 0-9 and _ (it names MQTT topics and "
            "Home Assistant entities)");
  EXPECT_NE(error_of(person("Ann", "id = \"Ann\"\n")).find("test.toml:6: person 'Ann': id \"Ann\" must be"), std::string::npos);
  EXPECT_NE(error_of(person("Ann", "id = \"\"\n")).find("test.toml:6:"), std::string::npos);
  EXPECT_NE(error_of(person("Ann", "id = 7\n")).find("test.toml:6: person 'Ann': id must be a string"), std::string::npos);
  // A value pasted by mistake is not echoed whole.
  const std::string error = error_of(person("Ann", "id = \"" + std::string(100000, 'x') + "\"\n"));
  EXPECT_LT(error.size(), 300u);
}

TEST(Config, NumbersThatAreNoQuantityAreRefusedWithTheirLine) {
  // TOML has nan and inf; a duration, a level or an index is neither.
  Config c = parse_config("[gateway]\nsettle_seconds = nan\n", "t.toml");
  ASSERT_TRUE(c.gateway_error);
  EXPECT_EQ(*c.gateway_error, "t.toml:2: [gateway] settle_seconds = nan is outside 0..3600");
  c = parse_config("[gateway]\nstandby_seconds = inf\n", "t.toml");
  EXPECT_EQ(c.gateway_error.value_or(""), "t.toml:2: [gateway] standby_seconds = inf is outside 0..3600");
  c = parse_config("[gateway]\nswitch_db = -inf\n", "t.toml");
  EXPECT_EQ(c.gateway_error.value_or(""), "t.toml:2: [gateway] switch_db = -inf is outside 0..100");
  c = parse_config("[domoticz]\n[[domoticz.sensor]]\nidx = 99999999999\nmetric = \"weight_kg\"\n", "t.toml");
  EXPECT_EQ(c.gateway_error.value_or(""), "t.toml:3: [[domoticz.sensor]] idx = 99999999999 is outside 0..2147483647");
  c = parse_config("[gateway]\nid = \"a/b\"\n", "t.toml");
  EXPECT_EQ(c.gateway_error.value_or(""),
            "t.toml:2: [gateway] id \"a/b\" must be a name without / + or # (it is an MQTT topic level)");
  EXPECT_EQ(error_of("[assignment]\nmax_weight_kg = 20\n"), "test.toml:2: [assignment] max_weight_kg = 20 is outside 50..1000");
  EXPECT_EQ(parse_config("[assignment]\nmax_weight_kg = 400\n", "t.toml").recorder.max_weight_kg, 400);
}

TEST(Config, AByteOrderMarkIsNotAMistake) {
  Config c = parse_config("\xEF\xBB\xBF" + person("Ann"), "t.toml");
  ASSERT_EQ(c.people.size(), 1u);
  EXPECT_EQ(c.people[0].name, "Ann");
}

TEST(Config, TheMqttPasswordMayComeFromAFile) {
  Config c = parse_config("[mqtt]\nurl = \"mqtt://h\"\nusername = \"u\"\npassword_file = \"secret\"\n", "t.toml");
  ASSERT_FALSE(c.gateway_error) << *c.gateway_error;
  EXPECT_EQ(c.gateway.mqtt.password_file.value_or(""), "secret");
  c = parse_config("[mqtt]\npassword = \"p\"\npassword_file = \"secret\"\n", "t.toml");
  EXPECT_EQ(c.gateway_error.value_or(""), "t.toml:3: [mqtt] has password and password_file: give one");
}

TEST(Config, AConfigOthersMayReadThatHoldsAPasswordIsWarnedAbout) {
  const std::filesystem::path dir = std::filesystem::path(testing::TempDir()).lexically_normal();
  const std::string path = (dir / "declouder-password.toml").string();
  std::ofstream(path) << "[mqtt]\nurl = \"mqtt://h\"\nusername = \"u\"\npassword = \"p\"\n";
  std::filesystem::permissions(path, std::filesystem::perms(0644));
  Config c = load_config(path);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("holds the MQTT password ([mqtt] password) and other users may read it (mode 0644)"),
            std::string::npos);
  std::filesystem::permissions(path, std::filesystem::perms(0600));
  EXPECT_TRUE(load_config(path).warnings.empty());
  // password_file is relative to the config file.
  std::ofstream(path) << "[mqtt]\npassword_file = \"pw.txt\"\n";
  EXPECT_EQ(load_config(path).gateway.mqtt.password_file.value_or(""), (dir / "pw.txt").string());
  std::filesystem::remove(path);
  // A directory is not an empty config.
  try {
    load_config(testing::TempDir());
    ADD_FAILURE() << "a directory was read as a config";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory, not a config file"), std::string::npos);
  }
}

TEST(Config, UnknownSectionsAreWarningsNotErrors) {
  Config c = parse_config("[persn]\nname = \"typo\"\n", "t.toml");
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0], "t.toml:1: unknown section [persn] (ignored)");
}

TEST(Config, ASectionNothingReadsIsNotSilentlyAccepted) {
  // Nothing reads [bluetooth] or [influxdb]: a person writing one must hear that it does nothing.
  Config c = parse_config("[bluetooth]\nadapter = \"hci1\"\n[influxdb]\nurl = \"http://nas:8086\"\n", "t.toml");
  ASSERT_EQ(c.warnings.size(), 2u);
  EXPECT_EQ(c.warnings[0], "t.toml:1: unknown section [bluetooth] (ignored)");
  EXPECT_EQ(c.warnings[1], "t.toml:3: unknown section [influxdb] (ignored)");
}

TEST(Config, WebSectionIsReadAndItsMistakesStopOnlyTheWebPage) {
  Config c = parse_config("[web]\nlisten = \"0.0.0.0:8080\"\ntoken = \"abc\"\n", "t.toml");
  EXPECT_TRUE(c.warnings.empty());
  const WebSettings& w = web_settings(c);
  EXPECT_TRUE(w.configured);
  EXPECT_TRUE(w.enabled);
  EXPECT_EQ(w.listen, "0.0.0.0:8080");
  EXPECT_EQ(w.token, "abc");
  EXPECT_FALSE(web_refusal(w));
  // Beyond loopback without a token: refused, and the refusal says what to do.
  Config open = parse_config("[web]\nlisten = \"0.0.0.0:8080\"\n", "t.toml");
  auto why = web_refusal(web_settings(open));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("[web] token"), std::string::npos) << *why;
  EXPECT_FALSE(web_refusal(web_settings(parse_config("[web]\nlisten = \"[::1]:9000\"\n", "t.toml"))));
  // A mistake in [web] is the web page's: other commands still read the file.
  Config bad = parse_config("[web]\nlisten = \"everywhere\"\n[[person]]\nname=\"a\"\nsex=\"male\"\n"
                            "birth_date=1990-01-01\nheight_cm=170\ngoal_weight=150\nunit=\"lb\"\n", "t.toml");
  ASSERT_EQ(bad.people.size(), 1u);
  EXPECT_NEAR(*bad.people[0].goal_weight_kg, 68.0389, 1e-3);  // in the person's unit
  try {
    web_settings(bad);
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "t.toml:2: [web] listen must be ADDRESS:PORT, like 127.0.0.1:8080");
  }
  Config both = parse_config("[web]\ntoken = \"a\"\npassword = \"b\"\n", "t.toml");
  EXPECT_THROW(web_settings(both), ConfigError);
}

TEST(Config, PathsAndDefaults) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("declouder-config-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream(dir / "config.toml") << "[database]\npath = \"data/d.db\"\n";
  }
  Config c = load_config((dir / "config.toml").string());
  EXPECT_EQ(c.database_path, (dir / "data/d.db").string());  // relative to the config file
  EXPECT_EQ(database_path(std::string("/tmp/x.db"), c), "/tmp/x.db");  // --database wins
  EXPECT_EQ(database_path(std::nullopt, c), (dir / "data/d.db").string());

  setenv("XDG_DATA_HOME", "/srv/data", 1);
  EXPECT_EQ(default_database_path(), "/srv/data/declouder/declouder.db");
  unsetenv("XDG_DATA_HOME");
  const std::string saved_home = std::getenv("HOME") ? std::getenv("HOME") : "";
  setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(default_database_path(), "/home/someone/.local/share/declouder/declouder.db");
  EXPECT_EQ(database_path(std::nullopt, Config{}), "/home/someone/.local/share/declouder/declouder.db");
  setenv("HOME", saved_home.c_str(), 1);

  EXPECT_THROW(load_config((dir / "missing.toml").string()), ConfigError);
  fs::remove_all(dir);
}

TEST(Config, TheExampleFileIsValid) {
  Config c = load_config(std::string(DECLOUDER_SOURCE_DIR) + "/config/example.toml");
  EXPECT_TRUE(c.warnings.empty());
  ASSERT_EQ(c.people.size(), 2u);
  EXPECT_EQ(c.people[1].unit, WeightUnit::lb);
  EXPECT_NEAR(*c.people[1].weight_max_kg, 200 * 0.45359237, 1e-9);
  ASSERT_TRUE(c.database_path);
  EXPECT_EQ(c.database_path->find('~'), std::string::npos);  // "~/" resolved
}

TEST(Config, NonAsciiOutsideQuotesIsAnErrorInsideIsFine) {
  // toml++ 3.3.0 has undefined behaviour on these; the parser must refuse them first.
  EXPECT_EQ(error_of("# Zoë's scale\n[[person]]\nZoë = 1\n"),
            "test.toml:3: a non-ASCII character outside quotes or after a backslash (names and other text go in \"quotes\")");
  EXPECT_EQ(error_of("x = 1 ë").rfind("test.toml:1: ", 0), 0u);  // a syntax error either way
  EXPECT_EQ(error_of("a = \"\\\\ë\"\nb = \"\\ë\"\n").rfind("test.toml:2: ", 0), 0u);
  Config c = parse_config(
      "# Zoë\n[[person]]\nname = \"Zoë\"\nsex = 'female' # é\nbirth_date = 1990-01-01\nheight_cm = 160\n"
      "[mqtt]\nnote = '''\nmultiline é\n'''\ntopic = \"\"\"ü \\\"q\\\" \"\"\"\n",
      "t.toml");
  ASSERT_EQ(c.people.size(), 1u);
  EXPECT_EQ(c.people[0].name, "Zoë");
}

TEST(Config, ADevicesBindkeyIsKeptByItsAddress) {
  Config c = parse_config(
      "[[device]]\naddress = \"8c:d0:b2:f6:be:ef\"\nname = \"bathroom S400\"\n"
      "bindkey = \"0728974d657a4b60964c1b1677f35f7c\"\n",
      "t.toml");
  EXPECT_TRUE(c.warnings.empty());
  ASSERT_EQ(c.device_keys.size(), 1u);
  const Bindkey* key = c.device_keys.find(*MacAddress::parse("8C:D0:B2:F6:BE:EF"));
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(to_hex(ByteView(key->data(), key->size())), "0728974d657a4b60964c1b1677f35f7c");
  EXPECT_EQ(c.device_keys.find(*MacAddress::parse("8C:D0:B2:F6:BE:EE")), nullptr);
}

TEST(Config, ADeviceWithABadAddressOrKeyIsAnErrorWithItsLine) {
  EXPECT_EQ(error_of("[[device]]\naddress = \"8c:d0\"\n"),
            "test.toml:2: [[device]] #1 address '8c:d0' is not a Bluetooth address");
  EXPECT_EQ(error_of("[[device]]\naddress = \"8c:d0:b2:f6:be:ef\"\nbindkey = \"0728\"\n"),
            "test.toml:3: [[device]] #1 bindkey must be 32 hex digits (the 16-byte key from the vendor app)");
  EXPECT_EQ(error_of("[[device]]\nbindkey = \"0728974d657a4b60964c1b1677f35f7c\"\n"),
            "test.toml:1: [[device]] #1 needs address = \"AA:BB:CC:DD:EE:FF\"");
  EXPECT_EQ(error_of("[[device]]\naddress = \"8c:d0:b2:f6:be:ef\"\nbind_key = \"00\"\n").rfind("test.toml:3: unknown key 'bind_key'", 0), 0u);
  EXPECT_EQ(error_of("[[device]]\naddress = \"8c:d0:b2:f6:be:ef\"\nbindkey = \"0728974d657a4b60964c1b1677f35f7c\"\n"
                     "[[device]]\naddress = \"8C:D0:B2:F6:BE:EF\"\nbindkey = \"0728974d657a4b60964c1b1677f35f7c\"\n"),
            "test.toml:5: device 8C:D0:B2:F6:BE:EF is configured twice");
}
