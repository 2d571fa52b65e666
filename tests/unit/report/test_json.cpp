// Tests of the JSON report: schema validation (python3 -m jsonschema with docs/report.schema.json),
// the exact keys of a finding that the baseline code relies on, and byte stability.
#include "fixture.hpp"
#include "support/run_command.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

using namespace report_test;
using namespace test_support;

namespace {

void check_valid(const std::string& json, const std::filesystem::path& schema, const std::string& name) {
  const auto dir = fresh_dir(name);
  write_text_file(dir / "instance.json", json);
  const auto result = run("/usr/bin/python3 " + shell_quote(source_path("tests/support/validate_json.py").string()) + " " + shell_quote(schema.string()) + " " +
                          shell_quote((dir / "instance.json").string()));
  INFO(result.output);
  CHECK(result.status == 0);
}

}  // namespace

TEST_CASE("report::write_json: validates against docs/report.schema.json", "[report]") {
  REQUIRE(run("/usr/bin/python3 -c 'import jsonschema'").status == 0);  // Debian python3-jsonschema  // python3-jsonschema must be installed
  check_valid(render("json", health_data_hub()), source_path("docs/report.schema.json"), "json-valid");
  check_valid(render("json", hostile()), source_path("docs/report.schema.json"), "json-valid-hostile");
}

TEST_CASE("report::write_json: the schema rejects a finding with a missing key", "[report]") {
  auto doc = nlohmann::json::parse(render("json", health_data_hub()));
  doc["findings"][0].erase("fingerprint");
  const auto dir = fresh_dir("json-invalid");
  write_text_file(dir / "instance.json", doc.dump());
  const auto result = run("/usr/bin/python3 " + shell_quote(source_path("tests/support/validate_json.py").string()) + " " + shell_quote(source_path("docs/report.schema.json").string()) + " " +
                          shell_quote((dir / "instance.json").string()));
  CHECK(result.status != 0);
}

TEST_CASE("report::write_json: findings carry exactly the baseline keys", "[report]") {
  const auto doc = nlohmann::json::parse(render("json", health_data_hub()));
  CHECK(doc["schema"] == "residency/report/v1");
  CHECK(doc["started_at"] == "2026-11-30T05:00:00Z");
  CHECK(doc["as_of"] == "2026-11-30");
  CHECK(doc["host"] == "ci-runner-01");
  CHECK(doc["exit_code"] == 1);
  CHECK(doc["counts"] == nlohmann::json{{"pass", 3}, {"fail", 4}, {"unknown", 3}, {"waived", 1}, {"total", 11}});
  const std::set<std::string> expected = {"target", "requirement", "policy", "severity", "verdict", "raw_verdict",
                                          "counts_as_failure", "message", "explanation", "evidence", "waiver",
                                          "entity", "jurisdiction", "fingerprint"};
  REQUIRE(doc["findings"].size() == 11);
  for (const auto& f : doc["findings"]) {
    std::set<std::string> keys;
    for (const auto& [k, v] : f.items()) keys.insert(k);
    CHECK(keys == expected);  // no baseline in this run: the key is absent
  }
  const auto& waived = doc["findings"][0];
  CHECK(waived["target"] == "analytics");
  CHECK(waived["verdict"] == "waived");
  CHECK(waived["raw_verdict"] == "fail");
  CHECK(waived["waiver"]["id"] == "W1");
  const auto& facts = doc["targets"][2]["facts"];  // hdh-ovh
  CHECK(facts["served_from.countries"]["values"] == nlohmann::json::array({"FR"}));
  CHECK(facts["served_from.countries"]["provenance"][0]["source"] == "geoip");
}

TEST_CASE("report::write_json: baseline is new or existing when a baseline was used", "[report]") {
  auto result = health_data_hub();
  result.baseline_used = true;
  result.findings[0].baseline = core::Finding::Baseline::is_new;
  result.findings[1].baseline = core::Finding::Baseline::existing;
  const auto doc = nlohmann::json::parse(render("json", result));
  std::multiset<std::string> baselines;
  for (const auto& f : doc["findings"]) {
    if (f.contains("baseline")) baselines.insert(f["baseline"].get<std::string>());
  }
  CHECK(baselines == std::multiset<std::string>{"existing", "new"});
  check_valid(render("json", result), source_path("docs/report.schema.json"), "json-baseline");
}

TEST_CASE("report::write_json: byte-stable whatever the model's order", "[report]") {
  auto shuffled = health_data_hub();
  std::reverse(shuffled.findings.begin(), shuffled.findings.end());
  std::reverse(shuffled.targets.begin(), shuffled.targets.end());
  std::reverse(shuffled.requirements.begin(), shuffled.requirements.end());
  CHECK(render("json", shuffled) == render("json", health_data_hub()));
  const auto hostile_json = render("json", hostile());
  CHECK_NOTHROW(nlohmann::json::parse(hostile_json));
  CHECK(hostile_json.find('\0') == std::string::npos);
}
