// Requirement evaluation: selectors, on_unknown, and the facts → verdicts table of the shipped
// fr-health-data policy on hand-built observations run through attribution (--as-of 2026-11-30).
#include "policy/attribute.hpp"
#include "policy/evaluate.hpp"

#include "policy_fixtures.hpp"

using core::Verdict;
using policy::Observations;
using policy_test::k_as_of;
using Values = std::vector<std::string>;

namespace {

const policy::RuleSet& shipped() {
  static const policy::Validation v = policy_test::load_dirs({"rules"});
  INFO(policy_test::all_text(v.problems));
  REQUIRE(v.errors == 0);
  return v.rules;
}

// Verdicts of every requirement of `policy_id` (as counted: unknown under on_unknown) for `obs`.
std::map<std::string, Verdict> verdicts(const std::string& policy_id, const Observations& obs) {
  const auto& rules = shipped();
  const auto& policy = rules.policies.at(policy_id);
  auto attribution = policy::attribute(rules, obs, k_as_of);
  std::map<std::string, Verdict> out;
  const std::map<std::string, std::string> tags{{"classification", "health"}};
  for (const auto& req : policy.requirements) {
    if (!policy::applies(req, tags)) continue;
    out[req.id] = policy::evaluate(rules, req, attribution.facts, k_as_of).verdict;
  }
  return out;
}

Observations resource(std::string provider, std::string region, std::string offer = {}) {
  Observations o;
  o.subject = "health-data";
  o.basis = policy::Basis::declared;
  o.declared_provider = std::move(provider);
  o.declared_region = std::move(region);
  o.declared_offer = std::move(offer);
  o.tls_terminated_by = Values{};  // probed: nothing terminates TLS in front of the host
  return o;
}

}  // namespace

TEST_CASE("policy::applies: every listed tag must match / a list is any of", "[policy]") {
  policy::Requirement r;
  CHECK(policy::applies(r, {}));
  r.applies_to = {{"classification", {"health", "personal"}}};
  CHECK(policy::applies(r, {{"classification", "health"}, {"team", "x"}}));
  CHECK(policy::applies(r, {{"classification", "personal"}}));
  CHECK_FALSE(policy::applies(r, {{"classification", "public"}}));
  CHECK_FALSE(policy::applies(r, {}));
  r.applies_to["env"] = {"prod"};
  CHECK_FALSE(policy::applies(r, {{"classification", "health"}}));
  CHECK(policy::applies(r, {{"classification", "health"}, {"env", "prod"}}));
}

TEST_CASE("policy::evaluate: unknown is reported as unknown / on_unknown decides how it counts", "[policy]") {
  const auto& rules = policy_test::min_rules();
  const auto* immune = rules.find_requirement("T-IMMUNE");
  const auto* snc = rules.find_requirement("T-SNC");
  REQUIRE(immune != nullptr);
  REQUIRE(snc != nullptr);
  core::Facts none;
  auto r = policy::evaluate(rules, *immune, none, k_as_of);
  CHECK(r.verdict == Verdict::unknown);
  CHECK(policy::counted_verdict(*immune, r.verdict) == Verdict::fail);  // default: fail-closed
  CHECK(policy::counted_verdict(*snc, policy::evaluate(rules, *snc, none, k_as_of).verdict) == Verdict::pass);  // warn
  core::Facts laws;
  laws.set_known("controlled_by.laws", {"us-cloud-act"});
  CHECK(policy::evaluate(rules, *immune, laws, k_as_of).verdict == Verdict::fail);
  laws.set_known("controlled_by.laws", {});
  CHECK(policy::evaluate(rules, *immune, laws, k_as_of).verdict == Verdict::pass);
}

TEST_CASE("policy::evaluate: fr-health-data / Azure francecentral fails on immunity from non-EU law", "[policy]") {
  auto v = verdicts("fr-health-data", resource("azure", "francecentral"));
  CHECK(v.at("HDH-LOC") == Verdict::pass);  // geography is not jurisdiction
  CHECK(v.at("HDH-IMMUNITY") == Verdict::fail);
  CHECK(v.at("HDH-SECNUMCLOUD") != Verdict::pass);
}

TEST_CASE("policy::evaluate: fr-health-data / an OVHcloud SecNumCloud offer passes all but its lapsed 2018 HDS",
          "[policy]") {
  auto v = verdicts("fr-health-data", resource("ovhcloud", "eu-west-par", "ovhcloud-hpc-snc"));
  REQUIRE(v.size() >= 5);
  for (const auto& [id, verdict] : v) {
    INFO(id);
    // OVHcloud's HDS certificate is still of the 2018 referential, whose transition ended in May 2026.
    CHECK(verdict == (id == "HDH-HDS" ? Verdict::fail : Verdict::pass));
  }
  // The same company with an offer that is not qualified does not pass SecNumCloud.
  auto other = verdicts("fr-health-data", resource("ovhcloud", "eu-west-par", "ovhcloud-public-cloud"));
  CHECK(other.at("HDH-SECNUMCLOUD") == Verdict::fail);
  CHECK(other.at("HDH-IMMUNITY") == Verdict::pass);
}

TEST_CASE("policy::evaluate: fr-health-data / AWS eu-west-3 fails", "[policy]") {
  auto v = verdicts("fr-health-data", resource("aws", "eu-west-3"));
  CHECK(v.at("HDH-LOC") == Verdict::pass);
  CHECK(v.at("HDH-IMMUNITY") == Verdict::fail);
}

TEST_CASE("policy::evaluate: fr-health-data / an endpoint fronted by a US CDN fails", "[policy]") {
  Observations o = resource("ovhcloud", "eu-west-par", "ovhcloud-hpc-snc");
  o.subject = "portal.example.fr";
  o.cname_chain = {"portal.example.fr.cdn.cloudflare.net"};
  o.addresses = {"104.16.0.1"};
  o.ranges = {{"104.16.0.1", "cloudflare", "", "", "providers.mmdb"}};
  o.tls_terminated_by = Values{"cloudflare"};
  auto v = verdicts("fr-health-data", o);
  CHECK(v.at("HDH-NO-FOREIGN-CDN") == Verdict::fail);
  CHECK(v.at("HDH-IMMUNITY") == Verdict::fail);
  CHECK(v.at("HDH-LOC") == Verdict::unknown);  // anycast: indeterminate, never a pass
}

TEST_CASE("policy::evaluate: fr-health-data / a missing fact is unknown and fails by default", "[policy]") {
  const auto& rules = shipped();
  const auto* req = rules.find_requirement("HDH-IMMUNITY");
  REQUIRE(req != nullptr);
  Observations o;
  o.subject = "unknown.example.fr";
  auto attribution = policy::attribute(rules, o, k_as_of);
  auto r = policy::evaluate(rules, *req, attribution.facts, k_as_of);
  CHECK(r.verdict == Verdict::unknown);
  CHECK(req->on_unknown == policy::OnUnknown::fail);
  CHECK(policy::counted_verdict(*req, r.verdict) == Verdict::fail);
  REQUIRE(r.explanation.leaves.size() == 1);
  CHECK(r.explanation.leaves[0].detail.find("no provider attributed") != std::string::npos);
}
