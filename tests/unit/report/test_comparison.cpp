// Tests of the comparison renderers on a hand-built model with hostile strings: every format
// escapes them for its syntax, the HTML loads nothing from outside, the CSV cannot start a
// formula, the JSON parses with its schema tag, and every renderer is byte-stable.
#include "csv_parse.hpp"
#include "report/comparison.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

namespace {

const std::string k_evil = "<script>alert(\"x\")</script> | a,b 'q'\nline";

core::ComparisonResult model() {
  core::ComparisonResult r;
  r.tool_version = "test";
  r.as_of = *core::parse_date("2026-12-01");
  r.policy_id = "fr-health-data";
  r.policy_title = "French health data " + k_evil;
  r.tags = {{"classification", "health"}};
  r.requirements = {
      {"HDH-LOC", "fr-health-data", "Served from the EEA", core::Severity::high, "", "", {}, "fail"},
      {"HDH-IMMUNITY", "fr-health-data", "Subject only to EU law", core::Severity::critical, "", "", {}, "fail"}};
  core::ComparisonOffer a;
  a.provider = "evil";
  a.provider_name = "Evil " + k_evil;
  a.offer = "=HYPERLINK(\"http://x\")";
  a.region = "r1";
  a.region_label = "r1 (Paris, FR)";
  a.eea_regions = {"r1", "r2"};
  a.certifications = {{"hds:x",
                       "hds",
                       "HDS",
                       "certified",
                       "2025-01-01",
                       "",
                       "",
                       {},
                       "valid",
                       true,
                       "certified from 2025-01-01 (no end date published)"},
                      {"secnumcloud:x",
                       "secnumcloud",
                       "SNC",
                       "qualified",
                       "2023-01-01",
                       "2026-11-30",
                       "ANSSI 1",
                       {"r1"},
                       "expired",
                       false,
                       "expired on 2026-11-30"}};
  a.cells = {{"HDH-LOC", true, core::Verdict::pass, "served from r1 " + k_evil},
             {"HDH-IMMUNITY", true, core::Verdict::fail, "-cmd " + k_evil}};
  a.counts = {1, 1, 0, 0};
  core::ComparisonOffer b;
  b.provider = "plain";
  b.provider_name = "Plain";
  b.cells = {{"HDH-LOC", true, core::Verdict::unknown, "no EEA region"},
             {"HDH-IMMUNITY", false, core::Verdict::unknown, "n/a"}};
  r.offers = {a, b};
  r.sources = {{"rules", "rules/providers/evil.yaml", ""}};
  return r;
}

std::string render(std::string_view format) {
  std::ostringstream out;
  REQUIRE(report::write_comparison(model(), format, std::nullopt, out));
  return out.str();
}

}  // namespace

TEST_CASE("report::write_comparison: every format is byte-stable and escapes hostile strings", "[report][compare]") {
  for (auto format : report::comparison_formats()) {
    INFO(format);
    const std::string once = render(format);
    CHECK(once == render(format));
    if (format == "html" || format == "markdown") CHECK(once.find("<script>") == std::string::npos);
    if (format == "text" || format == "markdown" || format == "json")
      CHECK(once.find("\nline") == std::string::npos);  // never a new line
    CHECK(once.find('\0') == std::string::npos);
  }
  const std::string text = render("text");
  CHECK(text.find("1. Evil") != std::string::npos);
  CHECK(text.find("FAIL    HDH-IMMUNITY: -cmd") != std::string::npos);
  CHECK(text.find("N/A     HDH-IMMUNITY") != std::string::npos);
  CHECK(text.find("not valid: secnumcloud:x (expired on 2026-11-30, ANSSI 1, regions r1)") != std::string::npos);
}

TEST_CASE("report::write_comparison_markdown: one table row per offer, pipes escaped", "[report][compare]") {
  const std::string md = render("markdown");
  std::istringstream in(md);
  int rows = 0;
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("| 1 |") && !line.starts_with("| 2 |")) continue;
    ++rows;
    std::size_t bars = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++bars;
    }
    CHECK(bars == 8);  // # offer pass fail unknown + 2 requirements = 7 cells
  }
  CHECK(rows == 2);
}

TEST_CASE("report::write_comparison_html: self-contained, printable, escaped", "[report][compare]") {
  const std::string html = render("html");
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(html.find("&lt;script&gt;") != std::string::npos);
  CHECK(html.find("class=\"fail\"") != std::string::npos);
  CHECK(html.find("class=\"na\"") != std::string::npos);
}

TEST_CASE("report::write_comparison_csv: a row per offer, cells cannot start a formula", "[report][compare]") {
  const auto rows = report_test::parse_csv(render("csv"));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].size() == 13);  // 9 fixed columns + a verdict and a reason per requirement
  for (const auto& row : rows) {
    REQUIRE(row.size() == 13);
    for (const auto& cell : row)
      CHECK((cell.empty() || std::string_view("=+-@").find(cell.front()) == std::string_view::npos));
  }
  CHECK(rows[1][2] == "'=HYPERLINK(\"http://x\")");
  CHECK(rows[1][9] == "pass");
  CHECK(rows[2][11] == "n/a");
}

TEST_CASE("report::write_comparison_json: parses, versioned, complete", "[report][compare]") {
  const auto j = nlohmann::json::parse(render("json"));
  CHECK(j["schema"] == "residency/compare/v1");
  CHECK(j["as_of"] == "2026-12-01");
  REQUIRE(j["offers"].size() == 2);
  CHECK(j["offers"][0]["cells"][1]["verdict"] == "fail");
  CHECK(j["offers"][0]["certifications"][1]["until"] == "2026-11-30");
  CHECK(j["offers"][0]["certifications"][0]["until"].is_null());
  CHECK(j["offers"][0]["certifications"][1]["state"] == "expired");
  CHECK(j["offers"][1]["cells"][1]["verdict"] == "n/a");
}

TEST_CASE("report::write_comparison: an unknown format is a usage error with a hint", "[report][compare]") {
  std::ostringstream out;
  auto r = report::write_comparison(model(), "markdwn", std::nullopt, out);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == core::ErrorCode::usage);
  CHECK(r.error().message.find("did you mean 'markdown'") != std::string::npos);
  CHECK(out.str().empty());
}
