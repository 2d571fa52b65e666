// Every format names each data source with its date and its age on the as-of date (text header,
// JSON data_sources, SARIF run.properties and tool notifications, JUnit properties, HTML and
// Markdown banners, a CSV column), marks the ones older than --max-data-age, and says so when a
// source carries no date. Renderers compute nothing: the ages come from the model.
#include "csv_parse.hpp"
#include "fixture.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace report_test;

namespace {

const char* k_fresh = "providers.mmdb: AWS ip-ranges.json of 2026-11-28, 2 days old";
const char* k_stale =
    "providers.mmdb: Azure Service Tags, Public Cloud of 2026-04-27, 217 days old, older than --max-data-age 90";
const char* k_undated = "providers.mmdb: Fastly public-ip-list, undated (its age is unknown)";
const char* k_summary = "3 data sources, aged on 2026-11-30: 1 older than --max-data-age 90, 1 undated";

}  // namespace

TEST_CASE("report data sources: the text header lists each with its age", "[report]") {
  const std::string text = render("text", health_data_hub());
  const auto header_end = text.find("Summary: ");
  REQUIRE(header_end != std::string::npos);
  const std::string header = text.substr(0, header_end);
  CHECK_THAT(header, Catch::Contains(std::string("data: ") + k_summary + "\n"));
  for (const char* line : {k_fresh, k_stale, k_undated})
    CHECK_THAT(header, Catch::Contains(std::string("  ") + line + "\n"));
}

TEST_CASE("report data sources: JSON data_sources", "[report]") {
  const auto doc = nlohmann::ordered_json::parse(render("json", health_data_hub()));
  REQUIRE(doc["data_sources"].size() == 3);
  const auto& azure = doc["data_sources"][1];
  std::vector<std::string> keys;
  for (const auto& item : azure.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"name", "kind", "url", "date", "age_days", "sha256", "database", "serial",
                                         "stale", "licence", "attribution"});
  CHECK(azure["name"] == "Azure Service Tags, Public Cloud");
  CHECK(azure["kind"] == "provider-feed");
  CHECK(azure["date"] == "2026-04-27");
  CHECK(azure["age_days"] == 217);
  CHECK(azure["stale"] == true);
  CHECK(doc["data_sources"][2]["date"].is_null());
  CHECK(doc["data_sources"][2]["age_days"].is_null());
  CHECK(doc["max_data_age_days"] == 90);
  CHECK(doc["fail_on_stale_data"] == false);
}

TEST_CASE("report data sources: SARIF run properties and tool notifications", "[report]") {
  const auto doc = nlohmann::json::parse(render("sarif", health_data_hub()));
  const auto& run = doc["runs"][0];
  REQUIRE(run["properties"]["data_sources"].size() == 3);
  CHECK(run["properties"]["data_sources"][0]["age_days"] == 2);
  CHECK(run["properties"]["data_age"] == k_summary);
  // One note per data source, then the run's warnings (an audit adds one per stale source).
  const auto& notes = run["invocations"][0]["toolExecutionNotifications"];
  REQUIRE(notes.size() == 3 + health_data_hub().warnings.size());
  for (int i = 0; i < 3; ++i) {
    CHECK(notes[i]["level"] == "note");
    CHECK(notes[i]["descriptor"]["id"] == "residency/data-source");
  }
  CHECK(notes[0]["message"]["text"] == k_fresh);
  CHECK(notes[1]["message"]["text"] == k_stale);
  CHECK(notes[2]["message"]["text"] == k_undated);
  CHECK(notes[3]["level"] == "warning");
}

TEST_CASE("report data sources: JUnit properties, HTML and Markdown banners, CSV column", "[report]") {
  const std::string junit = render("junit", health_data_hub());
  CHECK_THAT(junit, Catch::Contains(std::string("<property name=\"data_age\" value=\"") + k_summary + "\"/>"));
  CHECK_THAT(junit, Catch::Contains(std::string("<property name=\"data_source.2\" value=\"") + k_stale + "\"/>"));

  const std::string html = render("html", health_data_hub());
  const auto banner = html.find("<section id=\"data-sources\" class=\"banner\">");
  REQUIRE(banner != std::string::npos);
  CHECK(banner < html.find("<section id=\"summary\">"));
  CHECK_THAT(html, Catch::Contains(std::string("<li class=\"stale\">") + k_stale + "</li>"));
  CHECK_THAT(html, Catch::Contains(std::string("<li>") + k_undated + "</li>"));

  const std::string md = render("markdown", health_data_hub());
  CHECK_THAT(md, Catch::Contains(std::string("> **Data sources:** ") + k_summary));
  CHECK_THAT(md, Catch::Contains("> - **providers.mmdb: Azure Service Tags, Public Cloud of 2026-04-27, 217 days old"));
  CHECK(md.find("> **Data sources:**") < md.find("**Summary:**"));

  const auto rows = parse_csv(render("csv", health_data_hub()));
  REQUIRE(rows.size() == 12);
  CHECK(rows[0].back() == "data_sources");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    CHECK(rows[i].back() == std::string(k_summary) + "; " + k_fresh + "; " + k_stale + "; " + k_undated);
  }
}

