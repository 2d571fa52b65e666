// Tests of the JSON report (v2): schema validation (python3 -m jsonschema with docs/report.schema.json,
// which also validates v1 reports), the exact keys of a finding, evidence written once per target,
// the provenance table, the one-item-per-line layout, and byte stability.
#include "fixture.hpp"
#include "report/report.hpp"
#include "support/run_command.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <iterator>
#include <ranges>
#include <set>
#include <sstream>

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

TEST_CASE("report::write_json: the schema rejects what a v2 or a v1 report may not hold", "[report]") {
  const auto valid = nlohmann::json::parse(render("json", health_data_hub()));
  auto invalid = [&](const std::string& name, const std::function<void(nlohmann::json&)>& change) {
    auto doc = valid;
    change(doc);
    const auto dir = fresh_dir("json-invalid-" + name);
    write_text_file(dir / "instance.json", doc.dump());
    const auto result = run("/usr/bin/python3 " + shell_quote(source_path("tests/support/validate_json.py").string()) +
                            " " + shell_quote(source_path("docs/report.schema.json").string()) + " " +
                            shell_quote((dir / "instance.json").string()));
    INFO(name << ": " << result.output);
    CHECK(result.status != 0);
  };
  invalid("missing-fingerprint", [](auto& d) { d["findings"][0].erase("fingerprint"); });
  // v2 keeps evidence once, on the target; v1's per-finding copy is not a v2 key.
  invalid("finding-evidence", [](auto& d) { d["findings"][1]["evidence"] = nlohmann::json::array(); });
  invalid("v1-provenance",
          [](auto& d) { d["targets"][2]["facts"]["served_from.countries"]["provenance"] = nlohmann::json::array(); });
  invalid("no-table", [](auto& d) { d.erase("provenance"); });
  // A v1 report has neither the table nor `explain`, and its facts need `provenance`.
  invalid("v1-with-table", [](auto& d) { d["schema"] = "residency/report/v1"; });
}

TEST_CASE("report::write_json: findings carry exactly their keys, evidence is on the target", "[report]") {
  const auto doc = nlohmann::json::parse(render("json", health_data_hub()));
  CHECK(doc["schema"] == "residency/report/v2");
  CHECK(doc["explain"] == false);
  CHECK(doc["started_at"] == "2026-11-30T05:00:00Z");
  CHECK(doc["as_of"] == "2026-11-30");
  CHECK(doc["host"] == "ci-runner-01");
  CHECK(doc["exit_code"] == 1);
  CHECK(doc["counts"] == nlohmann::json{{"pass", 3}, {"fail", 4}, {"unknown", 3}, {"waived", 1}, {"total", 11}});
  // No evidence (it is the target's), no explanation without --explain, no baseline without one;
  // waiver, entity and jurisdiction only when they have a value.
  const std::set<std::string> always = {"target",      "requirement",       "policy",  "severity",   "verdict",
                                        "raw_verdict", "counts_as_failure", "message", "fingerprint"};
  REQUIRE(doc["findings"].size() == 11);
  std::size_t with_waiver = 0, with_entity = 0;
  for (const auto& f : doc["findings"]) {
    std::set<std::string> keys;
    for (const auto& [k, v] : f.items()) keys.insert(k);
    std::set<std::string> optional;
    std::set_difference(keys.begin(), keys.end(), always.begin(), always.end(),
                        std::inserter(optional, optional.end()));
    for (const auto& k : optional) CHECK((k == "waiver" || k == "entity" || k == "jurisdiction"));
    CHECK(std::includes(keys.begin(), keys.end(), always.begin(), always.end()));
    with_waiver += f.contains("waiver");
    with_entity += f.contains("entity");
  }
  CHECK(with_waiver == 2);  // W1 applied, W2 expired but matched
  CHECK(with_entity == 4);  // the SNC findings that name an operator
  const auto& azure = doc["targets"][1];
  REQUIRE(azure["id"] == "hdh-azure");
  CHECK(azure["evidence"].size() == 4);
  CHECK(azure["evidence"][3]["value"] == "us-cloud-act");
  const auto& waived = doc["findings"][0];
  CHECK(waived["target"] == "analytics");
  CHECK(waived["verdict"] == "waived");
  CHECK(waived["raw_verdict"] == "fail");
  CHECK(waived["waiver"]["id"] == "W1");
  const auto& facts = doc["targets"][2]["facts"];  // hdh-ovh
  CHECK(facts["served_from.countries"]["values"] == nlohmann::json::array({"FR"}));
  // Provenance is a table of the report; a fact names its entries by index.
  const auto& from = facts["served_from.countries"]["from"];
  REQUIRE(from.size() == 1);
  CHECK(doc["provenance"][from[0].get<std::size_t>()] ==
        nlohmann::json{{"source", "geoip"}, {"detail", "geo-whois-asn-country.mmdb (2026-11-28)"}, {"time", ""}});
  CHECK_FALSE(facts["served_from.countries"].contains("detail"));                       // known: no reason to give
  CHECK(doc["targets"][5]["facts"]["dns.status"]["detail"] == "timeout: unreachable");  // registry
  // Each distinct provenance once: geoip is shared by three targets' facts.
  std::set<std::string> distinct;
  for (const auto& p : doc["provenance"]) distinct.insert(p.dump());
  CHECK(distinct.size() == doc["provenance"].size());
}

