#include "app/store_session.hpp"

#include <cstdio>
#include <filesystem>

#include "app/cli.hpp"

namespace declouder {

StoreSession open_store(const std::optional<std::string>& config_option,
                        const std::optional<std::string>& database_option) {
  StoreSession s;
  try {
    s.config = load_command_config(config_option);
  } catch (const ConfigError& e) {
    throw CommandError(e.what());
  }
  for (const auto& w : s.config.warnings) std::fprintf(stderr, "declouder: warning: %s\n", w.c_str());
  const std::string path = database_path(database_option, s.config);
  std::error_code ec;
  const auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && path != ":memory:") std::filesystem::create_directories(dir, ec);
  try {
    s.database = std::make_unique<Database>(path);
    s.recorder = std::make_unique<Recorder>(*s.database, s.config.recorder);
    // Without a config file the people stored earlier remain the ones known.
    if (!s.config.path.empty()) s.recorder->sync_people(s.config.people);
  } catch (const DatabaseError& e) {
    throw CommandError(e.what());
  }
  return s;
}

}  // namespace declouder
