// Schema migrations: the one ordered list that builds the database (store/schema.cpp).
// Database::open runs those not yet applied, in list order, each once; names carry a
// number prefix that groups them by what owns the tables (01xx core, 02xx wearables,
// 03xx gateway). Every table and column is documented in docs/schema.md.
#pragma once

#include <span>

namespace declouder {

struct Migration {
  const char* name;
  const char* sql;
};

// Every migration, in the order they run.
std::span<const Migration> all_migrations();

}  // namespace declouder
