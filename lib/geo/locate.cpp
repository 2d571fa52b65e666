// Database location. Explicit choices (--geoip, RESIDENCY_GEOIP) must yield databases: a named
// folder without any *.mmdb is an error. Default folders are only candidates: the first one that
// holds databases wins, and when none does the caller reports every place that was tried.
#include "geo/locate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>

namespace geo {

namespace fs = std::filesystem;

namespace {

// Expand one explicit path: a folder → its databases (at least one), anything else → itself.
core::Result<void> expand(const fs::path& path, std::vector<fs::path>& out) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    out.push_back(path);
    return {};
  }
  auto files = mmdb_files_in(path);
  if (!files) return std::unexpected(files.error());
  if (files->empty()) return core::fail(core::ErrorCode::config, "no *.mmdb database in this folder", path.string());
  out.insert(out.end(), files->begin(), files->end());
  return {};
}

}  // namespace

core::Result<std::vector<fs::path>> mmdb_files_in(const fs::path& folder) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->path().extension() == ".mmdb" && !it->is_directory(type_ec)) files.push_back(it->path());
  }
  if (ec) return core::fail(core::ErrorCode::io, fmt::format("cannot list folder: {}", ec.message()), folder.string());
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  return files;
}

core::Result<Located> locate_databases(const LocateInput& input) {
  Located out;
  if (!input.explicit_paths.empty()) {
    out.origin = "--geoip";
    for (const auto& path : input.explicit_paths) {
      if (auto ok = expand(path, out.files); !ok) return std::unexpected(ok.error());
    }
    return out;
  }
  if (input.env_value && !input.env_value->empty()) {
    out.origin = "RESIDENCY_GEOIP";
    auto ok = expand(*input.env_value, out.files);
    if (!ok) return std::unexpected(core::Error{ok.error().code, ok.error().message, "RESIDENCY_GEOIP=" + ok.error().where});
    return out;
  }
  for (const auto& folder : input.default_folders) {
    out.looked_in.push_back(folder.string());
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) continue;
    auto files = mmdb_files_in(folder);
    if (files && !files->empty()) {
      out.files = std::move(*files);
      out.origin = folder.string();
      return out;
    }
  }
  return out;
}

}  // namespace geo
