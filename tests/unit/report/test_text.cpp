// Tests of the text report: golden output, colour switch, hostile strings.
#include "fixture.hpp"

#include "report/report.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <sstream>

using namespace report_test;

TEST_CASE("report::write_text: matches the golden file", "[report]") {
  check_golden("health_data_hub.text", render("text", health_data_hub()));
}

TEST_CASE("report::write_text: summary first / failures before passes", "[report]") {
  const std::string text = render("text", health_data_hub());
  const auto summary = text.find("Summary: 11 findings: 3 pass, 4 fail, 3 unknown, 1 waived");
  const auto failures = text.find("Failures (4)");
  const auto unknowns = text.find("Unknowns (3)");
  const auto passes = text.find("Passes (3)");
  REQUIRE(summary != std::string::npos);
  REQUIRE(failures != std::string::npos);
  REQUIRE(unknowns != std::string::npos);
  REQUIRE(passes != std::string::npos);
  CHECK(summary < failures);
  CHECK(failures < unknowns);
  CHECK(unknowns < passes);
  CHECK(text.find("exit code 1: a proven failure at or above --fail-on high") != std::string::npos);
  CHECK(text.find("as of 2026-11-30") != std::string::npos);
  CHECK(text.find("evidence: law: US → us-cloud-act") != std::string::npos);
  CHECK(text.find("waiver: waiver W2 expired on 2026-10-01") != std::string::npos);
}

TEST_CASE("report::write_text: colour only when asked", "[report]") {
  std::ostringstream plain, coloured;
  report::write_text(health_data_hub(), plain, {report::Colour::no});
  report::write_text(health_data_hub(), coloured, {report::Colour::yes});
  CHECK(plain.str().find('\x1b') == std::string::npos);
  CHECK(coloured.str().find("\x1b[1;31mFAIL\x1b[0m") != std::string::npos);
}

TEST_CASE("report::write_text: hostile strings cannot inject control characters", "[report]") {
  const std::string text = render("text", hostile());
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\0') == std::string::npos);
  CHECK(text.find("\xff") == std::string::npos);
  CHECK(text.find("donn\xC3\xA9" "es-sant\xC3\xA9") != std::string::npos);
  // Every finding line stays on one line: the hostile newline became a space.
  CHECK(text.find("'p' new line =cmd") != std::string::npos);
}

TEST_CASE("report: a baseline says what it did, and never 'no failure' above failures", "[report]") {
  auto r = health_data_hub();
  r.baseline_used = true;
  int known = 0, new_fail = 0, known_fail = 0, new_unknown = 0, known_unknown = 0;
  for (auto& f : r.findings) {
    if (f.verdict != core::Verdict::fail && f.verdict != core::Verdict::unknown) continue;
    // hdh-azure's and portal's findings are new; every other failure and unknown is in the baseline.
    const bool is_new = f.target_id == "hdh-azure" || f.target_id == "portal";
    f.baseline = is_new ? core::Finding::Baseline::is_new : core::Finding::Baseline::existing;
    const bool fail = f.verdict == core::Verdict::fail;
    (is_new ? (fail ? new_fail : new_unknown) : (fail ? known_fail : known_unknown))++;
    if (!is_new) {
      f.counts_as_failure = false;
      ++known;
    }
  }
  REQUIRE(known > 0);
  REQUIRE(new_fail > 1);
  REQUIRE(known_fail > 0);
  const std::string line = fmt::format("{} new failures ({} known in the baseline); {} new unknown{} ({} known)",
                                       new_fail, known_fail, new_unknown, new_unknown == 1 ? "" : "s", known_unknown);
  const std::string text = render("text", r);
  INFO(text);
  CHECK(text.find("Baseline: " + line) != std::string::npos);
  CHECK(text.find("(new)") != std::string::npos);
  CHECK(text.find("(known)") != std::string::npos);
  CHECK(render("markdown", r).find("**Baseline:** " + line) != std::string::npos);
  CHECK(render("html", r).find("<p id=\"baseline-line\">Baseline: " + line) != std::string::npos);
  // All known: exit 0, and the result line says the failures are known, not that there are none.
  for (auto& f : r.findings) {
    if (f.baseline == core::Finding::Baseline::is_new) {
      f.baseline = core::Finding::Baseline::existing;
      f.counts_as_failure = false;
    }
  }
  r.exit_code = 0;
  const std::string all_known = render("text", r);
  CHECK(all_known.find("no failure") == std::string::npos);
  CHECK(all_known.find("exit code 0: no new failure at or above the threshold, no new unknown that counts (4 "
                       "failures and 3 unknowns known in the baseline are reported, not counted)") !=
        std::string::npos);
}

TEST_CASE("report: --fail-on none is named in the result line and the machine formats", "[report]") {
  auto r = health_data_hub();
  r.fail_on_none = true;
  for (auto& f : r.findings) f.counts_as_failure = false;
  r.exit_code = 0;
  CHECK(render("text", r).find(
            "exit code 0: --fail-on none (failures, unknowns and stale data are reported, not counted)") !=
        std::string::npos);
  CHECK(render("json", r).find("\"fail_on\": \"none\"") != std::string::npos);
  CHECK(render("junit", r).find("<property name=\"fail_on\" value=\"none\"/>") != std::string::npos);
}
