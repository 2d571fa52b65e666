#include "audit/baseline.hpp"

#include "core/atomic_file.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <sys/wait.h>

using namespace audit;
namespace fs = std::filesystem;

namespace {

const fs::path k_data = fs::path(RESIDENCY_SOURCE_DIR) / "tests/unit/audit/data";

core::Finding finding(std::string target, std::string requirement, core::Verdict verdict, std::string entity,
                      std::string jurisdiction) {
  core::Finding f;
  f.target_id = std::move(target);
  f.requirement_id = std::move(requirement);
  f.verdict = verdict;
  f.counts_as_failure = verdict == core::Verdict::fail || verdict == core::Verdict::unknown;
  f.entity = std::move(entity);
  f.jurisdiction = std::move(jurisdiction);
  return f;
}

std::vector<std::string> targets_of(const std::vector<BaselineFinding>& list) {
  std::vector<std::string> out;
  for (const auto& f : list) out.push_back(f.target + "/" + f.requirement);
  return out;
}

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Run the residency binary with `args`; capture stdout, stderr and the exit code.
Run residency(const std::string& args) {
  const char* tmp_env = std::getenv("RESIDENCY_TEST_TMP");
  const fs::path tmp = tmp_env != nullptr ? fs::path(tmp_env) : fs::temp_directory_path();
  fs::create_directories(tmp);
  const fs::path out = tmp / "diff.out", err = tmp / "diff.err";
  const std::string cmd = std::string("'") + RESIDENCY_BINARY + "' " + args + " >'" + out.string() + "' 2>'" +
                          err.string() + "'";
  const int status = std::system(cmd.c_str());
  Run r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = core::read_file(out).value_or("");
  r.err = core::read_file(err).value_or("");
  return r;
}

std::string data(const char* name) { return "'" + (k_data / name).string() + "'"; }

}  // namespace

TEST_CASE("core::fingerprint: stable / and every part counts", "[audit]") {
  const std::string fp = core::fingerprint("portal", "FR-HDS-LOC", "Microsoft Corporation", "US");
  CHECK(fp.size() == 16);
  CHECK(fp == core::fingerprint("portal", "FR-HDS-LOC", "Microsoft Corporation", "US"));
  CHECK(fp != core::fingerprint("portal", "FR-HDS-LOC", "Microsoft Corporation", "IE"));
  CHECK(fp != core::fingerprint("portal", "FR-HDS-LOC", "OVH SAS", "US"));
  CHECK(fp != core::fingerprint("portal2", "FR-HDS-LOC", "Microsoft Corporation", "US"));
  // The separator keeps part boundaries: "ab"+"c" differs from "a"+"bc".
  CHECK(core::fingerprint("ab", "c", "", "") != core::fingerprint("a", "bc", "", ""));
}

TEST_CASE("audit::load_baseline: findings / computed and explicit fingerprints", "[audit]") {
  auto b = load_baseline(k_data / "before.json");
  REQUIRE(b);
  REQUIRE(b->findings.size() == 6);
  const auto* portal = b->find(core::fingerprint("portal", "FR-HDS-LOC", "Microsoft Corporation", "US"));
  REQUIRE(portal != nullptr);
  CHECK(portal->policy == "fr-health-data");
  CHECK(portal->severity == core::Severity::high);
  CHECK(portal->verdict == core::Verdict::fail);
  CHECK(portal->message == "served from 20.19.0.1 (US operator)");
  const auto* legacy = b->find("00000000000000aa");
  REQUIRE(legacy != nullptr);
  CHECK(legacy->target == "legacy");
  CHECK(b->findings.front().target == "api");  // sorted by target
}

TEST_CASE("audit::apply_baseline: keyed on entity and jurisdiction / not IP address", "[audit]") {
  auto b = load_baseline(k_data / "before.json");
  REQUIRE(b);
  std::vector<core::Finding> now{
      // Same finding (whatever address the CDN moved it to: addresses are not part of the key).
      finding("portal", "FR-HDS-LOC", core::Verdict::fail, "Microsoft Corporation", "US"),
      // Another operator: a new finding.
      finding("portal", "SNC-19.6", core::Verdict::fail, "Amazon.com, Inc.", "US"),
      // Was passing in the baseline: a failure now is new.
      finding("www", "SNC-19.6", core::Verdict::fail, "OVH SAS", "FR"),
      // Unknown in the baseline, unknown now: existing.
      finding("api", "FR-HDS-LOC", core::Verdict::unknown, "", ""),
      finding("mail", "GDPR-1", core::Verdict::pass, "Google LLC", "US")};
  apply_baseline(now, *b);
  CHECK(now[0].baseline == core::Finding::Baseline::existing);
  CHECK_FALSE(now[0].counts_as_failure);
  CHECK(core::fingerprint_of(now[0]) == core::fingerprint("portal", "FR-HDS-LOC", "Microsoft Corporation", "US"));
  CHECK(now[1].baseline == core::Finding::Baseline::is_new);
  CHECK(now[1].counts_as_failure);
  CHECK(now[2].baseline == core::Finding::Baseline::is_new);
  CHECK(now[3].baseline == core::Finding::Baseline::existing);
  CHECK(now[4].baseline == core::Finding::Baseline::none);
}