TEST_CASE("report data sources: ages come from the model, a future date is said so", "[report]") {
  auto r = health_data_hub();
  r.data_sources.resize(1);
  r.data_sources[0].age_days = -3;  // data dated after the as-of date (replaying an old audit)
  CHECK_THAT(render("text", r),
             Catch::Contains("providers.mmdb: AWS ip-ranges.json of 2026-11-28, dated 3 days after the as-of date"));
  r.data_sources[0].age_days = 1;
  CHECK_THAT(render("text", r), Catch::Contains("of 2026-11-28, 1 day old\n"));
  CHECK_THAT(render("text", r),
             Catch::Contains("data: 1 data source, aged on 2026-11-30: none older than --max-data-age 90"));
  r.data_sources.clear();
  CHECK_THAT(render("text", r), Catch::Contains("data: 0 data sources, aged on 2026-11-30\n"));
}

TEST_CASE("report data sources: the CC BY attribution of the data is in every format", "[report]") {
  auto r = health_data_hub();
  core::DataSource asn{"asn", "npm @ip-location-db/asn", "2.3.2026061719"};
  asn.database = "asn.mmdb";
  asn.licence = "CC BY 4.0 (RouteViews, DB-IP, NRO)";
  asn.attribution = "IP to ASN data by RouteViews and DB-IP (IP Geolocation by DB-IP, https://db-ip.com) <&>";
  r.data_sources.push_back(asn);
  r.data_sources.push_back(asn);  // a second input of the same database with the same credit: said once
  const std::string line =
      "asn.mmdb, CC BY 4.0 (RouteViews, DB-IP, NRO): IP to ASN data by RouteViews and DB-IP "
      "(IP Geolocation by DB-IP, https://db-ip.com) <&>";

  const std::string text = render("text", r);
  CHECK_THAT(text, Catch::Contains("  attribution: " + line + "\n"));
  CHECK(text.find("attribution: ") == text.rfind("attribution: "));
  CHECK(text.find("attribution: ") < text.find("Summary: "));

  const auto doc = nlohmann::json::parse(render("json", r));
  CHECK(doc["data_sources"][3]["licence"] == asn.licence);
  CHECK(doc["data_sources"][3]["attribution"] == asn.attribution);
  CHECK(doc["data_sources"][0]["attribution"] == "");

  const auto sarif = nlohmann::json::parse(render("sarif", r));
  CHECK(sarif["runs"][0]["properties"]["data_sources"][3]["attribution"] == asn.attribution);
  const auto& notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
  REQUIRE(notes.size() == 5 + 1 + r.warnings.size());  // five sources, one credit
  CHECK(notes[5]["descriptor"]["id"] == "residency/data-attribution");
  CHECK(notes[5]["message"]["text"] == "Attribution: " + line);

  CHECK_THAT(
      render("junit", r),
      Catch::Contains("<property name=\"attribution.1\" value=\"asn.mmdb, CC BY 4.0 (RouteViews, DB-IP, NRO): IP "
                      "to ASN data by RouteViews and DB-IP (IP Geolocation by DB-IP, https://db-ip.com) "
                      "&lt;&amp;&gt;\"/>"));
  CHECK_THAT(
      render("html", r),
      Catch::Contains("<p class=\"attribution\">Attribution: asn.mmdb, CC BY 4.0 (RouteViews, DB-IP, NRO): IP to "
                      "ASN data by RouteViews and DB-IP (IP Geolocation by DB-IP, https://db-ip.com) "
                      "&lt;&amp;&gt;</p>"));
  for (const char* format : {"markdown", "markdown-summary"}) {
    INFO(format);
    CHECK_THAT(render(format, r), Catch::Contains("> - Attribution: asn.mmdb, CC BY 4.0"));
  }
  const auto rows = parse_csv(render("csv", r));
  REQUIRE(rows.size() == 12);
  CHECK_THAT(rows[1].back(), Catch::EndsWith("; attribution: " + line));
}
