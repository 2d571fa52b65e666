// `residency rules …` as a whole process: exit codes, file:line:column on stderr, reports on stdout.
#include "policy_fixtures.hpp"
#include "support/run_command.hpp"

#include <cstdlib>

namespace {

using Run = test_support::RunResult;

Run run(const std::string& args) { return test_support::run(std::string(RESIDENCY_BINARY) + " " + args); }

const std::string k_min = policy_test::source_path("tests/data/rules-min");
const std::string k_broken = policy_test::source_path("tests/data/rules-broken");

}  // namespace

TEST_CASE("residency rules validate: clean packs exit 0 / broken packs exit 2 with positions", "[policy]") {
  auto ok = run("rules validate --as-of 2026-11-30 " + k_min);
  INFO(ok.output);
  CHECK(ok.status == 0);
  CHECK(ok.output.find("0 errors, 0 warnings") != std::string::npos);
  auto bad = run("rules validate --as-of 2026-11-30 " + k_min + " " + k_broken);
  INFO(bad.output);
  CHECK(bad.status == 2);
  CHECK(bad.output.find("14-unknown-fact.yaml:11:19: unknown fact 'served_from.country'") != std::string::npos);
  CHECK(bad.output.find("(did you mean 'served_from.countries'?)") != std::string::npos);
}

TEST_CASE("residency rules validate: the embedded packs / with a JSON summary", "[policy]") {
  auto r = run("rules validate --as-of 2026-11-30 --format json");
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(r.output.find("\"errors\": 0") != std::string::npos);
}

TEST_CASE("residency rules list / show and explain", "[policy]") {
  const std::string rules = "--as-of 2026-11-30 --rules " + k_min;
  auto list = run("rules list --kind requirement " + rules);
  INFO(list.output);
  CHECK(list.status == 0);
  CHECK(list.output.find("T-IMMUNE") != std::string::npos);
  auto explain = run("rules explain T-IMMUNE " + rules);
  INFO(explain.output);
  CHECK(explain.status == 0);
  CHECK(explain.output.find("no value of controlled_by.laws is in @non-eu-laws = [us-cloud-act, us-fisa-702, "
                         "cn-national-intelligence-law]") != std::string::npos);
  CHECK(explain.output.find("SecNumCloud 3.2") != std::string::npos);
  auto show = run("rules show @adequacy --format json " + rules);
  INFO(show.output);
  CHECK(show.status == 0);
  CHECK(show.output.find("\"kind\": \"set\"") != std::string::npos);
  CHECK(show.output.find("\"JP\"") != std::string::npos);
  CHECK(show.output.find("\"US\"") == std::string::npos);  // the DPF is partial: only in @adequacy-partial
  auto partial = run("rules show @adequacy-partial --format json " + rules);
  CHECK(partial.output.find("\"US\"") != std::string::npos);
  auto typo = run("rules explain T-IMUNE " + rules);
  INFO(typo.output);
  CHECK(typo.status == 2);
  CHECK(typo.output.find("did you mean 'T-IMMUNE'?") != std::string::npos);
  auto bad_rules = run("rules list --as-of 2026-11-30 --rules " + k_broken);
  CHECK(bad_rules.status == 2);
  auto bad_date = run("rules list --as-of 2026-02-30");
  CHECK(bad_date.status == 2);
}

TEST_CASE("compile_rules: a broken pack fails the build step with file:line:column", "[policy]") {
  const char* tmp = std::getenv("RESIDENCY_TEST_TMP");
  const std::string out = std::string(tmp != nullptr ? tmp : "/tmp") + "/compile_rules_out.cpp";
  const std::string tool = COMPILE_RULES;
  auto run_tool = [&](const std::string& dir) {
    return test_support::run("cd " + policy_test::source_path("") + " && " + tool + " --out " + out + " " + dir);
  };
  auto ok = run_tool("tests/data/rules-min");
  INFO(ok.output);
  CHECK(ok.status == 0);
  auto bad = run_tool("tests/data/rules-broken");
  INFO(bad.output);
  CHECK(bad.status == 1);
  CHECK(bad.output.find("tests/data/rules-broken/10-bad-regex.yaml:11:39: bad regular expression '[a-z'") != std::string::npos);
  CHECK(bad.output.find("the build stops here") != std::string::npos);
}
