#include "core/atomic_file.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

namespace fs = std::filesystem;

TEST_CASE("core::write_file_atomic: writes / replaces / leaves no temporary", "[core]") {
  fs::path dir = fs::temp_directory_path() / "residency-test-atomic";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::path file = dir / "report.json";
  REQUIRE(core::write_file_atomic(file, "first"));
  REQUIRE(core::write_file_atomic(file, "second"));
  CHECK(*core::read_file(file) == "second");
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir)) ++entries;
  CHECK(entries == 1);
  fs::remove_all(dir);
}

TEST_CASE("core::write_file_atomic: missing folder is an io error", "[core]") {
  auto r = core::write_file_atomic("/nonexistent-dir-residency/x.json", "x");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == core::ErrorCode::io);
}
