// Tests of the CSV report: RFC 4180 quoting, CRLF rows, formula-injection prefixes.
#include "csv_parse.hpp"
#include "fixture.hpp"

#include <catch2/catch.hpp>

using namespace report_test;

TEST_CASE("report::write_csv: a header and one row per finding", "[report]") {
  const std::string csv = render("csv", health_data_hub());
  CHECK(csv.starts_with("target,policy,requirement,severity,verdict,raw_verdict,counts_as_failure,message,"));
  const auto rows = parse_csv(csv);
  REQUIRE(rows.size() == 12);
  for (const auto& row : rows) CHECK(row.size() == 15);
  CHECK(rows[1][0] == "analytics");
  CHECK(rows[1][4] == "waived");
  CHECK(rows[1][5] == "fail");
  CHECK(csv.find("\r\n") != std::string::npos);
}

TEST_CASE("report::write_csv: hostile cells are quoted and cannot start a formula", "[report]") {
  const std::string csv = render("csv", hostile());
  const auto rows = parse_csv(csv);
  REQUIRE(rows.size() == 12);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    REQUIRE(rows[i].size() == 15);
    for (const auto& cell : rows[i]) {
      CHECK((cell.empty() || std::string_view("=+-@").find(cell.front()) == std::string_view::npos));
    }
    CHECK(rows[i][0].find("<script>alert(\"x\")</script> | a,b \"q\" 'p'\nnew line") == 0);
    CHECK(rows[i][7].starts_with("'=HYPERLINK(\"http://x\")"));
  }
  CHECK(csv.find('\0') == std::string::npos);
}

TEST_CASE("report::csv_cell: formula prefixes and quoting", "[report]") {
  CHECK(render_cell("=1+2") == "'=1+2");
  CHECK(render_cell("+33 1 23") == "'+33 1 23");
  CHECK(render_cell("-cmd") == "'-cmd");
  CHECK(render_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(render_cell("a,b") == "\"a,b\"");
  CHECK(render_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(render_cell("plain") == "plain");
}
