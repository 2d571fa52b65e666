// Tests of the JUnit report: validation against junit.xsd with xmllint, the mapping of verdicts
// to failure/error/skipped, and escaping of hostile strings.
#include "fixture.hpp"
#include "support/run_command.hpp"
#include "support/shared_data.hpp"

#include <catch2/catch.hpp>

using namespace report_test;
using namespace test_support;

namespace {

RunResult validate(const std::string& xml, const std::string& name) {
  const auto dir = fresh_dir(name);
  write_text_file(dir / "report.xml", xml);
  return run("xmllint --noout --schema " + shell_quote(test_support::shared_file("schemas/junit.xsd").string()) + " " +
             shell_quote((dir / "report.xml").string()));
}

std::string xpath(const std::string& xml, const std::string& expr, const std::string& name) {
  const auto dir = fresh_dir(name);
  write_text_file(dir / "report.xml", xml);
  std::string out =
      run("xmllint --xpath " + shell_quote(expr) + " " + shell_quote((dir / "report.xml").string())).output;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

TEST_CASE("report::write_junit: validates against junit.xsd", "[report]") {
  REQUIRE(have_program("xmllint"));
  auto ok = validate(render("junit", health_data_hub()), "junit-valid");
  INFO(ok.output);
  CHECK(ok.status == 0);
  auto hostile_ok = validate(render("junit", hostile()), "junit-valid-hostile");
  INFO(hostile_ok.output);
  CHECK(hostile_ok.status == 0);
}

TEST_CASE("report::write_junit: a suite per policy / verdicts mapped to elements", "[report]") {
  REQUIRE(have_program("xmllint"));
  const std::string xml = render("junit", health_data_hub());
  CHECK(xpath(xml, "count(//testsuite)", "junit-x1") == "2");
  CHECK(xpath(xml, "string(//testsuite[@name='fr-secnumcloud']/@failures)", "junit-x2") == "2");
  CHECK(xpath(xml, "string(//testsuite[@name='fr-secnumcloud']/@errors)", "junit-x3") == "1");
  CHECK(xpath(xml, "string(//testsuite[@name='fr-health-data']/@skipped)", "junit-x4") == "1");
  CHECK(xpath(xml, "string(//testsuite[1]/@timestamp)", "junit-x5") == "2026-11-30T05:00:00");
  CHECK(xpath(xml, "string(//testsuite[1]/@hostname)", "junit-x6") == "ci-runner-01");
  CHECK(xpath(xml, "string(//testcase[@name='hdh-azure :: SNC-19.6']/failure/@type)", "junit-x7") == "critical");
  CHECK(xpath(xml, "string(//testcase[@name='registry :: FR-TLS-TERM']/skipped/@message)", "junit-x8")
            .starts_with("unknown (not counted): "));
  CHECK(xpath(xml, "string(//testcase[@name='analytics :: SNC-19.6']/skipped/@message)", "junit-x9")
            .starts_with("waived: waived by W1"));
  CHECK(xpath(xml, "count(//testcase[@name='hdh-ovh :: SNC-19.6']/*)", "junit-x10") == "0");
}

TEST_CASE("report::write_junit: hostile strings are escaped", "[report]") {
  const std::string xml = render("junit", hostile());
  CHECK(xml.find("<script>") == std::string::npos);
  CHECK(xml.find("</failure>]]>") == std::string::npos);
  CHECK(xml.find("&lt;script&gt;") != std::string::npos);
  CHECK(xml.find('\0') == std::string::npos);
  CHECK(xml.find("hostname=\"&lt;b&gt;host&lt;/b&gt; &quot;evil&quot;\"") != std::string::npos);
}

TEST_CASE("report::write_junit: the manifest's metadata as properties", "[report]") {
  const std::string xml = render("junit", health_data_hub());
  CHECK(xml.find("<property name=\"organisation\" value=\"Health Data Hub (fixture)\"/>") != std::string::npos);
}
