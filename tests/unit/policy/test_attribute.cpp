// Attribution on the test packs: declared resources, feed region aliases, CNAME/PTR suffixes,
// ASNs, regional operators (AWS China), CDNs in front of clouds, certifications of the declared
// offer at --as-of, and the evidence chain.
#include "policy/attribute.hpp"

#include "policy_fixtures.hpp"

using policy::Observations;
using policy_test::k_as_of;
using policy_test::min_rules;
using Values = std::vector<std::string>;

namespace {

policy::Attribution run(const Observations& obs, core::Date as_of = k_as_of) {
  return policy::attribute(min_rules(), obs, as_of);
}

Values values(const policy::Attribution& a, std::string_view path) {
  const core::Fact* f = a.facts.find(path);
  REQUIRE(f != nullptr);
  return f->values;
}

core::FactStatus status(const policy::Attribution& a, std::string_view path) {
  const core::Fact* f = a.facts.find(path);
  REQUIRE(f != nullptr);
  return f->status;
}

bool has_step(const policy::Attribution& a, std::string_view kind, std::string_view value) {
  return std::any_of(a.evidence.begin(), a.evidence.end(),
                     [&](const auto& s) { return s.kind == kind && s.value == value; });
}

Observations declared(std::string provider, std::string region, std::string offer = {}) {
  Observations o;
  o.subject = "resource-1";
  o.basis = policy::Basis::declared;
  o.declared_provider = std::move(provider);
  o.declared_region = std::move(region);
  o.declared_offer = std::move(offer);
  return o;
}

}  // namespace

TEST_CASE("policy::attribute: a declared Azure region reaches US law", "[policy]") {
  auto a = run(declared("azure", "francecentral"));
  CHECK(values(a, "controlled_by.providers") == Values{"azure"});
  CHECK(values(a, "controlled_by.entities") == Values{"Microsoft Corporation"});
  CHECK(values(a, "controlled_by.countries") == Values{"US"});
  CHECK(values(a, "controlled_by.laws") == Values{"us-cloud-act", "us-fisa-702"});
  CHECK(values(a, "served_from.regions") == Values{"azure:francecentral"});
  CHECK(values(a, "served_from.countries") == Values{"FR"});
  CHECK(values(a, "served_from.status") == Values{"known"});
  CHECK(has_step(a, "law", "us-cloud-act"));
  CHECK(has_step(a, "control_country", "US"));
  REQUIRE(a.matches.size() == 1);
  CHECK(a.matches[0].method == "declared");
}

TEST_CASE("policy::attribute: a qualification belongs to an offer / not a company", "[policy]") {
  auto undeclared = run(declared("ovhcloud", "eu-west-par"));
  CHECK(status(undeclared, "certifications") == core::FactStatus::unknown);
  CHECK(undeclared.facts.find("certifications")->detail ==
        "provider ovhcloud has certified offers (secnumcloud:ovhcloud-hpc-snc), but the target does not say which offer it runs on (its `offer` tag)");
  auto snc = run(declared("ovhcloud", "eu-west-par", "ovhcloud-hpc-snc"));
  CHECK(values(snc, "certifications") == Values{"secnumcloud:ovhcloud-hpc-snc"});
  CHECK(values(snc, "certifications.schemes") == Values{"secnumcloud"});
  CHECK(status(snc, "controlled_by.laws") == core::FactStatus::known);
  CHECK(values(snc, "controlled_by.laws").empty());  // a complete list: no law reaches OVH SAS
  auto other_offer = run(declared("ovhcloud", "eu-west-par", "ovhcloud-vps"));
  CHECK(status(other_offer, "certifications") == core::FactStatus::known);
  CHECK(values(other_offer, "certifications").empty());
  // The qualification runs until 2026-12-29: on 2027-01-01 it is history.
  auto later = run(declared("ovhcloud", "eu-west-par", "ovhcloud-hpc-snc"), *core::parse_date("2027-01-01"));
  CHECK(values(later, "certifications").empty());
}

TEST_CASE("policy::attribute: feed region aliases map to canonical regions / regions beat GeoIP", "[policy]") {
  Observations o;
  o.subject = "portal.example.fr";
  o.addresses = {"20.19.0.1"};
  o.ranges = {{"20.19.0.1", "azure", "centralfrance", "AzureCloud", "providers.mmdb"}};
  o.geo = {{"20.19.0.1", "US", core::FactStatus::known, "country.mmdb"}};
  auto a = run(o);
  CHECK(values(a, "served_from.regions") == Values{"azure:francecentral"});
  CHECK(values(a, "served_from.countries") == Values{"FR"});
  CHECK(has_step(a, "region", "azure:francecentral"));
}

