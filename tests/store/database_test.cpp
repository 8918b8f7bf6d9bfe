// The database file itself: what a person sees when it is not what declouder
// expects (written by a newer declouder, not a database at all), and its mode.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "store/database.hpp"

using namespace declouder;
namespace fs = std::filesystem;

namespace {
fs::path scratch(const char* name) {
  fs::path p = fs::temp_directory_path() / ("declouder-db-" + std::to_string(::getpid()) + "-" + name);
  fs::remove(p);
  fs::remove(p.string() + "-wal");
  fs::remove(p.string() + "-shm");
  return p;
}
}  // namespace

TEST(Database, ANewerDeclouderSMigrationsAreNamedNotIgnored) {
  const fs::path p = scratch("newer.db");
  {
    Database db(p.string());
    EXPECT_TRUE(db.newer_migrations().empty());
    db.exec("INSERT INTO schema_migrations(name, applied_at) VALUES ('9901_from_the_future', 0)");
  }
  Database again(p.string());
  EXPECT_EQ(again.newer_migrations(), std::vector<std::string>{"9901_from_the_future"});
  fs::remove(p);
}

TEST(Database, ErrorsNameTheFileTheFaultAndWhatWasBeingDone) {
  const fs::path p = scratch("notes.txt");
  std::ofstream(p) << "shopping: milk, eggs\n";
  try {
    Database db(p.string());
    ADD_FAILURE() << "a text file opened as a database";
  } catch (const DatabaseError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("database " + p.string() + ": the file is not an SQLite database", 0), 0u) << what;
    EXPECT_NE(what.find(" while running PRAGMA"), std::string::npos) << what;
    EXPECT_EQ(e.code & 0xFF, 26);  // SQLITE_NOTADB
  }
  fs::remove(p);
}

TEST(Database, TheFileIsItsOwnersOnlyWhateverTheUmask) {
  const fs::path p = scratch("private.db");
  const mode_t old = ::umask(0);
  {
    Database db(p.string());
    db.exec("CREATE TABLE t(x)");
    struct stat st {};
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat((p.string() + "-wal").c_str(), &st), 0);  // SQLite gives it the database's mode
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  ::umask(old);
  fs::remove(p);
}
