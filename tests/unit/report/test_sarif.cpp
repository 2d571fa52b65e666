// Tests of the SARIF report: validation against the OASIS 2.1.0 schema (../shared/schemas) and
// by Microsoft's SARIF multitool with GitHub's rules (validate --rule-kind "Gh;Sarif": no error
// or warning); rules, levels, kinds, locations relative to %SRCROOT%, suppressions, fingerprints.
#include "fixture.hpp"
#include "support/run_command.hpp"
#include "support/shared_data.hpp"

#include "core/atomic_file.hpp"
#include "core/text.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>

using namespace report_test;
using namespace test_support;

namespace {

void check_valid_sarif(const std::string& sarif, const std::string& name) {
  const auto dir = fresh_dir(name);
  write_text_file(dir / "report.sarif", sarif);
  const auto result = run("/usr/bin/python3 " + shell_quote(source_path("tests/support/validate_json.py").string()) +
                          " " + shell_quote(test_support::shared_file("schemas/sarif-schema-2.1.0.json").string()) +
                          " " + shell_quote((dir / "report.sarif").string()));
  INFO(result.output);
  CHECK(result.status == 0);
}

// Run the native multitool (the npm wrapper splits arguments at ';') on `sarif`; return the
// "LEVEL RULE: message" lines of its errors and warnings (a result without level is a warning).
std::vector<std::string> multitool_problems(const std::string& sarif, const std::string& name) {
  const auto tool = source_path("tests/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
  INFO("missing " << tool.string() << " (scripts/setup.sh --tests runs npm ci in tests/tools)");
  REQUIRE(std::filesystem::exists(tool));
  const auto dir = fresh_dir(name);
  write_text_file(dir / "report.sarif", sarif);
  const auto log = dir / "validation.sarif";
  const auto result = run(shell_quote(tool.string()) + " validate --rule-kind 'Gh;Sarif' -o " +
                          shell_quote(log.string()) + " " + shell_quote((dir / "report.sarif").string()));
  INFO(result.output);
  REQUIRE(result.status == 0);
  const auto text = core::read_file(log);
  REQUIRE(text);
  const auto doc = nlohmann::json::parse(*text);
  std::vector<std::string> problems;
  for (const auto& r : doc["runs"][0].value("results", nlohmann::json::array())) {
    const std::string level = r.value("level", "warning");
    if (level != "error" && level != "warning") continue;
    problems.push_back(level + " " + r.value("ruleId", "") + ": " + r["message"].dump());
  }
  return problems;
}

const nlohmann::json* result_for(const nlohmann::json& run, const std::string& target, const std::string& rule) {
  for (const auto& r : run["results"]) {
    if (r["properties"]["target"] == target && r["ruleId"] == rule) return &r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("report::write_sarif: validates against the SARIF 2.1.0 schema", "[report]") {
  REQUIRE(run("/usr/bin/python3 -c 'import jsonschema'").status == 0);  // Debian python3-jsonschema
  check_valid_sarif(render("sarif", health_data_hub()), "sarif-valid");
  check_valid_sarif(render("sarif", hostile()), "sarif-valid-hostile");
}

TEST_CASE("report::write_sarif: Microsoft's multitool with GitHub's rules finds no error or warning",
          "[report][sarif]") {
  auto result = health_data_hub();
  result.source_root = "/work/repo";
  result.working_dir = "/work/repo";
  for (const auto& [name, r] :
       {std::pair{"sarif-multitool", result}, std::pair{"sarif-multitool-hostile", hostile()}}) {
    const auto problems = multitool_problems(render("sarif", r), name);
    std::string all;
    for (const auto& p : problems) all += p + "\n";
    INFO(name << ":\n" << all);
    CHECK(problems.empty());
  }
}

TEST_CASE("report::write_sarif: the multitool check can fail (a result without a location)", "[report][sarif]") {
  auto doc = nlohmann::json::parse(render("sarif", health_data_hub()));
  doc["runs"][0]["results"][0]["locations"] = nlohmann::json::array();
  const auto problems = multitool_problems(doc.dump(2), "sarif-multitool-broken");
  REQUIRE(!problems.empty());
  CHECK(problems.front().starts_with("error GH"));
}

TEST_CASE("report::write_sarif: the schema check can fail (no runs, a result without a message)", "[report]") {
  auto doc = nlohmann::json::parse(render("sarif", health_data_hub()));
  auto check_invalid = [&](const nlohmann::json& bad, const std::string& name) {
    const auto dir = fresh_dir(name);
    write_text_file(dir / "report.sarif", bad.dump());
    const auto result = run("/usr/bin/python3 " + shell_quote(source_path("tests/support/validate_json.py").string()) +
                            " " + shell_quote(test_support::shared_file("schemas/sarif-schema-2.1.0.json").string()) +
                            " " + shell_quote((dir / "report.sarif").string()));
    INFO(result.output);
    CHECK(result.status == 1);
  };
  auto no_runs = doc;
  no_runs.erase("runs");
  check_invalid(no_runs, "sarif-no-runs");
  auto no_message = doc;
  REQUIRE(!no_message["runs"][0]["results"].empty());
  no_message["runs"][0]["results"][0].erase("message");
  check_invalid(no_message, "sarif-no-message");
}

TEST_CASE("report::write_sarif: rules / results / levels / locations / suppressions", "[report]") {
  const auto doc = nlohmann::json::parse(render("sarif", health_data_hub()));
  CHECK(doc["version"] == "2.1.0");
  REQUIRE(doc["runs"].size() == 1);
  const auto& run0 = doc["runs"][0];
  const auto& driver = run0["tool"]["driver"];
  CHECK(driver["name"] == "residency");
  CHECK(driver["version"] == "0.1.0");
  REQUIRE(driver["rules"].size() == 3);
  const auto& snc = driver["rules"][2];
  CHECK(snc["id"] == "SNC-19.6");
  CHECK(snc["fullDescription"]["text"] == "SecNumCloud 3.2 §19.6 requires protection against extraterritorial laws.");
  CHECK(snc["help"]["text"].get<std::string>().find("18 U.S.C. § 2713") != std::string::npos);
  CHECK(snc["help"]["markdown"].get<std::string>().find(
            "- [18 U.S.C. § 2713 (CLOUD Act)](https://www.law.cornell.edu/uscode/text/18/2713)") != std::string::npos);
  CHECK(snc["properties"]["severity"] == "critical");
  CHECK(snc["properties"]["security-severity"] == "9.5");
  CHECK(snc["properties"]["tags"] == nlohmann::json::array({"security", "residency", "fr-secnumcloud"}));
  CHECK(snc["helpUri"] == "https://www.law.cornell.edu/uscode/text/18/2713");
  CHECK(driver["rules"][0]["properties"]["security-severity"] == "8.0");  // FR-HDS-LOC, high
  CHECK(driver["rules"][1]["properties"]["security-severity"] == "5.5");  // FR-TLS-TERM, medium
  CHECK(snc["properties"]["policy"] == "fr-secnumcloud");
  CHECK(run0["results"].size() == 8);  // 11 findings minus 3 passes
  const auto* azure = result_for(run0, "hdh-azure", "SNC-19.6");
  REQUIRE(azure != nullptr);
  CHECK((*azure)["level"] == "error");
  CHECK((*azure)["kind"] == "fail");
  CHECK((*azure)["ruleIndex"] == 2);
  const auto& loc = (*azure)["locations"][0]["physicalLocation"];
  CHECK(loc["artifactLocation"]["uri"] == "examples/health-data-hub/audit.yaml");
  CHECK(loc["region"]["startLine"] == 12);
  CHECK((*azure)["partialFingerprints"]["residency/v1"] == core::stable_hash("hdh-azure|SNC-19.6|Microsoft Corporation|US"));
  const auto* tls = result_for(run0, "portal", "FR-TLS-TERM");
  REQUIRE(tls != nullptr);
  CHECK((*tls)["level"] == "warning");
  const auto* waived = result_for(run0, "analytics", "SNC-19.6");
  REQUIRE(waived != nullptr);
  CHECK((*waived)["suppressions"][0]["kind"] == "external");
  CHECK((*waived)["suppressions"][0]["status"] == "accepted");
  CHECK((*waived)["suppressions"][0]["justification"] ==
        "Waiver W1: Migration to a qualified offer planned for Q1 2027. Owner: dpo@hdh.example.fr. Legal basis: SCC "
        "2021/914 + TIA-2026-04. Expires 2027-03-31.");
  // Unknowns are open questions, not failures: kind "open", level "none".
  bool open = false;
  for (const auto& r : run0["results"]) {
    if (r["properties"]["verdict"] != "unknown") continue;
    open = true;
    CHECK(r["kind"] == "open");
    CHECK(r["level"] == "none");
  }
  CHECK(open);
  CHECK(result_for(run0, "hdh-ovh", "SNC-19.6") == nullptr);  // passes are not results
  const auto& inv = run0["invocations"][0];
  CHECK(inv["exitCode"] == 1);
  CHECK(inv["startTimeUtc"] == "2026-11-30T05:00:00Z");
}

TEST_CASE("report::write_sarif: locations are relative to the repository root (%SRCROOT%)", "[report]") {
  auto result = health_data_hub();
  result.source_root = "/work/repo";
  result.working_dir = "/work/repo/examples";  // the manifest was named relative to a subfolder
  for (auto& t : result.targets) t.target.declared_at.file = "health-data-hub/audit.yaml";
  result.targets.front().target.declared_at.file = "/elsewhere/list.txt";  // outside the repository
  const auto doc = nlohmann::json::parse(render("sarif", result));
  const auto& run0 = doc["runs"][0];
  CHECK(run0["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///work/repo/");
  const auto* azure = result_for(run0, "hdh-azure", "SNC-19.6");
  REQUIRE(azure != nullptr);
  const auto& artifact = (*azure)["locations"][0]["physicalLocation"]["artifactLocation"];
  CHECK(artifact["uri"] == "examples/health-data-hub/audit.yaml");
  CHECK(artifact["uriBaseId"] == "%SRCROOT%");
  const auto* outside = result_for(run0, result.targets.front().target.id, "SNC-19.6");
  REQUIRE(outside != nullptr);
  CHECK((*outside)["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "file:///elsewhere/list.txt");
  CHECK(!(*outside)["locations"][0]["physicalLocation"]["artifactLocation"].contains("uriBaseId"));
}

TEST_CASE("report::write_sarif: fingerprints are stable across runs", "[report]") {
  auto later = health_data_hub();
  later.started_at = "2026-12-01T05:00:00Z";
  later.as_of = *core::parse_date("2026-12-01");
  const auto a = nlohmann::json::parse(render("sarif", health_data_hub()));
  const auto b = nlohmann::json::parse(render("sarif", later));
  REQUIRE(a["runs"][0]["results"].size() == b["runs"][0]["results"].size());
  for (std::size_t i = 0; i < a["runs"][0]["results"].size(); ++i) {
    CHECK(a["runs"][0]["results"][i]["partialFingerprints"] == b["runs"][0]["results"][i]["partialFingerprints"]);
  }
}

TEST_CASE("report::write_sarif: hostile strings are JSON-escaped and URIs encoded", "[report]") {
  const std::string sarif = render("sarif", hostile());
  const auto doc = nlohmann::json::parse(sarif);
  CHECK(sarif.find('\0') == std::string::npos);
  CHECK(sarif.find("\x1b") == std::string::npos);
  CHECK(sarif.find("(javascript:alert") == std::string::npos);  // only http(s) references become links
  bool encoded = false;
  for (const auto& r : doc["runs"][0]["results"]) {
    for (const auto& l : r["locations"]) {
      if (l["physicalLocation"]["artifactLocation"]["uri"] == "dir%20with%20space/a%26b%20%3Cx%3E.yaml") encoded = true;
    }
  }
  CHECK(encoded);
  // The two policies with a FR-HDS-LOC requirement get distinct rule ids.
  std::set<std::string> ids;
  for (const auto& rule : doc["runs"][0]["tool"]["driver"]["rules"]) ids.insert(rule["id"].get<std::string>());
  CHECK(ids.size() == 4);
  CHECK(ids.count("<policy&>/FR-HDS-LOC") == 1);
}
