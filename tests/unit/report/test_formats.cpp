// The shared check over every format (bloaty's fixture): parse each output back and require that
// each (target, policy, requirement) appears once with the same verdict as in the model, and that
// every format states the same verdict counts.
#include "csv_parse.hpp"
#include "fixture.hpp"
#include "support/run_command.hpp"

#include "core/target_store.hpp"
#include "core/text.hpp"
#include "report/report.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <regex>
#include <tuple>

using namespace report_test;
using namespace test_support;

namespace {

using Key = std::tuple<std::string, std::string, std::string>;  // target, policy, requirement
using Verdicts = std::map<Key, std::string>;

// Line-oriented formats fold line breaks; compare keys the same way everywhere.
std::string fold(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s;
}

void add(Verdicts& out, const std::string& t, const std::string& p, const std::string& r, const std::string& v) {
  const Key key{fold(t), fold(p), fold(r)};
  INFO("duplicate " << std::get<0>(key) << " / " << p << " / " << r);
  CHECK(out.count(key) == 0);
  out[key] = v;
}

Verdicts from_json(const std::string& text) {
  Verdicts out;
  const auto doc = nlohmann::json::parse(text);
  for (const auto& f : doc["findings"]) {
    add(out, f["target"], f["policy"], f["requirement"], f["verdict"]);
  }
  return out;
}

Verdicts from_sarif(const std::string& text) {
  Verdicts out;
  const auto doc = nlohmann::json::parse(text);
  for (const auto& r : doc["runs"][0]["results"]) {
    const auto& p = r["properties"];
    std::string rule = r["ruleId"];
    const std::string policy = p["policy"];
    if (rule.starts_with(policy + "/")) rule = rule.substr(policy.size() + 1);
    add(out, p["target"], policy, rule, p["verdict"]);
  }
  return out;
}

Verdicts from_csv(const std::string& text) {
  Verdicts out;
  const auto rows = parse_csv(text);
  for (std::size_t i = 1; i < rows.size(); ++i) add(out, rows[i][0], rows[i][10], rows[i][6], rows[i][7]);
  return out;
}

std::string xml_unescape(std::string s) {
  const std::pair<const char*, const char*> entities[] = {{"&lt;", "<"},   {"&gt;", ">"},   {"&quot;", "\""},
                                                          {"&apos;", "'"}, {"&#10;", "\n"}, {"&#13;", "\r"},
                                                          {"&#9;", "\t"},  {"&amp;", "&"}};
  for (const auto& [from, to] : entities) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + 1))
      s.replace(pos, std::strlen(from), to);
  }
  return s;
}

std::string junit_verdict(const std::string& body) {
  if (body.find("<failure") != std::string::npos) return "fail";
  if (body.find("<error") != std::string::npos) return "unknown";
  if (body.find("<skipped message=\"waived:") != std::string::npos) return "waived";
  if (body.find("<skipped message=\"unknown") != std::string::npos) return "unknown";
  return "pass";
}

Verdicts from_junit(const std::string& text) {
  Verdicts out;
  const std::regex testcase(
      R"re(<testcase name="([^"]*) :: ([^"]*)" classname="([^"]*)" time="0"(/>|>([\s\S]*?)</testcase>))re");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), testcase); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    add(out, xml_unescape(m[1]), xml_unescape(m[3]), xml_unescape(m[2]), junit_verdict(m[5]));
  }
  return out;
}

core::Counts tally(const Verdicts& v) {
  core::Counts c;
  for (const auto& [key, verdict] : v) {
    if (verdict == "pass") ++c.pass;
    if (verdict == "fail") ++c.fail;
    if (verdict == "unknown") ++c.unknown;
    if (verdict == "waived") ++c.waived;
  }
  return c;
}

// The "N findings: P pass, F fail, U unknown, W waived" line of the human formats.
core::Counts summary_counts(const std::string& text) {
  std::smatch m;
  REQUIRE(
      std::regex_search(text, m, std::regex(R"((\d+) findings: (\d+) pass, (\d+) fail, (\d+) unknown, (\d+) waived)")));
  core::Counts c{std::stoi(m[2]), std::stoi(m[3]), std::stoi(m[4]), std::stoi(m[5])};
  CHECK(std::stoi(m[1]) == c.total());
  return c;
}

void check_counts(const core::Counts& a, const core::Counts& b) {
  CHECK(a.pass == b.pass);
  CHECK(a.fail == b.fail);
  CHECK(a.unknown == b.unknown);
  CHECK(a.waived == b.waived);
}

void check_all_formats(const core::AuditResult& result) {
  const core::Counts expected = result.counts();
  const Verdicts json = from_json(render("json", result));
  REQUIRE(json.size() == result.findings.size());
  check_counts(tally(json), expected);
  CHECK(from_csv(render("csv", result)) == json);
  CHECK(from_junit(render("junit", result)) == json);
  Verdicts non_pass = json;
  std::erase_if(non_pass, [](const auto& kv) { return kv.second == "pass"; });
  CHECK(from_sarif(render("sarif", result)) == non_pass);
  for (const char* human : {"text", "markdown", "markdown-summary", "html"}) {
    INFO("format " << human);
    check_counts(summary_counts(render(human, result)), expected);
  }
}

}  // namespace

