// Edge signatures in the shipped provider packs: CloudFront, Cloudflare, Front Door, Fastly and Akamai
// headers and the issuers only a provider uses, matched from plain header and issuer text.
#include "policy/edge.hpp"

#include "policy_fixtures.hpp"

namespace {

const policy::RuleSet& shipped() {
  static const policy::Validation v = policy_test::load_dirs({"rules"});
  REQUIRE(v.errors == 0);
  return v.rules;
}

using Headers = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string> providers(const std::vector<policy::EdgeMatch>& m) {
  std::vector<std::string> out;
  for (const auto& x : m) out.push_back(x.provider);
  return out;
}

}  // namespace

TEST_CASE("policy::match_edge_headers: each CDN's documented headers name it", "[policy]") {
  const auto& r = shipped();
  auto cf = policy::match_edge_headers(r, {{"server", "nginx"}, {"cf-ray", "8a1b2c3d4e5f6a78-CDG"}});
  REQUIRE(cf.size() == 1);
  CHECK(cf[0].provider == "cloudflare");
  CHECK(cf[0].method == "header");
  CHECK(cf[0].header == "cf-ray");
  CHECK(cf[0].what == "cf-ray: 8a1b2c3d4e5f6a78-CDG");
  CHECK(cf[0].confidence == "high");
  CHECK(cf[0].source.find("rules/providers/cloudflare.yaml (edge, as of ") != std::string::npos);
  CHECK(providers(policy::match_edge_headers(r, {{"X-Amz-Cf-Pop", "CDG50-C1"}, {"x-amz-cf-id", "abc"}})) ==
        std::vector<std::string>{"aws", "aws"});
  CHECK(providers(policy::match_edge_headers(r, {{"x-azure-ref", "0zxV"}})) == std::vector<std::string>{"azure"});
  CHECK(providers(policy::match_edge_headers(r, {{"x-served-by", "cache-fra19120-FRA"}})) ==
        std::vector<std::string>{"fastly"});
  CHECK(providers(policy::match_edge_headers(r, {{"Akamai-GRN", "0.05313217.1567801841.1457a3"}})) ==
        std::vector<std::string>{"akamai"});
  CHECK(providers(policy::match_edge_headers(r, {{"akamai-cache-status", "Hit from child"}})) ==
        std::vector<std::string>{"akamai"});
  // A value condition must hold: an application's own X-Served-By is not Fastly.
  CHECK(policy::match_edge_headers(r, {{"x-served-by", "web-03"}}).empty());
  CHECK(policy::match_edge_headers(r, {{"server", "nginx"}, {"x-powered-by", "PHP"}}).empty());
}

TEST_CASE("policy::match_edge_issuer: only issuers a provider alone uses, with their confidence", "[policy]") {
  const auto& r = shipped();
  auto amazon = policy::match_edge_issuer(r, "Amazon", "US");
  REQUIRE(amazon.size() == 1);
  CHECK(amazon[0].provider == "aws");
  CHECK(amazon[0].confidence == "low");  // ACM certificates can be exported since 2025
  CHECK(amazon[0].what == "issuer O=Amazon, C=US");
  CHECK(providers(policy::match_edge_issuer(r, "Microsoft Corporation", "US")) == std::vector<std::string>{"azure"});
  CHECK(policy::match_edge_issuer(r, "Amazon", "FR").empty());  // the country must agree
  CHECK(policy::match_edge_issuer(r, "Let's Encrypt", "US").empty());
  CHECK(policy::match_edge_issuer(r, "", "").empty());
}
