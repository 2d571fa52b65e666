// Tests of the HTML report: self-contained, escaped, and rendered by headless Chromium without
// console errors, with the summary in the rendered DOM and a non-trivial screenshot.
#include "fixture.hpp"
#include "support/run_command.hpp"

#include <catch2/catch.hpp>

#include <regex>

using namespace report_test;
using namespace test_support;

namespace {

struct Rendered {
  RunResult dom;  // --dump-dom output (stdout+stderr, with the console log)
  RunResult shot;
  std::filesystem::path png;
};

std::string chromium_command(const std::filesystem::path& dir, const std::string& mode) {
  return "chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
         "--disable-component-update --disable-sync --user-data-dir=" +
         shell_quote((dir / ("profile-" + mode.substr(2, 4))).string()) +
         " --enable-logging=stderr --v=0 --window-size=1200,900 " + mode + " " +
         shell_quote("file://" + (dir / "report.html").string());
}

Rendered render_in_chromium(const std::string& html, const std::string& name) {
  const auto dir = fresh_dir(name);
  write_text_file(dir / "report.html", html);
  Rendered r;
  r.png = dir / "screenshot.png";
  r.dom = run(chromium_command(dir, "--dump-dom"));
  r.shot = run(chromium_command(dir, "--screenshot=" + shell_quote(r.png.string())));
  return r;
}

}  // namespace

TEST_CASE("report::write_html: self-contained and printable", "[report]") {
  const std::string html = render("html", health_data_hub());
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("@font-face") == std::string::npos);
  // Only legal references link out, and only over http(s).
  std::regex href(R"re(href="([^"]*)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it) {
    const std::string target = (*it)[1];
    CHECK((target.starts_with("#") || target.starts_with("https://")));
  }
  CHECK(html.find("Summary: 11 findings: 3 pass, 4 fail, 3 unknown, 1 waived") < html.find("Policy fr-health-data"));
}

TEST_CASE("report::write_html: hostile strings are escaped", "[report]") {
  const std::string html = render("html", hostile());
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<b>host") == std::string::npos);
  CHECK(html.find("href=\"javascript") == std::string::npos);
  CHECK(html.find("<policy&>") == std::string::npos);
  CHECK(html.find('\0') == std::string::npos);
  CHECK(html.find("\xff") == std::string::npos);
}

TEST_CASE("report::write_html: renders in headless Chromium without console errors", "[report][chromium]") {
  REQUIRE(have_program("chromium"));  // scripts/setup.sh --tests installs it
  for (const auto& [name, result] : {std::pair{"html-chromium", health_data_hub()}, std::pair{"html-chromium-hostile", hostile()}}) {
    const Rendered r = render_in_chromium(render("html", result), name);
    INFO(r.dom.output.substr(0, 2000));
    CHECK(r.dom.status == 0);
    CHECK(r.dom.output.find("Uncaught") == std::string::npos);
    CHECK(r.dom.output.find("ERROR:CONSOLE") == std::string::npos);
    CHECK(r.dom.output.find("id=\"summary-line\">Summary: 11 findings: 3 pass, 4 fail, 3 unknown, 1 waived") !=
          std::string::npos);
    // The hostile script stays text: the rendered DOM has no script element.
    CHECK(r.dom.output.find("<script") == std::string::npos);
    INFO(r.shot.output.substr(0, 2000));
    CHECK(r.shot.status == 0);
    REQUIRE(std::filesystem::exists(r.png));
    CHECK(std::filesystem::file_size(r.png) > 20000);
  }
}
