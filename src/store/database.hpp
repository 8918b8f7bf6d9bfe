// The SQLite database: one file, WAL mode, schema kept up to date by migrations.
//
// Each part of declouder that stores something owns its tables and registers
// its migrations next to its code (see store/migrations.hpp). On open, every
// migration not yet recorded in `schema_migrations` runs, in name order, each in
// its own transaction. Migrations are never edited once released: a change to
// a table is a new migration.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"

namespace declouder {

// What went wrong with the database, for the person who has to fix it:
// what() is "database FILE: FAULT (what to do) while WHAT", e.g.
// "database /var/lib/declouder/declouder.db: the disk is full (free some space)
// while storing a reading". `code` is SQLite's extended result code (0 when
// SQLite gave none).
struct DatabaseError : std::runtime_error {
  DatabaseError(const std::string& what, int code = 0) : std::runtime_error(what), code(code) {}
  int code;
};

// SQLite's result code as a fault and what to do about it: "the disk is full
// (free some space)", "the database is locked by another program (...)".
std::string database_fault(int sqlite_code, const char* sqlite_message);

// A prepared statement. Bind with 1-based indexes, step(), read columns 0-based.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;

  Statement& bind(int index, std::int64_t v);
  Statement& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
  Statement& bind(int index, double v);
  Statement& bind(int index, std::string_view v);
  Statement& bind(int index, const char* v) { return bind(index, std::string_view(v)); }
  Statement& bind(int index, ByteView v);
  Statement& bind_null(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& v) {
    return v ? bind(index, *v) : bind_null(index);
  }

  // Returns true while there is a row to read; false when done.
  bool step();
  // For statements that return no rows.
  void run() { step(); }
  void reset();

  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  Bytes blob(int col) const;
  std::optional<std::int64_t> opt_int64(int col) const;
  std::optional<double> opt_real(int col) const;
  std::optional<std::string> opt_text(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens (creating if needed, 0600) and migrates. ":memory:" works for tests.
  // A database a newer declouder migrated further is used as it is (migrations
  // only add), and newer_migrations() says which.
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  std::int64_t last_insert_id() const;
  int changes() const;
  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }

  // Names of the migrations applied, in order.
  std::vector<std::string> applied_migrations();
  // Migrations applied to this file that this declouder does not know: it was
  // written by a newer one.
  const std::vector<std::string>& newer_migrations() const { return newer_; }

  // RAII transaction: commits in commit(), rolls back if destroyed before.
  class Transaction {
   public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();

   private:
    Database& db_;
    bool done_ = false;
  };

 private:
  void migrate();
  sqlite3* db_ = nullptr;
  std::string path_;
  std::vector<std::string> newer_;
};

}  // namespace declouder
