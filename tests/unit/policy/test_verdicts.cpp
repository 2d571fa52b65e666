// Truthful verdicts on the shipped packs: certification scope and lapse, subsidiaries abroad,
// special-use addresses, the kind of the GeoIP data, declared facts, and the silent passes of a
// partial observation. Each case failed (gave a pass or a proven fail) before the fix.
#include "policy/attribute.hpp"
#include "policy/evaluate.hpp"

#include "policy_fixtures.hpp"

using core::Verdict;
using policy::Observations;
using Values = std::vector<std::string>;

namespace {

core::Date day(const char* text) { return *core::parse_date(text); }

const policy::RuleSet& shipped() {
  static const policy::Validation v = policy_test::load_dirs({"rules"});
  INFO(policy_test::all_text(v.problems));
  REQUIRE(v.errors == 0);
  return v.rules;
}

struct Judged {
  policy::Attribution attribution;
  Verdict verdict;
  std::string detail;  // the first deciding leaf's detail
};

Judged judge(const std::string& requirement, const Observations& obs, core::Date as_of) {
  const auto& rules = shipped();
  const policy::Requirement* req = rules.find_requirement(requirement);
  REQUIRE(req != nullptr);
  Judged j{policy::attribute(rules, obs, as_of), Verdict::unknown, {}};
  auto r = policy::evaluate(rules, *req, j.attribution.facts, as_of);
  j.verdict = r.verdict;
  for (const auto& leaf : r.explanation.leaves) {
    if (!leaf.detail.empty()) {
      j.detail = leaf.detail;
      break;
    }
  }
  return j;
}

Observations resource(std::string provider, std::string region, std::string offer = {}) {
  Observations o;
  o.subject = provider + ":" + region;
  o.basis = policy::Basis::declared;
  o.declared_provider = std::move(provider);
  o.declared_region = std::move(region);
  o.declared_offer = std::move(offer);
  return o;
}

// An observed host whose one address an ASN database gives to `asn`, located in `country` by a
// database of `kind`.
Observations host_at(const std::string& address, std::uint32_t asn, const std::string& country,
                     std::string kind = "geolocation") {
  Observations o;
  o.subject = "app.example.org";
  o.addresses = {address};
  o.asns = {{address, asn, "asn.mmdb"}};
  if (!country.empty()) o.geo = {{address, country, core::FactStatus::known, "country.mmdb", std::move(kind)}};
  return o;
}

const core::CertificationStatus* cert(const Judged& j, const std::string& scheme) {
  for (const auto& c : j.attribution.certifications) {
    if (c.scheme == scheme) return &c;
  }
  return nullptr;
}

const core::Fact& fact(const Judged& j, const std::string& path) {
  const core::Fact* f = j.attribution.facts.find(path);
  REQUIRE(f != nullptr);
  return *f;
}

}  // namespace

TEST_CASE("verdict: a certification counts only in the regions it covers", "[policy]") {
  // Outscale's SecNumCloud covers cloudgouv-eu-west-1 only.
  auto qualified =
      judge("SNC-QUALIFIED", resource("outscale", "cloudgouv-eu-west-1", "outscale-iaas"), day("2026-11-29"));
  CHECK(qualified.verdict == Verdict::pass);
  auto paris = judge("SNC-QUALIFIED", resource("outscale", "eu-west-2", "outscale-iaas"), day("2026-11-29"));
  CHECK(paris.verdict == Verdict::fail);
  REQUIRE(cert(paris, "secnumcloud") != nullptr);
  CHECK(cert(paris, "secnumcloud")->state == "out-of-scope");
  CHECK(cert(paris, "secnumcloud")->why == "covers only cloudgouv-eu-west-1, not eu-west-2");
  auto us = judge("SNC-QUALIFIED", resource("outscale", "us-east-2", "outscale-iaas"), day("2026-11-29"));
  CHECK(us.verdict == Verdict::fail);
  // Scaleway's HDS Object Storage covers Paris, not Amsterdam.
  CHECK(judge("HDH-HDS", resource("scaleway", "fr-par", "scaleway-object-storage"), day("2026-11-30")).verdict ==
        Verdict::pass);
  CHECK(judge("HDH-HDS", resource("scaleway", "nl-ams", "scaleway-object-storage"), day("2026-11-30")).verdict ==
        Verdict::fail);
}

