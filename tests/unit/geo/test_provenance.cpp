// geo provenance: a database written with provenance metadata reads it back through
// geo::Database (libmaxminddb keeps the extra keys), other readers still open it, format keys
// cannot be overridden, and SOURCES.json round-trips and rejects what is not one.
#include "geo/provenance.hpp"

#include "geo/importers.hpp"
#include "geo/mmdb_reader.hpp"
#include "mmdb_test_fixtures.hpp"

#include <catch2/catch.hpp>

namespace {

geo::InputRecord aws_input() {
  return {"aws",
          "AWS ip-ranges.json",
          "provider-feed",
          "https://ip-ranges.amazonaws.com/ip-ranges.json",
          "2026-08-22-21-17-05",
          "2026-08-22",
          "feed",
          "1787433425",
          std::string(64, 'a'),
          "published by Amazon Web Services for anyone to use",
          "AWS ranges <credit>"};
}

std::filesystem::path write_db(const std::string& name, std::vector<geo::MmdbValue::Entry> extra) {
  geo::WriterOptions o{"residency-provider-ranges", {{"en", "test"}}, {"en"}, 6, 1787443200, 0, std::move(extra)};
  geo::MmdbWriter w(o);
  w.insert(*core::parse_prefix("192.0.2.0/24"), geo::ProviderRecord{"aws", "eu-west-3", "EC2", {}}.to_value());
  const auto path = geo_test::scratch("provenance") / name;
  REQUIRE(w.write(path));
  return path;
}

}  // namespace

TEST_CASE("geo::provenance: inputs recorded in the metadata are read back", "[geo]") {
  geo::InputRecord undated{"fastly",
                           "Fastly public-ip-list",
                           "provider-feed",
                           "https://api.fastly.com/public-ip-list",
                           "",
                           "",
                           "",
                           "",
                           std::string(64, 'b'),
                           "",
                           ""};
  const auto path = write_db("with.mmdb", geo::provenance_metadata("provider-feed", {aws_input(), undated}));
  auto db = geo::Database::open(path);
  REQUIRE(db);
  const auto& p = db->info().provenance;
  CHECK(p.kind == "provider-feed");
  REQUIRE(p.inputs.size() == 2);
  CHECK(p.inputs[0] == aws_input());
  CHECK(p.inputs[1] == undated);
  CHECK(db->info().database_type == "residency-provider-ranges");
  auto rec = db->lookup(*core::parse_ip("192.0.2.1"));
  REQUIRE(rec);
  CHECK((*rec)->region == "eu-west-3");
}

TEST_CASE("geo::provenance: a database without provenance has none", "[geo]") {
  auto db = geo::Database::open(write_db("without.mmdb", {}));
  REQUIRE(db);
  CHECK(db->info().provenance.kind.empty());
  CHECK(db->info().provenance.inputs.empty());
  // Wrong types in the metadata are ignored, not trusted.
  auto odd =
      geo::provenance_from_metadata_json(R"({"residency_kind": 7, "residency_inputs": [3, {"id": 4, "name": "x"}]})");
  CHECK(odd.kind.empty());
  REQUIRE(odd.inputs.size() == 1);
  CHECK(odd.inputs[0].id.empty());
  CHECK(odd.inputs[0].name == "x");
  CHECK(geo::provenance_from_metadata_json("not json").inputs.empty());
}

TEST_CASE("geo::provenance: format metadata keys cannot be overridden", "[geo]") {
  geo::WriterOptions o{"t", {}, {"en"}, 6, 1, 0, {{"build_epoch", geo::MmdbValue::uint64(2)}}};
  geo::MmdbWriter w(o);
  auto bytes = w.serialize();
  REQUIRE_FALSE(bytes);
  CHECK_THAT(bytes.error().message, Catch::Contains("'build_epoch' is defined by the format"));
}

TEST_CASE("geo::provenance: SOURCES.json round-trips", "[geo]") {
  geo::SourcesState state;
  state.updated_at = "2026-12-01T10:00:00Z";
  geo::SourceState s;
  s.input = aws_input();
  s.database = "providers.mmdb";
  s.file = "inputs/ip-ranges.json";
  s.fetched_from = "https://127.0.0.1:8443/ip-ranges.json";
  s.fetched_at = "2026-12-01T09:59:58Z";
  s.bytes = 2600358;
  s.prefixes = 11012;
  s.etag = "\"abc\"";
  s.last_modified = "Sat, 22 Aug 2026 21:17:05 GMT";
  state.sources.push_back(s);
  state.databases.push_back(
      {"providers.mmdb", "provider-feed", std::string(64, 'c'), 123, "2026-08-22T00:00:00Z", {"aws"}});
  const std::string text = geo::to_json(state);
  auto back = geo::parse_sources_state(text, "SOURCES.json");
  REQUIRE(back);
  CHECK(geo::to_json(*back) == text);
  REQUIRE(back->find("aws"));
  CHECK(back->find("aws")->prefixes == 11012);
  CHECK(back->find("gcp") == nullptr);
  CHECK(back->databases.at(0).inputs == std::vector<std::string>{"aws"});

  auto bad = geo::parse_sources_state("{\"schema\": \"other\"}", "SOURCES.json");
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().to_string(), Catch::Contains("SOURCES.json: schema: expected \"residency/data-sources/v1\""));
  auto broken = geo::parse_sources_state("{\"schema\":", "SOURCES.json");
  REQUIRE_FALSE(broken);
  CHECK_THAT(broken.error().to_string(), Catch::Contains("SOURCES.json:1:11: invalid JSON at byte 11"));
}

TEST_CASE("geo::provenance: restamping keeps every answer and adds the provenance", "[geo]") {
  const auto path = write_db("plain.mmdb", {});
  const std::string original = geo_test::read_bytes(path);
  auto db = geo::Database::open(path);
  REQUIRE(db);
  const auto& info = db->info();
  geo::MetadataFields fields{info.database_type, {{"en", "copied"}}, info.languages, info.build_epoch,
                             info.node_count,    info.record_size,   info.ip_version};
  auto stamped = geo::restamp_metadata(original, fields, geo::provenance_metadata("registry", {aws_input()}));
  REQUIRE(stamped);
  const std::string marker = "\xAB\xCD\xEFMaxMind.com";
  const auto at = original.rfind(marker);
  CHECK(stamped->substr(0, at) == original.substr(0, at));  // tree and data byte for byte
  const auto copy = geo_test::write_bytes(path.parent_path() / "stamped.mmdb", *stamped);
  auto again = geo::Database::open(copy, geo::Verify::always);
  REQUIRE(again);
  CHECK(again->info().provenance.kind == "registry");
  CHECK(again->info().provenance.inputs.at(0) == aws_input());
  CHECK(again->info().build_epoch == info.build_epoch);
  CHECK(again->info().description == "copied");
  CHECK((*again->lookup(*core::parse_ip("192.0.2.9")))->region == "eu-west-3");
  CHECK_FALSE(geo::restamp_metadata("no marker here", fields, {}));
}
