// Golden sentences: every requirement of the shipped policies, judged on a set of scenarios that
// together make each of them pass, fail and be unknown, gives the sentence recorded in
// tests/data/sentences.golden (one line per requirement and verdict). The sentences are what a
// compliance officer reads; predicate syntax must never appear in them.
// RESIDENCY_UPDATE_GOLDEN=1 rewrites the golden file (review the diff).
#include "audit/sentences.hpp"
#include "audit_fixtures.hpp"
#include "core/atomic_file.hpp"
#include "core/diag.hpp"
#include "policy/attribute.hpp"
#include "policy/evaluate.hpp"
#include "policy/load.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <set>

namespace {

using audit_test::k_as_of;

const policy::RuleSet& shipped() { return audit_test::shipped_rules(); }

struct Scenario {
  std::string name;
  core::Target target;
  policy::Observations obs;
};

Scenario resource(std::string name, std::string provider, std::string region, std::string offer) {
  Scenario s;
  s.name = std::move(name);
  s.target.id = s.name;
  s.target.kind = core::TargetKind::cloud_resource;
  s.target.provider = provider;
  s.target.region = region;
  if (!offer.empty()) s.target.tags["offer"] = offer;
  s.target.tls_terminated_by = {"origin"};
  s.obs = policy::declared_observations(s.target);
  return s;
}

Scenario host(std::string name) {
  Scenario s;
  s.name = std::move(name);
  s.target.id = s.target.value = s.target.host = s.name;
  s.target.kind = core::TargetKind::host;
  s.obs = policy::declared_observations(s.target);
  return s;
}

std::vector<Scenario> scenarios() {
  std::vector<Scenario> out;
  out.push_back(resource("azure-paris", "azure", "francecentral", "azure-public"));
  out.push_back(resource("ovh-snc", "ovhcloud", "eu-west-par", "ovhcloud-hpc-snc"));
  out.push_back(resource("ovh-canada", "ovhcloud", "bhs", ""));
  out.push_back(resource("alibaba", "alibaba", "", ""));
  Scenario lost = host("lost.example.fr");
  lost.obs.unobserved = "dns lookup timeout: unreachable";
  out.push_back(lost);
  Scenario edge = host("portal.example.fr");
  edge.obs.cname_chain = {"d1.cloudfront.net"};
  edge.obs.addresses = {"204.246.168.10"};
  edge.obs.ranges = {{"204.246.168.10", "aws", "GLOBAL", "CLOUDFRONT", "providers.mmdb"}};
  edge.obs.anycast = true;
  edge.obs.tls_terminated_by = std::vector<std::string>{"aws"};
  out.push_back(edge);
  Scenario virginia = host("api.example.com");
  virginia.obs.addresses = {"3.80.0.10"};
  virginia.obs.ranges = {{"3.80.0.10", "aws", "us-east-1", "EC2", "providers.mmdb"}};
  virginia.obs.tls_terminated_by = std::vector<std::string>{"aws"};
  out.push_back(virginia);
  return out;
}

core::TargetReport report_of(const Scenario& s) {
  auto a = policy::attribute(shipped(), s.obs, k_as_of);
  core::TargetReport t{s.target, a.facts, a.evidence, a.certifications};
  return t;
}

}  // namespace

TEST_CASE("audit::finding_sentence: every shipped requirement in pass, fail and unknown (goldens)", "[audit]") {
  const auto& rules = shipped();
  std::map<std::string, std::string> lines;  // "REQ verdict" → "scenario: sentence"
  std::map<std::string, std::set<std::string>> verdicts;
  for (const auto& s : scenarios()) {
    const core::TargetReport t = report_of(s);
    for (const auto& [pid, policy] : rules.policies) {
      for (const auto& req : policy.requirements) {
        auto r = policy::evaluate(rules, req, t.facts, k_as_of);
        const std::string verdict(core::to_string(r.verdict));
        const std::string key = req.id + " " + verdict;
        const std::string sentence = audit::finding_sentence(rules, req, r, t, k_as_of);
        INFO(key << ": " << sentence);
        // Plain words: no predicate syntax, no set names, no placeholder left unfilled.
        for (const char* engine : {"@", "not_in", "→", "{", "}", "[", "the fact is"})
          CHECK(sentence.find(engine) == std::string::npos);
        CHECK(sentence.back() == '.');
        verdicts[req.id].insert(verdict);
        if (!lines.contains(key)) lines[key] = s.name + ": " + sentence;
      }
    }
  }
  std::size_t requirements = 0;
  for (const auto& [pid, policy] : rules.policies) {
    for (const auto& req : policy.requirements) {
      ++requirements;
      INFO(req.id);
      CHECK(verdicts[req.id] == std::set<std::string>{"pass", "fail", "unknown"});
      CHECK_FALSE(req.explain.pass.empty());  // every shipped requirement has its own sentences
      CHECK_FALSE(req.explain.fail.empty());
      CHECK_FALSE(req.explain.unknown.empty());
    }
  }
  CHECK(requirements >= 24);
  std::string actual;
  for (const auto& [key, line] : lines) actual += key + " | " + line + "\n";
  const std::string path = std::string(RESIDENCY_SOURCE_DIR) + "/tests/data/sentences.golden";
  if (std::getenv("RESIDENCY_UPDATE_GOLDEN") != nullptr) REQUIRE(core::write_file_atomic(path, actual));
  auto expected = core::read_file(path);
  REQUIRE(expected);
  CHECK(actual == *expected);
}

TEST_CASE("audit::finding_sentence: geography is not jurisdiction, in words", "[audit]") {
  const auto& rules = shipped();
  const core::TargetReport t = report_of(resource("hdh", "azure", "francecentral", "azure-public"));
  const auto* req = rules.find_requirement("HDH-IMMUNITY");
  REQUIRE(req != nullptr);
  auto r = policy::evaluate(rules, *req, t.facts, k_as_of);
  CHECK(audit::finding_sentence(rules, *req, r, t, k_as_of) ==
        "Served from France (Microsoft Azure francecentral, Paris), but operated by Microsoft Corporation (United "
        "States): "
        "reachable under the CLOUD Act (18 U.S.C. § 2713), Executive Order 12333 and FISA section 702 (50 U.S.C. § "
        "1881a).");
}
