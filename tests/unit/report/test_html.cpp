// Tests of the HTML report: self-contained (one inline script, inline SVG, no external asset),
// escaped (also inside the script's JSON data), and checked in headless Chromium through
// tests/tools/check_html.mjs (playwright-core, installed by scripts/setup.sh --tests): no console
// error, the picture of the two axes with each target in its cell, working filters, the full
// list when printed — and a 100,000-finding report that loads.
#include "fixture.hpp"
#include "support/run_command.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <regex>

using namespace report_test;
using namespace test_support;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

// Run check_html.mjs on `html`; fails the test naming what is missing when the tools are absent.
RunResult check_in_chromium(const std::string& html, const std::string& name, const std::string& args) {
  REQUIRE(have_program("node"));
  REQUIRE(have_program("chromium"));  // scripts/setup.sh --tests installs both
  const auto playwright = source_path("tests/tools/node_modules/playwright-core/package.json");
  INFO("missing " << playwright.string() << " (scripts/setup.sh --tests runs npm ci in tests/tools)");
  REQUIRE(std::filesystem::exists(playwright));
  const auto dir = fresh_dir(name);
  write_text_file(dir / "report.html", html);
  return run("node " + shell_quote(source_path("tests/tools/check_html.mjs").string()) + " " +
             shell_quote((dir / "report.html").string()) + " " + shell_quote((dir / "shots").string()) + " " + args);
}

}  // namespace

