// Tests of the Markdown report: golden output and escaping of hostile strings.
#include "fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <sstream>

using namespace report_test;

TEST_CASE("report::write_markdown: matches the golden file", "[report]") {
  check_golden("health_data_hub.markdown", render("markdown", health_data_hub()));
}

TEST_CASE("report::write_markdown: summary table / failures table / collapsible evidence", "[report]") {
  const std::string md = render("markdown", health_data_hub());
  CHECK(md.find("| fail | 4 |") != std::string::npos);
  CHECK(md.find("| unknown | 3 |") != std::string::npos);
  CHECK(md.find("| fail | critical | hdh\\-azure") == std::string::npos);  // '-' is not escaped
  CHECK(md.find("| fail | critical | hdh-azure | fr-secnumcloud | SNC-19.6 |") != std::string::npos);
  CHECK(md.find("<details><summary>hdh-azure — fr-secnumcloud SNC-19.6: fail</summary>") != std::string::npos);
}

TEST_CASE("report::write_markdown: hostile strings stay inside their table cell", "[report]") {
  const std::string md = render("markdown", hostile());
  CHECK(md.find("<script>") == std::string::npos);
  CHECK(md.find("&lt;script&gt;") != std::string::npos);
  CHECK(md.find('\0') == std::string::npos);
  CHECK(md.find("[l](javascript") == std::string::npos);
  // Each row of the failures table has exactly 7 unescaped pipes (6 cells).
  std::istringstream lines(md);
  std::string line;
  int rows = 0;
  while (std::getline(lines, line)) {
    if (!line.starts_with("| fail") && !line.starts_with("| unknown")) continue;
    if (line.find("&lt;script") == std::string::npos) continue;
    ++rows;
    const auto unescaped = std::regex_replace(line, std::regex(R"(\\\|)"), "");
    CHECK(std::count(unescaped.begin(), unescaped.end(), '|') == 7);
  }
  CHECK(rows == 7);
}

TEST_CASE("report::write_markdown_summary: under GitHub's 65,536-character limit at 100,000 findings", "[report]") {
  const auto big = large(20000, 5);
  const std::string md = render("markdown-summary", big);
  CHECK(md.size() < 65536);  // bytes, never fewer than characters
  CHECK(md.find("Summary:** 100000 findings:") != std::string::npos);
  const auto more = md.find("… and ");
  REQUIRE(more != std::string::npos);
  CHECK(md.find("more failures and unknowns: see the full report", more) != std::string::npos);
  // Failures first: every row before the first unknown is a failure.
  // (in the problem table: the counts table above it has a row of each verdict)
  const auto table = md.find("### Failures and unknowns");
  REQUIRE(table != std::string::npos);
  const auto first_unknown = md.find("\n| unknown", table);
  const auto last_fail = md.rfind("\n| fail");
  REQUIRE(last_fail != std::string::npos);
  REQUIRE(last_fail > table);
  CHECK((first_unknown == std::string::npos || last_fail < first_unknown));
  // A small audit is shown whole, with its metadata.
  const std::string small = render("markdown-summary", health_data_hub());
  CHECK(small.find("… and ") == std::string::npos);
  CHECK(small.find("| fail | critical | hdh-azure |") != std::string::npos);
}
