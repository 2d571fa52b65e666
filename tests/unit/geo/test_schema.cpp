// Schema recognition: the metadata type strings of every vendor, the record-layout fallback, and
// one generated database per vendor layout (written with geo::MmdbWriter) read back through
// geo::Database with its fields normalised.
#include "geo/mmdb_reader.hpp"
#include "geo/mmdb_writer.hpp"
#include "geo/schema.hpp"

#include "mmdb_test_fixtures.hpp"

#include <catch2/catch.hpp>

using geo::MmdbValue;
using geo::Schema;

namespace {

MmdbValue str(const char* s) { return MmdbValue::string(s); }
MmdbValue iso(const char* code) { return MmdbValue::map({{"iso_code", str(code)}}); }

// Write a database of `type` mapping each prefix to its record; return its path.
std::filesystem::path make_db(const std::string& name, const std::string& type,
                              const std::vector<std::pair<const char*, MmdbValue>>& records, int ip_version = 6) {
  geo::WriterOptions options;
  options.database_type = type;
  options.ip_version = ip_version;
  options.build_epoch = 1780000000;
  options.languages = {"en"};
  options.description = {{"en", "test fixture " + name}};
  geo::MmdbWriter writer(options);
  for (const auto& [prefix, value] : records) {
    auto p = core::parse_prefix(prefix);
    REQUIRE(p);
    writer.insert(*p, value);
  }
  auto path = geo_test::scratch("schema-" + name) / (name + ".mmdb");
  auto written = writer.write(path);
  if (!written) FAIL(written.error().to_string());
  return path;
}

geo::Database open_ok(const std::filesystem::path& path) {
  auto db = geo::Database::open(path);
  if (!db) FAIL(db.error().to_string());
  return std::move(*db);
}

geo::GeoRecord found(const geo::Database& db, const char* address) {
  auto parsed = core::parse_ip(address);
  REQUIRE(parsed);
  auto result = db.lookup(*parsed);
  REQUIRE(result);
  REQUIRE(result->has_value());
  return **result;
}

}  // namespace

TEST_CASE("geo::schema: vendor database_type strings", "[geo]") {
  CHECK(geo::schema_from_type("GeoLite2-Country") == Schema::geoip2_country);
  CHECK(geo::schema_from_type("GeoIP2-Country") == Schema::geoip2_country);
  CHECK(geo::schema_from_type("GeoLite2-City") == Schema::geoip2_city);
  CHECK(geo::schema_from_type("GeoIP2-City-Europe") == Schema::geoip2_city);
  CHECK(geo::schema_from_type("GeoLite2-ASN") == Schema::geoip2_asn);
  CHECK(geo::schema_from_type("DBIP-Country-Lite") == Schema::dbip_country);
  CHECK(geo::schema_from_type("dbip-country-lite") == Schema::dbip_country);
  CHECK(geo::schema_from_type("DBIP-City-Lite") == Schema::dbip_country);
  CHECK(geo::schema_from_type("DBIP-ASN-Lite (compat=GeoLite2-ASN)") == Schema::dbip_asn);
  CHECK(geo::schema_from_type("ipinfo lite.mmdb") == Schema::ipinfo_lite);
  CHECK(geo::schema_from_type("ipinfo country_asn.mmdb") == Schema::ipinfo_lite);
  CHECK(geo::schema_from_type("country ipvAll") == Schema::ip_location_db_country);
  CHECK(geo::schema_from_type("country ipv4") == Schema::ip_location_db_country);
  CHECK(geo::schema_from_type("asn ipvAll") == Schema::ip_location_db_asn);
  CHECK(geo::schema_from_type("residency-provider-ranges") == Schema::residency_provider_ranges);
  CHECK(geo::schema_from_type("residency-asn") == Schema::residency_asn);
  CHECK_FALSE(geo::schema_from_type("My-Custom-DB"));
  CHECK_FALSE(geo::schema_from_type(""));
  CHECK_FALSE(geo::schema_from_type("city ipvAll"));
}

TEST_CASE("geo::schema: record layouts from sampled keys", "[geo]") {
  using L = geo::Layout;
  CHECK(geo::layout_from_keys({"country", "registered_country", "continent"}) == L::country_map);
  CHECK(geo::layout_from_keys({"traits"}) == L::country_map);
  CHECK(geo::layout_from_keys({"city", "country", "location"}) == L::city_map);
  CHECK(geo::layout_from_keys({"autonomous_system_number", "autonomous_system_organization"}) == L::asn);
  CHECK(geo::layout_from_keys({"country_code", "country", "asn", "as_name", "as_domain"}) == L::ipinfo);
  CHECK(geo::layout_from_keys({"country_code"}) == L::country_code);
  CHECK(geo::layout_from_keys({"provider", "region", "service", "country"}) == L::provider);
  CHECK(geo::layout_from_keys({"something_else"}) == L::none);
}

