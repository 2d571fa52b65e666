// Tests of the CSV report: RFC 4180 quoting, CRLF rows, formula-injection prefixes.
#include "csv_parse.hpp"
#include "fixture.hpp"
#include "support/run_command.hpp"

#include <catch2/catch.hpp>

using namespace report_test;

TEST_CASE("report::write_csv: a header and one row per finding", "[report]") {
  const std::string csv = render("csv", health_data_hub());
  CHECK(
      csv.starts_with("target,provider,country,region,entity,laws,requirement,verdict,severity,message,policy,"
                      "raw_verdict,counts_as_failure,"));
  const auto rows = parse_csv(csv);
  REQUIRE(rows.size() == 12);
  for (const auto& row : rows) CHECK(row.size() == 19);
  CHECK(rows[1][0] == "analytics");
  CHECK(rows[1][7] == "waived");
  CHECK(rows[1][11] == "fail");
  CHECK(csv.find("\r\n") != std::string::npos);
}

TEST_CASE("report::write_csv: hostile cells are quoted and cannot start a formula", "[report]") {
  const std::string csv = render("csv", hostile());
  const auto rows = parse_csv(csv);
  REQUIRE(rows.size() == 12);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    REQUIRE(rows[i].size() == 19);
    for (const auto& cell : rows[i]) {
      CHECK((cell.empty() || std::string_view("=+-@").find(cell.front()) == std::string_view::npos));
    }
    CHECK(rows[i][0].find("<script>alert(\"x\")</script> | a,b \"q\" 'p'\nnew line") == 0);
    CHECK(rows[i][9].starts_with("'=HYPERLINK(\"http://x\")"));
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
  // OWASP CSV injection: blanks before the formula character, or a leading tab or CR.
  CHECK(render_cell(" =1+1") == "' =1+1");
  CHECK(render_cell("   @SUM(A1)") == "'   @SUM(A1)");
  CHECK(render_cell("\t=1+1") == "'\t=1+1");
  CHECK(render_cell("\tplain") == "'\tplain");
  CHECK(render_cell(" \t -2") == "' \t -2");
  CHECK(render_cell("a =1") == "a =1");
  CHECK(render_cell("  ") == "  ");
  CHECK(render_cell("\r=1") == "\\r=1");  // CR is shown as \r first, which no spreadsheet runs
}

TEST_CASE("report::write_csv: ids with blanks before a formula are neutralised, read back by Python's csv",
          "[report]") {
  const auto r = with_target_ids(health_data_hub(), {" =1+1", "\t=1+1", "  +SUM(1)", "\t@cmd"});
  const auto dir = fresh_dir("csv-formula");
  write_text_file(dir / "report.csv", render("csv", r));
  // A real CSV reader: no cell, stripped of blanks as a spreadsheet does, may start a formula.
  const auto result = test_support::run(
      "python3 -c 'import csv,sys\n"
      "rows = list(csv.reader(open(sys.argv[1], newline=\"\")))[1:]\n"
      "bad = [c for r in rows for c in r if c.lstrip(\" \\t\\r\\n\")[:1] in (\"=\",\"+\",\"-\",\"@\") or c[:1] in "
      "(\"\\t\",\"\\r\")]\n"
      "print(len(rows), \"rows\", len(bad), \"formulas\", bad)\n"
      "sys.exit(1 if bad or not rows else 0)' " +
      test_support::shell_quote((dir / "report.csv").string()));
  INFO(result.output);
  CHECK(result.status == 0);
  CHECK(result.output.find("0 formulas") != std::string::npos);
  const auto rows = parse_csv(render("csv", r));
  std::size_t neutralised = 0;
  for (const auto& row : rows) neutralised += row[0] == "' =1+1" || row[0] == "'\t=1+1" ? 1 : 0;
  CHECK(neutralised > 0);
}

TEST_CASE("report::write_csv: provider, country, region, entity and laws from the target's facts", "[report]") {
  auto r = health_data_hub();
  auto& azure = r.targets[1];
  REQUIRE(azure.target.id == "hdh-azure");
  azure.facts.set_known("controlled_by.providers", {"azure"});
  azure.facts.set_known("served_from.countries", {"FR"});
  azure.facts.set_known("served_from.regions", {"azure:francecentral"});
  azure.facts.set_known("controlled_by.entities", {"Microsoft Corporation", "Microsoft Ireland Operations, Ltd."});
  azure.facts.set_known("controlled_by.laws", {"us-cloud-act", "us-fisa-702"});
  const auto rows = parse_csv(render("csv", r));
  bool seen = false;
  for (const auto& row : rows) {
    if (row[0] != "hdh-azure") continue;
    seen = true;
    CHECK(row[1] == "azure");
    CHECK(row[2] == "FR");
    CHECK(row[3] == "azure:francecentral");
    CHECK(row[4] == "Microsoft Corporation; Microsoft Ireland Operations, Ltd.");
    CHECK(row[5] == "us-cloud-act; us-fisa-702");
  }
  CHECK(seen);
  // portal: its location is indeterminate (anycast): the cell says unknown, not empty.
  for (const auto& row : rows) {
    if (row[0] == "portal") CHECK(row[2] == "unknown");
  }
}
