// geo::locate_databases: which .mmdb files a command uses (--geoip flags, then RESIDENCY_GEOIP,
// then default folders). The caller passes the candidates; lib/geo knows nothing of the app.
#pragma once

#include "core/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace geo {

struct LocateInput {
  std::vector<std::filesystem::path> explicit_paths;   // --geoip PATH… (files or folders)
  std::optional<std::string> env_value;                // RESIDENCY_GEOIP, when set and non-empty
  std::vector<std::filesystem::path> default_folders;  // tried in order; the first with *.mmdb wins
};

struct Located {
  std::vector<std::filesystem::path> files;  // empty when nothing was found
  std::string origin;                        // "--geoip", "RESIDENCY_GEOIP" or the default folder
  std::vector<std::string> looked_in;        // every place tried, for the "not found" message
};

// Return the *.mmdb files of `folder`, sorted by name (an unreadable folder is an error).
core::Result<std::vector<std::filesystem::path>> mmdb_files_in(const std::filesystem::path& folder);

// Resolve the databases to open: a folder means every *.mmdb in it, sorted by name; an explicit
// path that does not exist is kept as a file so that opening it names it in the error.
core::Result<Located> locate_databases(const LocateInput& input);

}  // namespace geo
