// Helpers shared by the geo reader tests: fixture paths, scratch folders, byte-level file edits.
#pragma once

#include "core/atomic_file.hpp"
#include "support/shared_data.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace geo_test {

namespace fs = std::filesystem;

// Path of one of MaxMind's test databases (maxmind/MaxMind-DB test-data, Apache-2.0 / MIT), read
// from ../shared/data/maxmind-test-data/test-data beside the checkout; missing fails the test.
inline fs::path fixture(const std::string& name) {
  return test_support::shared_file("data/maxmind-test-data/test-data/" + name);
}

// A fresh, empty scratch folder for one test (under RESIDENCY_TEST_TMP when ctest sets it).
inline fs::path scratch(const std::string& name) {
  const char* base = std::getenv("RESIDENCY_TEST_TMP");
  fs::path dir = fs::path(base != nullptr ? base : fs::temp_directory_path().string()) /
                 ("geo-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline std::string read_bytes(const fs::path& path) {
  auto content = core::read_file(path);
  REQUIRE(content);
  return *content;
}

inline fs::path write_bytes(const fs::path& path, const std::string& bytes) {
  REQUIRE(core::write_file_atomic(path, bytes));
  return path;
}

}  // namespace geo_test
