// What every command that touches the database does first: read the config
// (--config, or the default file), open the database (--database, [database]
// path, or the default; its directory is created), mirror the configured
// people into it, and hand back a ready Recorder. Config warnings go to stderr.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "app/config.hpp"
#include "store/database.hpp"
#include "store/recorder.hpp"

namespace declouder {

struct StoreSession {
  Config config;
  std::unique_ptr<Database> database;
  std::unique_ptr<Recorder> recorder;
};

// Throws CommandError (config or database problems), never exits.
StoreSession open_store(const std::optional<std::string>& config_option,
                        const std::optional<std::string>& database_option);

}  // namespace declouder