TEST_CASE("verdict: a region-scoped certification on a target whose region is unknown is unknown", "[policy]") {
  Observations o = host_at("171.33.64.10", 50624, "FR");
  o.declared_offer = "outscale-iaas";
  auto j = judge("SNC-QUALIFIED", o, day("2026-11-29"));
  CHECK(j.verdict == Verdict::unknown);
  CHECK(j.detail.find("covers only cloudgouv-eu-west-1, and the target's region is not known") != std::string::npos);
}

TEST_CASE("verdict: a region run by a US subsidiary is reached by US law", "[policy]") {
  auto j = judge("SNC-19.6", resource("ovhcloud", "us-east-va"), day("2026-11-30"));
  CHECK(j.verdict == Verdict::fail);
  const Values entities = fact(j, "controlled_by.entities").values;
  CHECK(std::find(entities.begin(), entities.end(), "OVH US LLC") != entities.end());
  CHECK(std::find(entities.begin(), entities.end(), "OVH SAS") == entities.end());
  CHECK(judge("SNC-19.6", resource("outscale", "us-west-1"), day("2026-11-30")).verdict == Verdict::fail);
  // Open Telekom Cloud's Swiss region is run by T-Systems Schweiz.
  auto ch = judge("SNC-19.6", resource("open-telekom-cloud", "eu-ch2"), day("2026-11-30"));
  CHECK(fact(ch, "controlled_by.entities").values.front() == "T-Systems Schweiz");
  // A French region of the same provider keeps the French chain.
  CHECK(judge("SNC-19.6", resource("ovhcloud", "gra"), day("2026-11-30")).verdict == Verdict::pass);
}

TEST_CASE("verdict: an OVHcloud address located in the US is run by OVH US LLC (an inference, said so)", "[policy]") {
  auto us = judge("SNC-19.6", host_at("51.81.0.1", 16276, "US"), day("2026-11-30"));
  CHECK(us.verdict == Verdict::fail);
  CHECK(fact(us, "controlled_by.entities").values.front() == "OVH US LLC");
  CHECK(fact(us, "controlled_by.entities").confidence == "medium");
  const auto& ev = us.attribution.evidence;
  CHECK(std::any_of(ev.begin(), ev.end(), [](const core::EvidenceStep& s) {
    return s.kind == "entity" && s.value == "OVH US LLC" && s.method.starts_with("inferred:") &&
           s.confidence == "medium";
  }));
  // The same ASN in France: the French chain, no law of a non-EU country.
  auto fr = judge("SNC-19.6", host_at("51.210.10.10", 16276, "FR"), day("2026-11-30"));
  CHECK(fr.verdict == Verdict::pass);
  // Without a country the operating company cannot be told: unknown, never the French chain.
  auto nowhere = judge("SNC-19.6", host_at("51.210.10.11", 16276, ""), day("2026-11-30"));
  CHECK(nowhere.verdict == Verdict::unknown);
  CHECK(nowhere.detail.find("runs subsidiaries abroad") != std::string::npos);
}

TEST_CASE("verdict: the HDS of the parent does not cover a region run by a subsidiary", "[policy]") {
  Observations o = resource("ovhcloud", "us-east-va", "ovhcloud-public-cloud");
  auto j = judge("HDH-HDS", o, day("2026-04-30"));  // before the 2018 certificates lapsed
  CHECK(j.verdict == Verdict::fail);
  REQUIRE(cert(j, "hds") != nullptr);
  CHECK(cert(j, "hds")->state == "out-of-scope");
  CHECK(cert(j, "hds")->why == "is held by OVH SAS; the target is run by OVH US LLC");
  CHECK(judge("HDH-HDS", resource("ovhcloud", "gra", "ovhcloud-public-cloud"), day("2026-04-30")).verdict ==
        Verdict::pass);
}