TEST_CASE("geo::schema: the type decides unless the records contradict it", "[geo]") {
  using geo::SchemaBasis;
  CHECK(geo::decide_schema("GeoLite2-Country", geo::Layout::country_map) ==
        std::pair{Schema::geoip2_country, SchemaBasis::database_type});
  CHECK(geo::decide_schema("GeoLite2-Country", geo::Layout::none) ==
        std::pair{Schema::geoip2_country, SchemaBasis::database_type});
  CHECK(geo::decide_schema("GeoLite2-Country", geo::Layout::country_code) ==
        std::pair{Schema::ip_location_db_country, SchemaBasis::record_layout});
  CHECK(geo::decide_schema("Unknown-Vendor", geo::Layout::ipinfo) ==
        std::pair{Schema::ipinfo_lite, SchemaBasis::record_layout});
  CHECK(geo::decide_schema("Unknown-Vendor", geo::Layout::none) == std::pair{Schema::unknown, SchemaBasis::record_layout});
}

TEST_CASE("geo::schema: GeoLite2 Country and City layouts", "[geo]") {
  auto country = open_ok(make_db("geolite2-country", "GeoLite2-Country",
                                 {{"192.0.2.0/24", MmdbValue::map({{"country", iso("FR")}, {"registered_country", iso("DE")}})},
                                  {"198.51.100.0/24", MmdbValue::map({{"traits", MmdbValue::map({{"is_anycast", MmdbValue::boolean(true)}})}})}}));
  CHECK(country.info().schema == Schema::geoip2_country);
  auto rec = found(country, "192.0.2.7");
  CHECK(rec.country == "FR");
  CHECK(rec.registered_country == "DE");
  CHECK(core::format_prefix(rec.network) == "192.0.2.0/24");
  CHECK(found(country, "198.51.100.1").is_anycast == true);

  auto city = open_ok(make_db("geoip2-city", "GeoIP2-City",
                              {{"2001:db8::/32", MmdbValue::map({{"city", MmdbValue::map({{"geoname_id", MmdbValue::uint32(2988507)}})},
                                                                 {"country", iso("FR")}})}}));
  CHECK(city.info().schema == Schema::geoip2_city);
  auto city_rec = found(city, "2001:db8::1");
  CHECK(city_rec.country == "FR");
  CHECK(core::format_prefix(city_rec.network) == "2001:db8::/32");
}

TEST_CASE("geo::schema: GeoLite2-ASN / DB-IP ASN / ip-location-db ASN and residency-asn layouts", "[geo]") {
  const MmdbValue asn = MmdbValue::map({{"autonomous_system_number", MmdbValue::uint32(16276)},
                                        {"autonomous_system_organization", str("OVH SAS")}});
  const std::vector<std::pair<const char*, Schema>> types{{"GeoLite2-ASN", Schema::geoip2_asn},
                                                          {"DBIP-ASN-Lite (compat=GeoLite2-ASN)", Schema::dbip_asn},
                                                          {"asn ipvAll", Schema::ip_location_db_asn},
                                                          {"residency-asn", Schema::residency_asn}};
  for (const auto& [type, schema] : types) {
    CAPTURE(type);
    auto db = open_ok(make_db("asn-" + std::string(geo::to_string(schema)), type, {{"51.38.0.0/16", asn}}));
    CHECK(db.info().schema == schema);
    CHECK(db.info().schema_basis == geo::SchemaBasis::database_type);
    auto rec = found(db, "51.38.1.2");
    CHECK(rec.asn == 16276u);
    CHECK(rec.as_org == "OVH SAS");
    CHECK_FALSE(rec.country);
  }
}

TEST_CASE("geo::schema: DB-IP country lite layout", "[geo]") {
  auto db = open_ok(make_db("dbip-country", "DBIP-Country-Lite",
                            {{"5.39.0.0/17", MmdbValue::map({{"continent", MmdbValue::map({{"code", str("EU")}})}, {"country", iso("FR")}})}}));
  CHECK(db.info().schema == Schema::dbip_country);
  CHECK(found(db, "5.39.1.1").country == "FR");
}

TEST_CASE("geo::schema: IPinfo Lite layout (asn as an \"AS123\" string)", "[geo]") {
  auto db = open_ok(make_db("ipinfo", "ipinfo lite.mmdb",
                            {{"1.1.1.0/24", MmdbValue::map({{"asn", str("AS13335")}, {"as_name", str("Cloudflare, Inc.")},
                                                            {"as_domain", str("cloudflare.com")}, {"country", str("Australia")},
                                                            {"country_code", str("AU")}, {"continent_code", str("OC")}})}}));
  CHECK(db.info().schema == Schema::ipinfo_lite);
  auto rec = found(db, "1.1.1.1");
  CHECK(rec.country == "AU");  // not "Australia": the name is not a code
  CHECK(rec.asn == 13335u);
  CHECK(rec.as_org == "Cloudflare, Inc.");
}

