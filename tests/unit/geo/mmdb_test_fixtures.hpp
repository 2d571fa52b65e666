// Helpers shared by the geo reader tests: fixture paths, scratch folders, byte-level file edits.
#pragma once

#include "core/atomic_file.hpp"
#include "geo/mmdb_reader.hpp"
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

// Every field of two records equal (GeoRecord has no operator==).
inline void check_same(const geo::GeoRecord& a, const geo::GeoRecord& b) {
  CHECK(a.country == b.country);
  CHECK(a.registered_country == b.registered_country);
  CHECK(a.asn == b.asn);
  CHECK(a.as_org == b.as_org);
  CHECK(a.is_anycast == b.is_anycast);
  CHECK(a.provider == b.provider);
  CHECK(a.region == b.region);
  CHECK(a.service == b.service);
  CHECK(a.network == b.network);
  CHECK(a.raw_json == b.raw_json);
}

// Two answers of a lookup equal: both the same error, both none, or the same record.
inline void check_same(const core::Result<std::optional<geo::GeoRecord>>& a,
                       const core::Result<std::optional<geo::GeoRecord>>& b) {
  REQUIRE(a.has_value() == b.has_value());
  if (!a) {
    CHECK(a.error().message == b.error().message);
    CHECK(a.error().where == b.error().where);
    CHECK(a.error().code == b.error().code);
    return;
  }
  REQUIRE(a->has_value() == b->has_value());
  if (*a) check_same(**a, **b);
}

}  // namespace geo_test