TEST_CASE("report::write_html: self-contained and printable", "[report]") {
  const std::string html = render("html", health_data_hub());
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(count(html, "<script") == 2);  // the JSON data block and the filters
  CHECK(count(html, "</script>") == 2);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("@font-face") == std::string::npos);
  CHECK(html.find("fetch(") == std::string::npos);
  // Only legal references link out, and only over http(s).
  std::regex href(R"re(href="([^"]*)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it) {
    const std::string target = (*it)[1];
    CHECK((target.starts_with("#") || target.starts_with("https://")));
  }
  CHECK(html.find("Summary: 11 findings: 3 pass, 4 fail, 3 unknown, 1 waived") < html.find("id=\"placement-svg\""));
  CHECK(html.find("id=\"placement-svg\"") < html.find("Policy fr-health-data"));
}

TEST_CASE("report::write_html: the picture, the bars and the per-target view come from the model", "[report]") {
  auto result = health_data_hub();
  result.targets[1].placement = {core::Placement::Served::eea, core::Placement::Control::non_eu, "FR",
                                 "US"};  // hdh-azure
  const std::string html = render("html", result);
  // hdh-azure sits in the (EEA, non-EU) cell with its countries; the others are unknown.
  const auto cell = html.find("<g class=\"cell\" data-served=\"eea\" data-control=\"non-eu\">");
  REQUIRE(cell != std::string::npos);
  const auto end = html.find("</g>", cell);
  const std::string in_cell = html.substr(cell, end - cell);
  CHECK(in_cell.find("data-target=\"hdh-azure\"") != std::string::npos);
  CHECK(in_cell.find("hdh-azure <tspan class=\"cc\">FR · US</tspan>") != std::string::npos);
  CHECK(in_cell.find(">1 target<") != std::string::npos);
  CHECK(in_cell.find("class=\"dot d-fail\"") != std::string::npos);  // its worst verdict
  const auto unknown = html.find("<g class=\"cell\" data-served=\"unknown\" data-control=\"unknown\">");
  CHECK(html.substr(unknown, html.find("</g>", unknown) - unknown).find(">5 targets<") != std::string::npos);
  // Per policy: a bar and the pass percentage, rounded down (fr-health-data: 2 passes of 6 → 33%;
  // fr-secnumcloud: 1 of 5, the waived one not counted as a pass → 20%).
  CHECK(html.find("<tr data-p=\"fr-health-data\"><td>fr-health-data</td><td><svg class=\"bar\"") != std::string::npos);
  CHECK(html.find("33% pass") != std::string::npos);
  CHECK(html.find("20% pass") != std::string::npos);
  // Per target: its findings and the evidence chain.
  const auto t = html.find("<details class=\"target w-fail\" id=\"t-1\">");
  REQUIRE(t != std::string::npos);
  CHECK(html.find("hdh-azure — served in the EEA, controlled from outside the EU</summary>", t) != std::string::npos);
  CHECK(html.find("evidence: entity: azure → Microsoft Corporation", t) != std::string::npos);
}

TEST_CASE("report::write_html: hostile strings are escaped, also in the script's data", "[report]") {
  const std::string html = render("html", hostile());
  CHECK(count(html, "<script") == 2);
  CHECK(count(html, "</script>") == 2);
  CHECK(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<b>host") == std::string::npos);
  CHECK(html.find("href=\"javascript") == std::string::npos);
  CHECK(html.find("<policy&>") == std::string::npos);
  CHECK(html.find("\"\\u003cpolicy\\u0026\\u003e\"") != std::string::npos);  // the filter's policy list
  CHECK(html.find('\0') == std::string::npos);
  CHECK(html.find("\xff") == std::string::npos);
}

TEST_CASE("report::write_html: in headless Chromium, the picture, the filters and print", "[report][chromium]") {
  auto result = health_data_hub();
  result.targets[1].placement = {core::Placement::Served::eea, core::Placement::Control::non_eu, "FR", "US"};
  result.targets[2].placement = {core::Placement::Served::eea, core::Placement::Control::eu, "FR", "FR"};
  const auto r =
      check_in_chromium(render("html", result), "html-chromium",
                        "--filters --summary '11 findings: 3 pass, 4 fail, 3 unknown, 1 waived' "
                        "--expect hdh-azure=eea/non-eu --expect hdh-ovh=eea/eu --expect portal=unknown/unknown");
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(r.output.find("FAILED") == std::string::npos);
  CHECK(r.output.find("ok: hdh-azure is drawn in the cell served eea × controlled non-eu") != std::string::npos);
  CHECK(r.output.find("ok: no console error") != std::string::npos);
}

TEST_CASE("report::write_html: the checker fails when a target is in another cell", "[report][chromium]") {
  const auto r =
      check_in_chromium(render("html", health_data_hub()), "html-chromium-wrong", "--expect hdh-azure=eea/non-eu");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("FAILED: hdh-azure is drawn in the cell served eea × controlled non-eu") != std::string::npos);
}

TEST_CASE("report::write_html: hostile strings render without a script running", "[report][chromium]") {
  const auto r = check_in_chromium(render("html", hostile()), "html-chromium-hostile", "--filters");
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(r.output.find("ok: no console error") != std::string::npos);
}

TEST_CASE("report::write_html: 100,000 findings render linearly and load in Chromium", "[report][chromium]") {
  const auto result = large(20000, 5);
  REQUIRE(result.findings.size() == 100000);
  const auto started = std::chrono::steady_clock::now();
  const std::string html = render("html", result);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  WARN("HTML of 100,000 findings: " << html.size() / 1000000.0 << " MB in " << ms.count() << " ms (ASan build)");
  CHECK(html.find("Summary: 100000 findings:") != std::string::npos);
  CHECK(html.find(" open>") == std::string::npos);  // every large section starts collapsed
  const auto svg = html.find("<svg id=\"placement-svg\"");
  CHECK(html.find("</svg>", svg) - svg < 40000);  // bounded: six named targets per cell, not 20,000
  CHECK(html.find("+ 1661 more (see Targets)") != std::string::npos);
  const auto r = check_in_chromium(html, "html-chromium-100k", "--filters --timeout-ms 300000");
  INFO(r.output.substr(0, 3000));
  CHECK(r.status == 0);
  WARN(r.output.substr(0, r.output.find('\n')));  // "load: N ms"
}

TEST_CASE("report::write_html: ids that escape or fold alike get unique anchors, and every link resolves", "[report]") {
  // " =1+1" and "\t=1+1" look alike once folded; "a\x01" and "a\x02" once control characters go.
  const auto r = with_target_ids(health_data_hub(), {" =1+1", "\t=1+1", "a\x01", "a\x02", "a"});
  const std::string html = render("html", r);
  CHECK(html == render("html", r));  // stable
  const auto dir = fresh_dir("html-anchors");
  write_text_file(dir / "report.html", html);
  // A real HTML parser: every id= is unique, every href="#…" names one, each target has its anchor.
  const auto result =
      run("python3 -c 'import sys, collections, html.parser\n"
          "class P(html.parser.HTMLParser):\n"
          "  ids = collections.Counter(); refs = []\n"
          "  def handle_starttag(self, tag, attrs):\n"
          "    a = dict(attrs)\n"
          "    if \"id\" in a: self.ids[a[\"id\"]] += 1\n"
          "    if (a.get(\"href\") or \"\").startswith(\"#\"): self.refs.append(a[\"href\"][1:])\n"
          "p = P(); p.feed(open(sys.argv[1], encoding=\"utf-8\").read())\n"
          "dup = [i for i, n in p.ids.items() if n > 1]\n"
          "lost = [h for h in P.refs if h not in p.ids]\n"
          "targets = [i for i in p.ids if i.startswith(\"t-\")]\n"
          "print(len(p.ids), \"ids,\", len(targets), \"target anchors,\", len(P.refs), \"links; duplicates\", dup, "
          "\"dangling\", lost)\n"
          "sys.exit(1 if dup or lost or len(targets) < 5 else 0)' " +
          shell_quote((dir / "report.html").string()));
  INFO(result.output);
  CHECK(result.status == 0);
  // Each look-alike id links to its own section: the summary names the id as escaped.
  for (const std::string shown : {" =1+1", "\t=1+1", "a\\x01", "a\\x02"}) {
    const auto at = html.find("\">" + shown + "</a>");
    INFO(shown);
    CHECK(at != std::string::npos);
  }
}
