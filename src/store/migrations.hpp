// Schema migrations, registered by the code that owns the tables.
//
//   static const MigrationRegistration m{{"0100_readings", R"sql( CREATE TABLE ... )sql"}};
//
// Names sort in the order they must run; the number prefix groups them by owner:
//   01xx devices, readings, people, measurements (store/schema.cpp)
//   02xx wearables: armband channels, band activity
//   03xx gateway: the MQTT outbox and device ownership
// Every table and column is documented in docs/schema.md.
#pragma once

#include <span>

namespace declouder {

struct Migration {
  const char* name;
  const char* sql;
};

struct MigrationRegistration {
  explicit MigrationRegistration(Migration m);
};

// All registered migrations, sorted by name.
std::span<const Migration> all_migrations();

}  // namespace declouder