TEST_CASE("verdict: a certification past its end date fails and says so", "[policy]") {
  // OVHcloud's HDS entries are of the 2018 referential, which lapsed in May 2026.
  auto lapsed = judge("HDH-HDS", resource("ovhcloud", "gra", "ovhcloud-public-cloud"), day("2026-12-01"));
  CHECK(lapsed.verdict == Verdict::fail);
  REQUIRE(cert(lapsed, "hds") != nullptr);
  CHECK(cert(lapsed, "hds")->state == "expired");
  CHECK(cert(lapsed, "hds")->why == "expired on 2026-05");
  // Inside May 2026 the day is not published: unknown, not a guess.
  auto may = judge("HDH-HDS", resource("ovhcloud", "gra", "ovhcloud-public-cloud"), day("2026-05-15"));
  CHECK(may.verdict == Verdict::unknown);
  // Outscale's SecNumCloud ended on 2026-11-30 (inclusive).
  auto on_the_day =
      judge("SNC-QUALIFIED", resource("outscale", "cloudgouv-eu-west-1", "outscale-iaas"), day("2026-11-30"));
  CHECK(on_the_day.verdict == Verdict::pass);
  auto after = judge("SNC-QUALIFIED", resource("outscale", "cloudgouv-eu-west-1", "outscale-iaas"), day("2026-12-01"));
  CHECK(after.verdict == Verdict::fail);
  CHECK(cert(after, "secnumcloud")->why == "expired on 2026-11-30");
}

TEST_CASE("verdict: qualification history answers an earlier --as-of", "[policy]") {
  // Cloud Temple: qualified since 2022 (year only), then the current decision of 2026-07-31.
  const auto ct = resource("cloud-temple", "", "cloud-temple-secure-temple-iaas");
  CHECK(judge("SNC-QUALIFIED", ct, day("2024-06-01")).verdict == Verdict::pass);
  CHECK(judge("SNC-QUALIFIED", ct, day("2022-06-01")).verdict == Verdict::unknown);  // inside 2022
  CHECK(judge("SNC-QUALIFIED", ct, day("2021-06-01")).verdict == Verdict::fail);
  CHECK(judge("SNC-QUALIFIED", ct, day("2026-11-30")).verdict == Verdict::pass);
  // Outscale under SecNumCloud 3.1 since 2017.
  const auto osc = resource("outscale", "cloudgouv-eu-west-1", "outscale-iaas");
  CHECK(judge("SNC-QUALIFIED", osc, day("2020-03-01")).verdict == Verdict::pass);
  CHECK(judge("SNC-QUALIFIED", osc, day("2016-03-01")).verdict == Verdict::fail);
}

TEST_CASE("verdict: an offer in progress is named as such", "[policy]") {
  auto j = judge("SNC-QUALIFIED", resource("scaleway", "fr-par", "scaleway-secnumcloud"), day("2026-12-01"));
  CHECK(j.verdict == Verdict::fail);
  REQUIRE(cert(j, "secnumcloud") != nullptr);
  CHECK(cert(j, "secnumcloud")->why == "in progress since 2025-01-08, not qualified");
}

TEST_CASE("verdict: a record with no published end date counts until its re-check date only", "[policy]") {
  const auto gcp = resource("gcp", "europe-west9", "gcp-public");
  CHECK(judge("HDH-HDS", gcp, day("2027-06-01")).verdict == Verdict::pass);
  auto stale = judge("HDH-HDS", gcp, day("2028-01-01"));
  CHECK(stale.verdict == Verdict::unknown);
  CHECK(cert(stale, "hds")->state == "unconfirmed");
}

TEST_CASE("verdict: special-use addresses have no location", "[policy]") {
  for (const char* address : {"192.168.1.1", "172.16.0.1", "100.64.0.1", "192.0.2.1", "198.51.100.1", "10.0.0.1"}) {
    INFO(address);
    Observations o;
    o.subject = address;
    o.addresses = {address};
    // A country database that (wrongly) answers for it must not be believed.
    o.geo = {{address, "AU", core::FactStatus::known, "country.mmdb", "registry"}};
    auto j = judge("HDH-LOC", o, day("2026-11-30"));
    CHECK(j.verdict == Verdict::unknown);
    CHECK(fact(j, "served_from.countries").detail.find("special-use address") != std::string::npos);
  }
  // A public name resolving to a private address says so in its evidence.
  Observations named;
  named.subject = "intranet.example.fr";
  named.addresses = {"10.0.0.1"};
  auto j = judge("HDH-LOC", named, day("2026-11-30"));
  CHECK(std::any_of(j.attribution.evidence.begin(), j.attribution.evidence.end(), [](const core::EvidenceStep& s) {
    return s.kind == "address" &&
           s.method == "intranet.example.fr resolves to 10.0.0.1: special-use address (private-use, RFC 1918)";
  }));
}

