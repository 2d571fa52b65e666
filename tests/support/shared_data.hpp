// Third-party reference files (provider feeds, MaxMind's test databases, the SARIF schema and
// the JUnit XSD) are never committed: the tests read them from `../shared/` beside the checkout
// (CI has it there), from $RESIDENCY_SHARED_DIR when set, or from build/shared/ where
// scripts/fetch-reference-files.sh fetched them (geoip/sources.yaml lists each with its sha256). A test that needs one
// and cannot find it FAILS and names the path; it never skips.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace test_support {

// The shared reference folder: $RESIDENCY_SHARED_DIR, else <source dir>/../shared, else (when
// there is no ../shared) build/shared/, where scripts/fetch-reference-files.sh fetches the files.
inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("RESIDENCY_SHARED_DIR"); env != nullptr && *env != '\0') return env;
  const std::filesystem::path beside = std::filesystem::path(RESIDENCY_SOURCE_DIR).parent_path() / "shared";
  std::error_code ec;
  if (std::filesystem::is_directory(beside, ec)) return beside;
  return std::filesystem::path(RESIDENCY_SOURCE_DIR) / "build" / "shared";
}

// Return shared_dir()/relative, failing the test (naming the path) when it does not exist.
inline std::filesystem::path shared_file(const std::string& relative) {
  const std::filesystem::path path = (shared_dir() / relative).lexically_normal();
  if (!std::filesystem::exists(path)) {
    FAIL("missing third-party reference file " << path.string()
                                               << " (put the shared data set beside the checkout as ../shared, or set "
                                                  "RESIDENCY_SHARED_DIR)");
  }
  return path;
}

}  // namespace test_support