TEST_CASE("report::write_json: --explain adds each finding's explanation", "[report]") {
  auto result = health_data_hub();
  result.explain = true;
  const auto text = render("json", result);
  const auto doc = nlohmann::json::parse(text);
  CHECK(doc["explain"] == true);
  for (const auto& f : doc["findings"]) CHECK(f.contains("explanation"));
  REQUIRE(doc["findings"][2]["explanation"].size() == 1);  // hdh-azure SNC-19.6
  CHECK(doc["findings"][2]["explanation"][0].get<std::string>().starts_with("controlled_by.laws"));
  check_valid(text, source_path("docs/report.schema.json"), "json-explain");
}

TEST_CASE("report::write_json: one target and one finding per line", "[report]") {
  const auto text = render("json", health_data_hub());
  std::size_t target_lines = 0, finding_lines = 0;
  for (const auto line : std::views::split(std::string_view(text), '\n')) {
    const std::string_view l(line.begin(), line.end());
    if (l.starts_with("    {\"id\":") && l.find("\"facts\":") != std::string_view::npos) {
      ++target_lines;
      CHECK_NOTHROW(nlohmann::json::parse(l.substr(4, l.back() == ',' ? l.size() - 5 : l.size() - 4)));
    }
    if (l.starts_with("    {\"target\":")) ++finding_lines;
  }
  CHECK(target_lines == 6);
  CHECK(finding_lines == 11);
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

namespace {

// The report written by JsonTargetStream, its targets added in the audit's order (by id) and
// then dropped from the result, as `residency audit --format json` does.
std::string streamed_json(core::AuditResult result, const std::string& name) {
  const auto dir = fresh_dir(name);
  auto stream = report::JsonTargetStream::open(dir);
  REQUIRE(stream);
  std::stable_sort(result.targets.begin(), result.targets.end(),
                   [](const auto& a, const auto& b) { return a.target.id < b.target.id; });
  for (const auto& t : result.targets) stream->add(t);
  result.targets.clear();
  std::ostringstream out;
  REQUIRE(stream->write(result, out));
  CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()) == 0);
  return out.str();
}

}  // namespace

TEST_CASE("report::JsonTargetStream: the same bytes as write_json", "[report]") {
  CHECK(streamed_json(health_data_hub(), "json-stream-hdh") == render("json", health_data_hub()));
  CHECK(streamed_json(hostile(), "json-stream-hostile") == render("json", hostile()));
  auto shuffled = large(3000, 4);  // several MB of targets: the scratch file is read back in chunks
  std::reverse(shuffled.targets.begin(), shuffled.targets.end());
  CHECK(streamed_json(shuffled, "json-stream-large") == render("json", large(3000, 4)));
  core::AuditResult empty = health_data_hub();
  empty.targets.clear();
  empty.findings.clear();
  CHECK(streamed_json(empty, "json-stream-empty") == render("json", empty));
}

TEST_CASE("report::JsonTargetStream: a folder that cannot hold the scratch file is an error", "[report]") {
  auto stream = report::JsonTargetStream::open("/nonexistent-dir-residency");
  REQUIRE_FALSE(stream);
  CHECK(stream.error().code == core::ErrorCode::io);
}