TEST_CASE("verdict: a registry country is low confidence / min_confidence turns it into unknown", "[policy]") {
  auto j = judge("HDH-LOC", host_at("51.210.10.10", 16276, "FR", "registry"), day("2026-11-30"));
  CHECK(j.verdict == Verdict::pass);
  CHECK(fact(j, "served_from.countries").confidence == "low");
  CHECK(std::any_of(j.attribution.evidence.begin(), j.attribution.evidence.end(), [](const core::EvidenceStep& s) {
    return s.kind == "country" && s.method.starts_with("registry country") && s.confidence == "low";
  }));
  policy::Requirement strict = *shipped().find_requirement("HDH-LOC");
  strict.min_confidence = "medium";
  auto r = policy::evaluate(shipped(), strict, j.attribution.facts, day("2026-11-30"));
  CHECK(r.verdict == Verdict::unknown);
  CHECK(r.explanation.leaves[0].detail.find("below the medium confidence") != std::string::npos);
  auto geo = judge("HDH-LOC", host_at("51.210.10.10", 16276, "FR", "geolocation"), day("2026-11-30"));
  CHECK(fact(geo, "served_from.countries").confidence == "medium");
  CHECK(policy::evaluate(shipped(), strict, geo.attribution.facts, day("2026-11-30")).verdict == Verdict::pass);
}

TEST_CASE("verdict: declared tags never stand in for a failed observation", "[policy]") {
  Observations o;
  o.subject = "www.example.fr";
  o.declared_provider = "ovhcloud";
  o.declared_region = "eu-west-par";
  o.unobserved = "dns lookup timeout: unreachable";
  for (const char* req : {"HDH-LOC", "HDH-IMMUNITY", "SNC-19.6", "SNC-19.2-LOC"}) {
    INFO(req);
    auto j = judge(req, o, day("2026-11-30"));
    CHECK(j.verdict == Verdict::unknown);
    CHECK(j.detail.find("was not observed (dns lookup timeout: unreachable)") != std::string::npos);
  }
}

TEST_CASE("verdict: a partial answer is not complete", "[policy]") {
  Observations o = host_at("51.210.10.10", 16276, "FR");
  o.incomplete = {"AAAA timeout for app.example.org"};
  for (const char* req : {"HDH-LOC", "HDH-IMMUNITY"}) {
    INFO(req);
    auto j = judge(req, o, day("2026-11-30"));
    CHECK(j.verdict == Verdict::unknown);
    CHECK(j.detail.find("the DNS answers are incomplete (AAAA timeout") != std::string::npos);
  }
}

TEST_CASE("verdict: a list is complete only when every address is attributed", "[policy]") {
  Observations o = host_at("51.210.10.10", 16276, "FR");
  o.addresses.push_back("45.90.0.7");  // no provider claims it
  o.geo.push_back({"45.90.0.7", "FR", core::FactStatus::known, "country.mmdb", "geolocation"});
  for (const char* req : {"EXT-US", "EXT-CN", "EXT-OTHER", "HDH-IMMUNITY"}) {
    INFO(req);
    auto j = judge(req, o, day("2026-11-30"));
    CHECK(j.verdict == Verdict::unknown);
    CHECK(j.detail.find("45.90.0.7 is not attributed to any provider") != std::string::npos);
  }
}

TEST_CASE("verdict: a declared TLS terminator is a declared fact / accepted only where a requirement says so",
          "[policy]") {
  Observations o = host_at("51.210.10.10", 16276, "FR");
  o.declared_tls = Values{"origin"};
  const auto& rules = shipped();
  auto a = policy::attribute(rules, o, day("2026-11-30"));
  const core::Fact* tls = a.facts.find("tls.terminated_by");
  REQUIRE(tls != nullptr);
  CHECK(tls->values == Values{"ovhcloud"});
  CHECK(tls->declared());
  policy::Requirement req = *rules.find_requirement("HDH-NO-FOREIGN-CDN");
  CHECK(req.accept_declared);
  CHECK(policy::evaluate(rules, req, a.facts, day("2026-11-30")).verdict == Verdict::pass);
  req.accept_declared = false;
  auto refused = policy::evaluate(rules, req, a.facts, day("2026-11-30"));
  CHECK(refused.verdict == Verdict::unknown);
  CHECK(refused.explanation.leaves[0].detail.find("declared in the manifest, not observed") != std::string::npos);
}