TEST_CASE("geo::schema: ip-location-db country layout", "[geo]") {
  auto db = open_ok(make_db("ip-location-db", "country ipvAll", {{"1.0.0.0/24", MmdbValue::map({{"country_code", str("AU")}})},
                                                                 {"2a01:4f8::/32", MmdbValue::map({{"country_code", str("DE")}})}}));
  CHECK(db.info().schema == Schema::ip_location_db_country);
  CHECK(found(db, "1.0.0.1").country == "AU");
  CHECK(found(db, "2a01:4f8::1").country == "DE");
}

TEST_CASE("geo::schema: residency-provider-ranges layout", "[geo]") {
  auto db = open_ok(make_db("provider", "residency-provider-ranges",
                            {{"15.236.0.0/15", MmdbValue::map({{"provider", str("aws")}, {"region", str("eu-west-3")},
                                                               {"service", str("EC2")}, {"country", str("FR")}})}}));
  CHECK(db.info().schema == Schema::residency_provider_ranges);
  auto rec = found(db, "15.237.1.1");
  CHECK(rec.provider == "aws");
  CHECK(rec.region == "eu-west-3");
  CHECK(rec.service == "EC2");
  CHECK(rec.country == "FR");
  CHECK(core::format_prefix(rec.network) == "15.236.0.0/15");
  CHECK_THAT(rec.raw_json, Catch::Contains(R"("region":"eu-west-3")"));
}

TEST_CASE("geo::schema: an unknown type falls back to the sampled record layout", "[geo]") {
  auto db = open_ok(make_db("unknown-type", "Some-Vendor-Lite",
                            {{"10.0.0.0/8", MmdbValue::map({{"asn", str("AS64500")}, {"as_name", str("Example")}, {"country_code", str("NL")}})}}));
  CHECK(db.info().schema == Schema::ipinfo_lite);
  CHECK(db.info().schema_basis == geo::SchemaBasis::record_layout);
  CHECK(found(db, "10.1.2.3").asn == 64500u);

  auto unknown = open_ok(make_db("unknown-layout", "Other", {{"10.0.0.0/8", MmdbValue::map({{"colour", str("blue")}})}}));
  CHECK(unknown.info().schema == Schema::unknown);
  auto rec = found(unknown, "10.1.2.3");
  CHECK_FALSE(rec.country);
  CHECK(rec.raw_json == R"({"colour":"blue"})");
}

TEST_CASE("geo::schema: a type contradicted by the records is overridden by the layout", "[geo]") {
  auto db = open_ok(make_db("contradicted", "GeoLite2-Country", {{"10.0.0.0/8", MmdbValue::map({{"country_code", str("SE")}})}}));
  CHECK(db.info().schema == Schema::ip_location_db_country);
  CHECK(db.info().schema_basis == geo::SchemaBasis::record_layout);
  CHECK(found(db, "10.0.0.1").country == "SE");
}

TEST_CASE("geo::schema: fields of the wrong type are ignored / not misread", "[geo]") {
  auto db = open_ok(make_db("wrong-types", "GeoLite2-Country",
                            {{"10.0.0.0/8", MmdbValue::map({{"country", str("FR")},  // a string, not a map
                                                            {"registered_country", iso("DE")},
                                                            {"traits", MmdbValue::map({{"is_anycast", str("yes")}})}})}}));
  auto rec = found(db, "10.0.0.1");
  CHECK_FALSE(rec.country);
  CHECK(rec.registered_country == "DE");
  CHECK_FALSE(rec.is_anycast);
  auto asn = open_ok(make_db("wrong-asn", "GeoLite2-ASN",
                             {{"10.0.0.0/8", MmdbValue::map({{"autonomous_system_number", str("AS1")},
                                                             {"autonomous_system_organization", MmdbValue::uint32(7)}})}}));
  auto asn_rec = found(asn, "10.0.0.1");
  CHECK_FALSE(asn_rec.asn);
  CHECK_FALSE(asn_rec.as_org);
}

TEST_CASE("geo::schema: an IPv4-only tree answers IPv4 and IPv4-mapped lookups", "[geo]") {
  auto db = open_ok(make_db("ipv4-tree", "country ipv4", {{"192.0.2.0/24", MmdbValue::map({{"country_code", str("FR")}})}}, 4));
  CHECK(db.info().ip_version == 4);
  CHECK(found(db, "192.0.2.1").country == "FR");
  auto mapped = found(db, "::ffff:192.0.2.1");
  CHECK(mapped.country == "FR");
  CHECK(core::format_prefix(mapped.network) == "192.0.2.0/24");
  auto v6 = core::parse_ip("2001:db8::1");
  REQUIRE(v6);
  auto none = db.lookup(*v6);
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
}