TEST_CASE("audit::diff: new / resolved and changed findings", "[audit]") {
  auto before = load_baseline(k_data / "before.json");
  auto after = load_baseline(k_data / "after.json");
  REQUIRE(before);
  REQUIRE(after);
  const DiffResult d = diff(*before, *after);
  CHECK(targets_of(d.added) == std::vector<std::string>{"cdn/FR-HDS-LOC", "www/SNC-19.6"});
  CHECK(targets_of(d.resolved) == std::vector<std::string>{"legacy/FR-HDS-LOC", "portal/SNC-19.6"});
  REQUIRE(d.changed.size() == 2);
  CHECK(d.changed[0].after.target == "api");
  CHECK(d.changed[0].before.verdict == core::Verdict::unknown);
  CHECK(d.changed[0].after.verdict == core::Verdict::fail);
  CHECK(d.changed[1].after.target == "mail");
  CHECK(d.changed[1].before.severity == core::Severity::medium);
  CHECK(d.changed[1].after.severity == core::Severity::high);

  const DiffResult same = diff(*after, *after);
  CHECK(same.added.empty());
  CHECK(same.resolved.empty());
  CHECK(same.changed.empty());
}

TEST_CASE("audit::load_baseline: errors name the file and the position", "[audit]") {
  auto syntax = load_baseline(k_data / "syntax-error.json");
  REQUIRE_FALSE(syntax);
  CHECK(syntax.error().where == (k_data / "syntax-error.json").string() + ":4:20");
  CHECK(syntax.error().message ==
        "invalid JSON at byte 73: syntax error while parsing object key - unexpected ','; expected string literal");

  auto severity = load_baseline(k_data / "bad-severity.json");
  REQUIRE_FALSE(severity);
  CHECK(severity.error().message ==
        "at /findings/1/severity: unknown severity 'urgent'; expected info, low, medium, high or critical");

  auto schema = load_baseline(k_data / "wrong-schema.json");
  REQUIRE_FALSE(schema);
  CHECK(schema.error().message ==
        "at /schema: unsupported schema 'residency/report/v0'; expected 'residency/report/v2' (or "
        "'residency/report/v1')");

  CHECK(parse_baseline("[]", "x.json").error().to_string() == "x.json: at /: array value; expected a JSON report object");
  CHECK(parse_baseline(R"({"schema": "residency/report/v1", "findings": [{"target": 7}]})", "x.json").error().message ==
        "at /findings/0/target: number value; expected a string");
  CHECK(parse_baseline(R"({"schema": "residency/report/v1", "findings": [{"target": "a"}]})", "x.json").error().message ==
        "at /findings/0: missing key 'requirement'; expected a string");
  CHECK(parse_baseline(R"({"schema": "residency/report/v1"})", "x.json").error().message ==
        "at /findings: missing or not an array; expected a list of findings");
  CHECK(load_baseline(k_data / "missing.json").error().code == core::ErrorCode::io);
}

TEST_CASE("residency diff: sections / formats and exit codes", "[audit]") {
  const Run changed = residency("diff " + data("before.json") + " " + data("after.json"));
  CHECK(changed.exit_code == 1);
  CHECK(changed.out.find("\nnew (2):\n  + cdn  FR-HDS-LOC (fr-health-data)  high fail  Akamai Technologies, Inc. [US]: "
                         "anycast edge\n") != std::string::npos);
  CHECK(changed.out.find("\nresolved (2):\n  - legacy  FR-HDS-LOC") != std::string::npos);
  CHECK(changed.out.find("\nchanged (2):\n  ~ api  FR-HDS-LOC (fr-health-data)  verdict unknown -> fail\n"
                         "  ~ mail  GDPR-1 (gdpr-eea-residency)  severity medium -> high\n") != std::string::npos);
  CHECK(changed.out.ends_with("summary: 2 new, 2 resolved, 2 changed\n"));

  const Run json = residency("diff --format json " + data("before.json") + " " + data("after.json"));
  CHECK(json.exit_code == 1);
  const auto doc = nlohmann::json::parse(json.out, nullptr, false);
  REQUIRE_FALSE(doc.is_discarded());
  CHECK(doc["schema"] == "residency/diff/v1");
  CHECK(doc["counts"]["new"] == 2);
  CHECK(doc["new"][1]["target"] == "www");
  CHECK(doc["changed"][0]["before"]["verdict"] == "unknown");

  const Run resolved_only = residency("diff " + data("after.json") + " " + data("before.json"));
  CHECK(resolved_only.exit_code == 1);  // legacy and portal/SNC-19.6 fail again: new in this direction
  const Run same = residency("diff " + data("after.json") + " " + data("after.json"));
  CHECK(same.exit_code == 0);
  CHECK(same.out.find("new (0):\n  (none)\n") != std::string::npos);

  const Run broken = residency("diff " + data("before.json") + " " + data("syntax-error.json"));
  CHECK(broken.exit_code == 2);
  CHECK(broken.out.empty());
  CHECK(broken.err.find("syntax-error.json:4:20: invalid JSON at byte 73") != std::string::npos);
  CHECK(residency("diff " + data("before.json")).exit_code == 2);
  CHECK(residency("diff --format xml " + data("before.json") + " " + data("after.json")).exit_code == 2);
}
