// geo::locate_databases: --geoip paths, then RESIDENCY_GEOIP, then default folders.
#include "geo/locate.hpp"

#include "mmdb_test_fixtures.hpp"

#include <catch2/catch.hpp>

namespace fs = std::filesystem;

namespace {

fs::path folder_with(const std::string& name, const std::vector<std::string>& files) {
  auto dir = geo_test::scratch(name);
  for (const auto& f : files) geo_test::write_bytes(dir / f, "x");
  return dir;
}

}  // namespace

TEST_CASE("geo::locate: a folder means its *.mmdb files sorted by name", "[geo]") {
  auto dir = folder_with("locate-sorted", {"b.mmdb", "a.mmdb", "notes.txt", "c.mmdb"});
  auto located = geo::locate_databases({{dir}, std::nullopt, {}});
  REQUIRE(located);
  REQUIRE(located->files.size() == 3);
  CHECK(located->files[0].filename() == "a.mmdb");
  CHECK(located->files[2].filename() == "c.mmdb");
  CHECK(located->origin == "--geoip");
}

TEST_CASE("geo::locate: --geoip wins over RESIDENCY_GEOIP / which wins over default folders", "[geo]") {
  auto flag = folder_with("locate-flag", {"flag.mmdb"});
  auto env = folder_with("locate-env", {"env.mmdb"});
  auto def = folder_with("locate-default", {"default.mmdb"});
  auto a = geo::locate_databases({{flag / "flag.mmdb", env / "env.mmdb"}, env.string(), {def}});
  REQUIRE(a);
  CHECK(a->files == std::vector<fs::path>{flag / "flag.mmdb", env / "env.mmdb"});
  auto b = geo::locate_databases({{}, env.string(), {def}});
  REQUIRE(b);
  CHECK(b->files == std::vector<fs::path>{env / "env.mmdb"});
  CHECK(b->origin == "RESIDENCY_GEOIP");
  auto c = geo::locate_databases({{}, std::string(), {def}});
  REQUIRE(c);
  CHECK(c->files == std::vector<fs::path>{def / "default.mmdb"});
}

TEST_CASE("geo::locate: default folders are tried in order and listed when empty", "[geo]") {
  auto empty = folder_with("locate-empty", {"readme.txt"});
  auto second = folder_with("locate-second", {"x.mmdb"});
  auto found = geo::locate_databases({{}, std::nullopt, {empty / "missing", empty, second}});
  REQUIRE(found);
  CHECK(found->files == std::vector<fs::path>{second / "x.mmdb"});
  auto none = geo::locate_databases({{}, std::nullopt, {empty / "missing", empty}});
  REQUIRE(none);
  CHECK(none->files.empty());
  CHECK(none->looked_in == std::vector<std::string>{(empty / "missing").string(), empty.string()});
}

TEST_CASE("geo::locate: an explicit folder without databases is an error naming it", "[geo]") {
  auto empty = folder_with("locate-explicit-empty", {"readme.txt"});
  auto flag = geo::locate_databases({{empty}, std::nullopt, {}});
  REQUIRE_FALSE(flag);
  CHECK(flag.error().where == empty.string());
  CHECK_THAT(flag.error().message, Catch::Contains("no *.mmdb"));
  auto env = geo::locate_databases({{}, empty.string(), {}});
  REQUIRE_FALSE(env);
  CHECK(env.error().where == "RESIDENCY_GEOIP=" + empty.string());
  // A missing explicit file is kept, so that opening it names it.
  auto missing = geo::locate_databases({{empty / "nope.mmdb"}, std::nullopt, {}});
  REQUIRE(missing);
  CHECK(missing->files == std::vector<fs::path>{empty / "nope.mmdb"});
}
