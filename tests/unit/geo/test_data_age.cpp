// geo data age: inputs recorded in a database become data sources with their age on the as-of
// date (never the clock); a database without provenance is one source dated by its build; the
// stale warning says which source, how old and which limit.
#include "geo/data_age.hpp"

#include <catch2/catch.hpp>

namespace {

geo::DatabaseInfo providers_info() {
  geo::DatabaseInfo info;
  info.path = "/data/providers.mmdb";
  info.database_type = "residency-provider-ranges";
  info.build_epoch = 1787356800;
  info.provenance.kind = "provider-feed";
  info.provenance.inputs = {
      {"aws", "AWS ip-ranges.json", "provider-feed", "https://ip-ranges.amazonaws.com/ip-ranges.json",
       "2026-08-22-21-17-05", "2026-08-22", "feed", "1787433425", std::string(64, 'a'), "", ""},
      {"fastly", "Fastly public-ip-list", "", "https://api.fastly.com/public-ip-list", "", "", "", "", "b", "", ""}};
  return info;
}

}  // namespace

TEST_CASE("geo::data_age: inputs with their age on the as-of date", "[geo]") {
  const auto as_of = *core::parse_date("2026-12-01");
  auto sources = geo::data_sources_of(providers_info(), as_of, 90);
  REQUIRE(sources.size() == 2);
  const auto& aws = sources[0];
  CHECK(aws.name == "AWS ip-ranges.json");
  CHECK(aws.database == "providers.mmdb");
  CHECK(aws.kind == "provider-feed");
  CHECK(aws.date->to_string() == "2026-08-22");
  CHECK(*aws.age_days == 101);
  CHECK(aws.stale);
  CHECK(aws.serial == "1787433425");
  CHECK(geo::describe(aws) == "providers.mmdb (AWS ip-ranges.json of 2026-08-22)");
  CHECK(geo::stale_warning(aws, 90) ==
        "providers.mmdb (AWS ip-ranges.json of 2026-08-22) is 101 days old, older than --max-data-age 90");
  const auto& fastly = sources[1];
  CHECK(fastly.kind == "provider-feed");  // the database's kind when the input names none
  CHECK_FALSE(fastly.date);
  CHECK_FALSE(fastly.age_days);
  CHECK_FALSE(fastly.stale);  // an unknown age is not proven stale
  CHECK(geo::describe(fastly) == "providers.mmdb (Fastly public-ip-list, undated)");
  // Younger than the limit: not stale; the same data on an earlier as-of date.
  auto young = geo::data_sources_of(providers_info(), *core::parse_date("2026-09-01"), 90);
  CHECK(*young[0].age_days == 10);
  CHECK_FALSE(young[0].stale);
  CHECK(geo::data_sources_of(providers_info(), as_of, 101)[0].stale == false);
}

TEST_CASE("geo::data_age: a database without provenance is dated by its build", "[geo]") {
  geo::DatabaseInfo info;
  info.path = "GeoLite2-Country.mmdb";
  info.database_type = "GeoLite2-Country";
  info.build_epoch = 1781725900;  // 2026-06-17T19:51:40Z
  auto sources = geo::data_sources_of(info, *core::parse_date("2026-11-30"), 90);
  REQUIRE(sources.size() == 1);
  CHECK(sources[0].name == "GeoLite2-Country.mmdb");
  CHECK(sources[0].kind.empty());
  CHECK(sources[0].date->to_string() == "2026-06-17");
  CHECK(*sources[0].age_days == 166);
  CHECK(geo::describe(sources[0]) == "GeoLite2-Country.mmdb built 2026-06-17");
}
