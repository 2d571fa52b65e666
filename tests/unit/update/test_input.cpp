// Tests of update::detail::build_database: a database it builds or copies says what kind of data
// it holds as `kind: X` in its English description (and in residency_kind), so that any reader
// gives the facts built on it the confidence of that kind instead of "unknown".

#include "core/atomic_file.hpp"
#include "core/ip.hpp"
#include "geo/mmdb_reader.hpp"
#include "geo/mmdb_writer.hpp"
#include "geo/schema.hpp"
#include "update/input.hpp"

#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>

namespace {

namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("update-input-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// An ip-location-db-shaped country database (no description), as the npm package ships it.
std::string npm_country_mmdb() {
  geo::WriterOptions o;
  o.database_type = "country ipvAll";
  o.build_epoch = 1781725900;  // 2026-06-17
  geo::MmdbWriter w(o);
  w.insert(*core::parse_prefix("51.210.0.0/16"), geo::MmdbValue::map({{"country_code", geo::MmdbValue::string("FR")}}));
  auto bytes = w.serialize();
  REQUIRE(bytes);
  return *bytes;
}

}  // namespace

TEST_CASE("update::build_database: a copied npm country database states its kind", "[update]") {
  const auto kind = GENERATE(std::string("registry"), std::string("geolocation"));
  const fs::path dir = scratch(kind);
  update::SourceSpec spec;
  spec.id = "country";
  spec.members = {"package/geo-whois-asn-country.mmdb"};  // format nullopt: taken as is
  spec.licence = "CC BY 4.0 (NRO)";
  spec.attribution = "Country data by the Number Resource Organization (nro.net), licensed CC BY 4.0";
  update::detail::Input in;
  in.spec = &spec;
  in.members[spec.members.front()] = npm_country_mmdb();
  in.state.input.name = "npm @ip-location-db/geo-whois-asn-country-mmdb";
  in.state.input.kind = kind;
  const update::DatabaseSpec db{"country.mmdb", kind, "Country by IP range"};

  // The package's own file says nothing: its kind is unknown (low confidence).
  REQUIRE(core::write_file_atomic(dir / "npm.mmdb", in.members.begin()->second));
  auto plain = geo::Database::open(dir / "npm.mmdb");
  REQUIRE(plain);
  CHECK(plain->info().kind == geo::DataKind::unknown);

  auto built = update::detail::build_database(db, {&in}, dir);
  INFO((built ? std::string() : built.error().to_string()));
  REQUIRE(built);
  REQUIRE(core::write_file_atomic(dir / "country.mmdb", built->bytes));
  auto opened = geo::Database::open(dir / "country.mmdb");
  REQUIRE(opened);
  const auto& info = opened->info();
  CHECK_THAT(info.description, Catch::Contains("(kind: " + kind + ")"));
  CHECK(info.provenance.kind == kind);
  CHECK(info.kind == *geo::parse_data_kind(kind));
  // The licence and its credit travel with the copy, from the sources file (for every report).
  REQUIRE(info.provenance.inputs.size() == 1);
  CHECK(info.provenance.inputs[0].licence == spec.licence);
  CHECK(info.provenance.inputs[0].attribution == spec.attribution);
  // The description alone says it, for a reader that ignores residency_kind.
  CHECK(geo::kind_from_metadata(info.schema, info.database_type, info.description) == *geo::parse_data_kind(kind));
  fs::remove_all(dir);
}