TEST_CASE("report: every format lists each finding once with the same verdicts and counts", "[report]") {
  REQUIRE(report::formats().size() == 8);
  SECTION("health data hub") { check_all_formats(health_data_hub()); }
  SECTION("hostile strings") { check_all_formats(hostile()); }
}

// What `residency audit` does for every format but a JSON report alone: the targets go to a
// scratch file as they are judged (core::TargetStore), and the reports read them back.
core::AuditResult with_stored_targets(core::AuditResult r, const std::string& folder) {
  auto store = core::TargetStore::open(fresh_dir(folder));
  REQUIRE(store);
  for (const auto& t : r.targets) (*store)->add(t);
  r.targets.clear();
  r.stored_targets = *store;
  return r;
}

TEST_CASE("report: every format renders the same from targets stored in a scratch file", "[report]") {
  for (const auto& [name, result] : {std::pair{"health data hub", health_data_hub()}, std::pair{"hostile", hostile()},
                                     std::pair{"large", large(300, 3)}}) {
    const auto stored = with_stored_targets(result, "stored-targets");
    REQUIRE(stored.targets.empty());
    REQUIRE(stored.target_count() == result.targets.size());
    REQUIRE(result.target_count() > 0);
    for (const auto& format : report::formats()) {
      INFO(name << ", format " << format.name);
      CHECK(render(std::string(format.name), stored) == render(std::string(format.name), result));
    }
    CHECK(stored.targets_readable());
  }
}

TEST_CASE("report: every format is byte-stable", "[report]") {
  auto shuffled = hostile();
  std::reverse(shuffled.findings.begin(), shuffled.findings.end());
  std::reverse(shuffled.waivers.begin(), shuffled.waivers.end());
  for (const auto& format : report::formats()) {
    INFO("format " << format.name);
    CHECK(render(std::string(format.name), shuffled) == render(std::string(format.name), hostile()));
  }
}

TEST_CASE("report: the predicate trace appears only with --explain, in every format that shows findings", "[report]") {
  core::AuditResult plain = health_data_hub();
  core::AuditResult traced = plain;
  traced.explain = true;
  for (const char* format : {"text", "markdown", "html", "junit"}) {
    INFO(format);
    CHECK(render(format, traced).find("why: ") != std::string::npos);
    CHECK(render(format, plain).find("why: ") == std::string::npos);
  }
  auto sarif_trace = [](const std::string& text) {
    auto doc = nlohmann::json::parse(text);
    std::size_t n = 0;
    for (const auto& r : doc["runs"][0]["results"]) n += r["properties"]["explanation"].size();
    return n;
  };
  CHECK(sarif_trace(render("sarif", traced)) > 0);
  CHECK(sarif_trace(render("sarif", plain)) == 0);
  CHECK(render("json", traced).find("\"explanation\"") != std::string::npos);
  CHECK(render("json", plain).find("\"explanation\"") == std::string::npos);
}

TEST_CASE("report: no format carries a raw control, DEL, C1 or bidi character", "[report]") {
  // The hostile fixture holds ESC, NUL, CR, DEL, U+009B (8-bit CSI), U+202E (RLO), U+2066 (LRI)
  // and invalid bytes; every format shows them as text (core::terminal_safe's rules) or escapes.
  for (const auto& format : report::formats()) {
    const std::string name(format.name);
    const std::string out = render(name, hostile());
    INFO("format " << name);
    REQUIRE(core::valid_utf8(out));
    std::size_t raw = 0;
    for (std::size_t i = 0; i < out.size();) {
      const auto c = static_cast<unsigned char>(out[i]);
      const std::size_t n = core::utf8_length(out, i);
      const bool line_end = c == '\n' || (c == '\r' && i + 1 < out.size() && out[i + 1] == '\n' && name == "csv");
      if (n == 1 && c < 0x20 && c != '\t' && !line_end) ++raw;
      if (n == 1 && c == 0x7F) ++raw;
      if (n > 1) {
        const std::string_view seq(out.data() + i, n);
        for (std::string_view hidden : {"\xC2\x9B", "\xE2\x80\xAE", "\xE2\x81\xA6"}) raw += seq == hidden ? 1 : 0;
      }
      i += n;
    }
    CHECK(raw == 0);
  }
  CHECK(render("text", hostile()).find("csi:<U+009B>2J rlo:<U+202E>txt.exe lri:<U+2066> del:\\x7f cr:\\r end") !=
        std::string::npos);
  CHECK(render("markdown", hostile()).find("csi:<U+009B>2J rlo:<U+202E>txt.exe") == std::string::npos);  // < as &lt;
  CHECK(render("markdown", hostile()).find("csi:&lt;U+009B&gt;2J rlo:&lt;U+202E&gt;txt.exe") != std::string::npos);
  CHECK(render("html", hostile()).find("rlo:&lt;U+202E&gt;txt.exe") != std::string::npos);
  CHECK(render("json", hostile()).find("rlo:<U+202E>txt.exe lri:<U+2066> del:\\\\x7f") != std::string::npos);
}
