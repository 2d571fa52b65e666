// `residency rules …` as a whole process: exit codes, file:line:column on stderr, reports on stdout.
#include "policy_fixtures.hpp"

#include <array>
#include <cstdlib>
#include <cstdio>
#include <sys/wait.h>

namespace {

struct Run {
  int status = -1;
  std::string out;  // stdout and stderr together
};

Run run(const std::string& args) {
  const std::string cmd = std::string(RESIDENCY_BINARY) + " " + args + " 2>&1";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), p) != nullptr) r.out += buf.data();
  const int rc = ::pclose(p);
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return r;
}

const std::string k_min = policy_test::source_path("tests/data/rules-min");
const std::string k_broken = policy_test::source_path("tests/data/rules-broken");

}  // namespace

TEST_CASE("residency rules validate: clean packs exit 0, broken packs exit 2 with positions", "[policy]") {
  auto ok = run("rules validate --as-of 2026-11-30 " + k_min);
  INFO(ok.out);
  CHECK(ok.status == 0);
  CHECK(ok.out.find("0 errors, 0 warnings") != std::string::npos);
  auto bad = run("rules validate --as-of 2026-11-30 " + k_min + " " + k_broken);
  INFO(bad.out);
  CHECK(bad.status == 2);
  CHECK(bad.out.find("14-unknown-fact.yaml:11:19: unknown fact 'served_from.country'") != std::string::npos);
  CHECK(bad.out.find("(did you mean 'served_from.countries'?)") != std::string::npos);
}

TEST_CASE("residency rules validate: the embedded packs, with a JSON summary", "[policy]") {
  auto r = run("rules validate --as-of 2026-11-30 --format json");
  INFO(r.out);
  CHECK(r.status == 0);
  CHECK(r.out.find("\"errors\": 0") != std::string::npos);
}

TEST_CASE("residency rules list, show and explain", "[policy]") {
  const std::string rules = "--as-of 2026-11-30 --rules " + k_min;
  auto list = run("rules list --kind requirement " + rules);
  INFO(list.out);
  CHECK(list.status == 0);
  CHECK(list.out.find("T-IMMUNE") != std::string::npos);
  auto explain = run("rules explain T-IMMUNE " + rules);
  INFO(explain.out);
  CHECK(explain.status == 0);
  CHECK(explain.out.find("no value of controlled_by.laws is in @non-eu-laws = [us-cloud-act, us-fisa-702, "
                         "cn-national-intelligence-law]") != std::string::npos);
  CHECK(explain.out.find("SecNumCloud 3.2") != std::string::npos);
  auto show = run("rules show @adequacy --format json " + rules);
  INFO(show.out);
  CHECK(show.status == 0);
  CHECK(show.out.find("\"kind\": \"set\"") != std::string::npos);
  CHECK(show.out.find("\"JP\"") != std::string::npos);
  CHECK(show.out.find("\"US\"") == std::string::npos);  // the DPF is partial: only in @adequacy-partial
  auto partial = run("rules show @adequacy-partial --format json " + rules);
  CHECK(partial.out.find("\"US\"") != std::string::npos);
  auto typo = run("rules explain T-IMUNE " + rules);
  INFO(typo.out);
  CHECK(typo.status == 2);
  CHECK(typo.out.find("did you mean 'T-IMMUNE'?") != std::string::npos);
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
    Run r;
    const std::string cmd = "cd " + policy_test::source_path("") + " && " + tool + " --out " + out + " " + dir + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), buf.size(), p) != nullptr) r.out += buf.data();
    const int rc = ::pclose(p);
    r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return r;
  };
  auto ok = run_tool("tests/data/rules-min");
  INFO(ok.out);
  CHECK(ok.status == 0);
  auto bad = run_tool("tests/data/rules-broken");
  INFO(bad.out);
  CHECK(bad.status == 1);
  CHECK(bad.out.find("tests/data/rules-broken/10-bad-regex.yaml:11:39: bad regular expression '[a-z'") != std::string::npos);
  CHECK(bad.out.find("the build stops here") != std::string::npos);
}
