#include "store/database.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/private_files.hpp"
#include "store/migrations.hpp"

namespace declouder {

std::string database_fault(int code, const char* message) {
  const std::string m = message ? message : "";
  switch (code & 0xFF) {  // the primary code (sqlite.org/rescode.html)
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "the database is locked by another program (another declouder, a backup, an open sqlite3 shell?)";
    case SQLITE_FULL: return "the disk is full (free some space)";
    case SQLITE_READONLY: return "the file is read-only (check its permissions, and its directory's: SQLite writes -wal and -shm beside it)";
    case SQLITE_PERM: return "permission denied";
    case SQLITE_NOTADB: return "the file is not an SQLite database (is --database or [database] path the right file?)";
    case SQLITE_CORRUPT: return "the database file is damaged (restore a backup, or try `sqlite3 FILE .recover`)";
    case SQLITE_IOERR: return "an input/output error (a failing or removed disk?): " + m;
    case SQLITE_CANTOPEN: return "cannot open the file (does its directory exist, may this user write there?)";
    case SQLITE_NOMEM: return "out of memory";
    default: return m.empty() ? "SQLite error " + std::to_string(code) : m;
  }
}

namespace {
std::string file_of(sqlite3* db) {
  const char* f = db ? sqlite3_db_filename(db, "main") : nullptr;
  return f && *f ? f : ":memory:";
}

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  const int code = db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
  throw DatabaseError("database " + file_of(db) + ": " + database_fault(code, db ? sqlite3_errmsg(db) : nullptr) +
                          " while " + std::string(what),
                      code);
}

// What a statement was doing, for a message: its first words ("INSERT INTO readings").
std::string doing(std::string_view sql) {
  std::string s(sql.substr(0, 200));
  for (char& c : s)
    if (c == '\n' || c == '\t') c = ' ';
  const auto start = s.find_first_not_of(' ');
  if (start == std::string::npos) return "running SQL";
  s = s.substr(start);
  std::size_t words = 0, i = 0;
  for (; i < s.size(); ++i)
    if (s[i] == ' ' && (i == 0 || s[i - 1] != ' ') && ++words == 3) break;
  return "running " + s.substr(0, i);
}
}  // namespace

// ---- Statement ----

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
    fail(db, "preparing " + doing(sql).substr(8));
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }

Statement& Statement::bind(int i, std::int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail(db_, "bind");
  return *this;
}
Statement& Statement::bind(int i, double v) {
  if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) fail(db_, "bind");
  return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
  if (sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_, "bind");
  return *this;
}
Statement& Statement::bind(int i, ByteView v) {
  if (sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_, "bind");
  return *this;
}
Statement& Statement::bind_null(int i) {
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, doing(sqlite3_sql(stmt_)));
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
std::int64_t Statement::int64(int c) const { return sqlite3_column_int64(stmt_, c); }
double Statement::real(int c) const { return sqlite3_column_double(stmt_, c); }
std::string Statement::text(int c) const {
  auto p = sqlite3_column_text(stmt_, c);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c)))
           : std::string();
}
Bytes Statement::blob(int c) const {
  auto p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, c));
  return p ? Bytes(p, p + sqlite3_column_bytes(stmt_, c)) : Bytes();
}
std::optional<std::int64_t> Statement::opt_int64(int c) const {
  if (is_null(c)) return std::nullopt;
  return int64(c);
}
std::optional<double> Statement::opt_real(int c) const {
  if (is_null(c)) return std::nullopt;
  return real(c);
}
std::optional<std::string> Statement::opt_text(int c) const {
  if (is_null(c)) return std::nullopt;
  return text(c);
}

// ---- Database ----

Database::Database(const std::string& path) : path_(path) {
  // Health data: the file is made 0600 before SQLite opens it, and SQLite gives
  // its -wal and -shm the same mode. A failure here is SQLite's to report.
  if (!path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0) {
    try {
      create_private_file(path);
    } catch (const std::exception&) {
    }
  }
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const int code = db_ ? sqlite3_extended_errcode(db_) : SQLITE_NOMEM;
    std::string msg = "database " + path + ": " + database_fault(code, db_ ? sqlite3_errmsg(db_) : nullptr) +
                      " while opening it";
    sqlite3_close(db_);
    db_ = nullptr;
    throw DatabaseError(msg, code);
  }
  sqlite3_busy_timeout(db_, 5000);  // several processes (gateway, CLI) may share the file
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec("PRAGMA foreign_keys=ON");
  migrate();
}

Database::~Database() { sqlite3_close(db_); }

void Database::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const int code = sqlite3_extended_errcode(db_);
    std::string msg = database_fault(code, err);
    sqlite3_free(err);
    throw DatabaseError("database " + path_ + ": " + msg + " while " + doing(s), code);
  }
}

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

std::vector<std::string> Database::applied_migrations() {
  std::vector<std::string> out;
  auto st = prepare("SELECT name FROM schema_migrations ORDER BY name");
  while (st.step()) out.push_back(st.text(0));
  return out;
}

void Database::migrate() {
  exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
  for (const std::string& applied : applied_migrations()) {
    const auto known = all_migrations();
    if (std::none_of(known.begin(), known.end(), [&](const Migration& m) { return applied == m.name; }))
      newer_.push_back(applied);
  }
  for (const Migration& m : all_migrations()) {
    auto check = prepare("SELECT 1 FROM schema_migrations WHERE name = ?");
    check.bind(1, m.name);
    if (check.step()) continue;
    Transaction tx(*this);
    exec(m.sql);
    prepare("INSERT INTO schema_migrations(name, applied_at) VALUES (?, strftime('%s','now'))").bind(1, m.name).run();
    tx.commit();
  }
}

Database::Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
Database::Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
    }
  }
}
void Database::Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace declouder