TEST_CASE("policy::attribute: CNAME suffix / ASN fallback and GeoIP country", "[policy]") {
  Observations o;
  o.subject = "www.example.fr";
  o.cname_chain = {"example.azurewebsites.net"};
  o.addresses = {"20.50.0.10"};
  o.asns = {{"20.50.0.10", 8075, "asn.mmdb"}};
  o.geo = {{"20.50.0.10", "NL", core::FactStatus::known, "country.mmdb"}};
  auto a = run(o);
  REQUIRE(a.matches.size() == 2);
  CHECK(a.matches[0].method == "cname-suffix");  // precedence: cname-suffix before asn
  CHECK(a.matches[1].method == "asn");
  CHECK(values(a, "controlled_by.providers") == Values{"azure"});
  CHECK(values(a, "served_from.countries") == Values{"NL"});
  CHECK(status(a, "served_from.regions") == core::FactStatus::unknown);
  CHECK(has_step(a, "cname", "example.azurewebsites.net"));
}

TEST_CASE("policy::attribute: a region with its own operator replaces the chain", "[policy]") {
  auto a = run(declared("aws", "cn-north-1"));
  CHECK(values(a, "controlled_by.entities") == Values{"Beijing Sinnet Technology Co., Ltd."});
  CHECK(values(a, "controlled_by.laws") == Values{"cn-national-intelligence-law"});
  auto paris = run(declared("aws", "eu-west-3"));
  CHECK(values(paris, "controlled_by.entities") == Values{"Amazon Web Services, Inc.", "Amazon.com, Inc."});
}

TEST_CASE("policy::attribute: a CDN in front of a cloud / anycast is indeterminate", "[policy]") {
  Observations o;
  o.subject = "app.example.fr";
  o.cname_chain = {"app.example.fr.cdn.cloudflare.net"};
  o.addresses = {"104.16.0.1"};
  o.ranges = {{"104.16.0.1", "cloudflare", "", "", "providers.mmdb"}};
  o.declared_provider = "ovhcloud";
  o.tls_terminated_by = Values{"cloudflare"};
  auto a = run(o);
  CHECK(values(a, "controlled_by.providers") == Values{"ovhcloud", "cloudflare"});
  CHECK(values(a, "controlled_by.laws") == Values{"us-cloud-act", "us-fisa-702"});
  CHECK(status(a, "served_from.countries") == core::FactStatus::indeterminate);
  CHECK(values(a, "served_from.status") == Values{"indeterminate"});
  CHECK(values(a, "tls.terminated_by") == Values{"cloudflare"});
}

TEST_CASE("policy::attribute: nothing matched leaves control unknown / GeoIP disagreement is inconclusive",
          "[policy]") {
  Observations o;
  o.subject = "self-hosted.example.fr";
  o.addresses = {"45.90.0.7"};
  o.geo = {{"45.90.0.7", "", core::FactStatus::inconclusive, "two databases"}};
  auto a = run(o);
  CHECK(status(a, "controlled_by.providers") == core::FactStatus::unknown);
  CHECK(status(a, "controlled_by.laws") == core::FactStatus::unknown);
  CHECK(status(a, "certifications") == core::FactStatus::unknown);
  CHECK(status(a, "served_from.countries") == core::FactStatus::inconclusive);
  CHECK(values(a, "served_from.status") == Values{"inconclusive"});
  CHECK(a.facts.find("tls.terminated_by") == nullptr);
}

TEST_CASE("policy::attribute: an ASN is ignored for an address matched by a range / unknown providers", "[policy]") {
  Observations o;
  o.subject = "x.example";
  o.addresses = {"20.60.0.20"};
  o.ranges = {{"20.60.0.20", "aws", "eu-west-3", "EC2", "providers.mmdb"}};
  o.asns = {{"20.60.0.20", 8075, "asn.mmdb"}};
  auto a = run(o);
  CHECK(values(a, "controlled_by.providers") == Values{"aws"});
  auto unknown = run(declared("no-such-cloud", "x"));
  CHECK(values(unknown, "controlled_by.providers") == Values{"no-such-cloud"});
  CHECK(status(unknown, "controlled_by.laws") == core::FactStatus::unknown);
}

TEST_CASE("policy::declared_observations: cloud-resource fields / then tags", "[policy]") {
  core::Target t;
  t.id = "hdh";
  t.kind = core::TargetKind::cloud_resource;
  t.provider = "azure";
  t.region = "francecentral";
  t.tags = {{"offer", "azure-public"}, {"region", "ignored"}};
  auto o = policy::declared_observations(t);
  CHECK(o.declared_provider == "azure");
  CHECK(o.declared_region == "francecentral");
  CHECK(o.declared_offer == "azure-public");
  core::Target h;
  h.id = "h";
  h.tags = {{"provider", "ovhcloud"}, {"region", "eu-west-par"}};
  CHECK(policy::declared_observations(h).declared_provider == "ovhcloud");
}

TEST_CASE("policy::attribute: a declared region gives a declared resource its country / never an observed address",
          "[policy]") {
  auto resource = run(declared("azure", "francecentral"));
  CHECK(values(resource, "served_from.countries") == Values{"FR"});
  // An observed host tagged with a region: an address GeoIP does not know stays unknown.
  Observations host;
  host.subject = "www.example.fr";
  host.declared_provider = "azure";
  host.declared_region = "francecentral";
  host.addresses = {"20.70.0.30"};
  auto a = run(host);
  CHECK(status(a, "served_from.countries") == core::FactStatus::unknown);
  CHECK(a.facts.find("served_from.countries")->detail == "no country for 20.70.0.30");
}
