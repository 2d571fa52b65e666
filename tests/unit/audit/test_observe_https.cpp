// audit::observe_https on recorded HTTPS chains (no network): who terminates TLS by header,
// certificate issuer and address operator; every way it stays unknown (guard, timeout, failed
// verification, truncated headers, nothing recognised); redirect hops; the verdict of
// HDH-NO-FOREIGN-CDN; and the recording's JSON round trip.
#include "audit/observe.hpp"
#include "audit/observe_https.hpp"
#include "audit_fixtures.hpp"
#include "core/diag.hpp"
#include "geo/mmdb_writer.hpp"
#include "policy/evaluate.hpp"
#include "policy/load.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>

namespace fs = std::filesystem;
using geo::MmdbValue;
using Values = std::vector<std::string>;

namespace {

using audit_test::k_as_of;

const policy::RuleSet& rules() { return audit_test::shipped_rules(); }

// A provider-range database (aws CloudFront edge, OVH) and an ASN database, written by our writer.
const geo::DatabaseSet& geoip() {
  static const geo::DatabaseSet set = [] {
    const char* base = std::getenv("RESIDENCY_TEST_TMP");
    const fs::path dir = fs::path(base != nullptr ? base : "/tmp") / ("observe-https-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    geo::WriterOptions o;
    o.database_type = "residency-provider-ranges";
    o.build_epoch = 1780000000;
    geo::MmdbWriter ranges(o);
    ranges.insert(*core::parse_prefix("13.32.0.0/15"),
                  MmdbValue::map({{"provider", MmdbValue::string("aws")}, {"region", MmdbValue::string("GLOBAL")}}));
    REQUIRE(ranges.write(dir / "ranges.mmdb"));
    o.database_type = "residency-asn";
    geo::MmdbWriter asn(o);
    asn.insert(*core::parse_prefix("51.210.0.0/16"),
               MmdbValue::map({{"autonomous_system_number", MmdbValue::uint32(16276)}}));
    REQUIRE(asn.write(dir / "asn.mmdb"));
    auto s = geo::DatabaseSet::open({dir / "ranges.mmdb", dir / "asn.mmdb"});
    REQUIRE(s);
    return std::move(*s);
  }();
  return set;
}

probe::DnsResult answer(const std::string& name, const std::vector<std::string>& ips) {
  probe::DnsResult r;
  r.name = r.ascii_name = r.unicode_name = name;
  r.status = probe::DnsStatus::ok;
  for (const auto& ip : ips) r.addresses.push_back({*core::parse_ip(ip), 60, {}});
  r.resolver = "127.0.0.1:53";
  r.time = "2026-11-30T00:00:00Z";
  return r;
}

probe::HttpsEndpoint ok_endpoint(const std::string& ip, std::vector<probe::HttpHeader> headers,
                                 const std::string& issuer_org = "Residency Test", const std::string& issuer_c = "FR") {
  probe::HttpsEndpoint e;
  e.address = *core::parse_ip(ip);
  e.status = probe::HttpsStatus::ok;
  e.method = "HEAD";
  e.tls_version = "TLSv1.3";
  e.tls_cipher = "TLS_AES_256_GCM_SHA384";
  e.verified = true;
  probe::Certificate leaf;
  leaf.subject = "CN=portal.test";
  leaf.issuer = "CN=Test,O=" + issuer_org + ",C=" + issuer_c;
  leaf.issuer_organisation = issuer_org;
  leaf.issuer_country = issuer_c;
  leaf.not_before = "2026-01-01T00:00:00Z";
  leaf.not_after = "2027-01-01T00:00:00Z";
  leaf.key_type = "RSA";
  leaf.key_bits = 2048;
  e.chain = {leaf};
  e.http_version = "HTTP/2";
  e.status_code = 200;
  e.headers = std::move(headers);
  e.headers.push_back({"server", "nginx"});
  e.time = "2026-11-30T00:00:01Z";
  return e;
}

probe::HttpsChain chain_of(const std::string& url, const std::string& host,
                           std::vector<probe::HttpsEndpoint> endpoints) {
  probe::HttpsChain c;
  c.url = url;
  probe::HttpsHop hop;
  hop.url = url;
  hop.host = host;
  hop.endpoints = std::move(endpoints);
  c.hops.push_back(std::move(hop));
  return c;
}

core::Target url_target(const std::string& url, const std::string& host) {
  core::Target t;
  t.id = t.value = url;
  t.host = host;
  t.kind = core::TargetKind::url;
  t.tags = {{"classification", "health"}};
  return t;
}

core::TargetReport observe(const core::Target& t, std::vector<probe::DnsResult> dns,
                           std::vector<probe::HttpsChain> https) {
  audit::Recording rec;
  rec.dns = std::move(dns);
  rec.https = std::move(https);
  std::sort(rec.dns.begin(), rec.dns.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::sort(rec.https.begin(), rec.https.end(), [](const auto& a, const auto& b) { return a.url < b.url; });
  std::vector<std::string> warnings;
  return audit::observe_target(t, rec, geoip(), rules(), k_as_of, warnings);
}

const core::Fact& fact(const core::TargetReport& r, const char* path) {
  const core::Fact* f = r.facts.find(path);
  INFO(path);
  REQUIRE(f != nullptr);
  return *f;
}

bool has_step(const core::TargetReport& r, const std::string& kind, const std::string& value,
              const std::string& method_prefix) {
  return std::any_of(r.evidence.begin(), r.evidence.end(), [&](const core::EvidenceStep& s) {
    return s.kind == kind && s.value == value && s.method.starts_with(method_prefix);
  });
}

core::Verdict no_foreign_cdn(const core::TargetReport& r) {
  const policy::Requirement* req = rules().find_requirement("HDH-NO-FOREIGN-CDN");
  REQUIRE(req != nullptr);
  return policy::evaluate(rules(), *req, r.facts, k_as_of).verdict;
}

const std::string k_url = "https://portal.test/";

}  // namespace

TEST_CASE("audit::observe_https: a CloudFront header, issuer and address make the terminator observed", "[audit]") {
  auto r = observe(
      url_target(k_url, "portal.test"), {answer("portal.test", {"13.32.0.10"})},
      {chain_of(k_url, "portal.test",
                {ok_endpoint("13.32.0.10", {{"x-amz-cf-pop", "CDG50-C1"}, {"x-amz-cf-id", "abc"}}, "Amazon", "US")})});
  const auto& tls = fact(r, "tls.terminated_by");
  CHECK(tls.status == core::FactStatus::known);
  CHECK(tls.values == Values{"aws"});
  CHECK(tls.provenance.at(0)->source == "https");
  CHECK(tls.provenance.at(0)->detail.find("inferred") == std::string::npos);
  CHECK(has_step(r, "tls", "aws", "header: x-amz-cf-pop: CDG50-C1"));
  CHECK(has_step(r, "tls", "aws", "certificate: issuer O=Amazon, C=US"));
  CHECK(has_step(r, "tls", "aws", "ip-range: the address 13.32.0.10"));
  CHECK(fact(r, "tls.issuer.organisation").values == Values{"Amazon"});
  CHECK(fact(r, "tls.issuer.country").values == Values{"US"});
  CHECK(fact(r, "tls.version").values == Values{"TLSv1.3"});
  CHECK(fact(r, "tls.verification").values == Values{"verified"});
  CHECK(fact(r, "http.server").values == Values{"nginx"});
  CHECK(fact(r, "http.edge_headers").values == Values{"x-amz-cf-pop", "x-amz-cf-id"});
  CHECK(no_foreign_cdn(r) == core::Verdict::fail);
}

TEST_CASE("audit::observe_https: a US CDN in front of a French origin is named / the origin alone passes", "[audit]") {
  // cf-ray on an OVHcloud address: Cloudflare reads the plaintext, whatever the address says.
  auto cdn = observe(url_target(k_url, "portal.test"), {answer("portal.test", {"51.210.1.1"})},
                     {chain_of(k_url, "portal.test", {ok_endpoint("51.210.1.1", {{"cf-ray", "8a1b-CDG"}})})});
  CHECK(fact(cdn, "tls.terminated_by").values == Values{"cloudflare", "ovhcloud"});
  CHECK(fact(cdn, "tls.terminated_by").status == core::FactStatus::known);
  CHECK(no_foreign_cdn(cdn) == core::Verdict::fail);
  auto origin = observe(url_target(k_url, "portal.test"), {answer("portal.test", {"51.210.1.1"})},
                        {chain_of(k_url, "portal.test", {ok_endpoint("51.210.1.1", {})})});
  CHECK(fact(origin, "tls.terminated_by").values == Values{"ovhcloud"});
  CHECK(fact(origin, "tls.terminated_by").status == core::FactStatus::known);
  CHECK(has_step(origin, "tls", "ovhcloud", "asn: the address 51.210.1.1"));
  CHECK(no_foreign_cdn(origin) == core::Verdict::pass);
}

TEST_CASE("audit::observe_https: nothing recognised on an unknown network is unknown, not a pass", "[audit]") {
  auto r = observe(url_target(k_url, "portal.test"), {answer("portal.test", {"198.18.0.1"})},
                   {chain_of(k_url, "portal.test", {ok_endpoint("198.18.0.1", {})})});
  const auto& tls = fact(r, "tls.terminated_by");
  CHECK(tls.status == core::FactStatus::unknown);
  CHECK(tls.detail.starts_with("no edge network recognised at 198.18.0.1"));
  CHECK(no_foreign_cdn(r) == core::Verdict::unknown);
}

TEST_CASE("audit::observe_https: a refused, timed-out or unverified endpoint leaves the terminator unknown",
          "[audit]") {
  auto refused = ok_endpoint("13.32.0.10", {});
  refused.status = probe::HttpsStatus::refused;
  refused.detail =
      "refused to connect to 127.0.0.1: special-use address (loopback, RFC 1122); pass --allow-private to probe "
      "private and special-use addresses";
  refused.chain.clear();
  refused.headers.clear();
  refused.tls_version.clear();
  refused.verified = false;
  auto r = observe(url_target(k_url, "portal.test"), {answer("portal.test", {"13.32.0.10"})},
                   {chain_of(k_url, "portal.test", {refused})});
  CHECK(fact(r, "tls.terminated_by").status == core::FactStatus::unknown);
  CHECK(fact(r, "tls.terminated_by").detail.find("--allow-private") != std::string::npos);
  CHECK(fact(r, "tls.issuer.organisation").status == core::FactStatus::unknown);
  CHECK(no_foreign_cdn(r) == core::Verdict::unknown);

  auto stalled = ok_endpoint("51.210.1.1", {});
  stalled.status = probe::HttpsStatus::timeout;
  stalled.detail = "no HTTP response within 10000 ms after the TLS handshake";
  stalled.headers.clear();
  stalled.status_code = 0;
  auto t = observe(url_target(k_url, "portal.test"), {answer("portal.test", {"51.210.1.1"})},
                   {chain_of(k_url, "portal.test", {stalled})});
  CHECK(fact(t, "tls.terminated_by").status == core::FactStatus::unknown);
  CHECK(fact(t, "tls.terminated_by").values == Values{"ovhcloud"});  // a candidate, not a verdict
  CHECK(fact(t, "tls.terminated_by").detail.starts_with("no HTTP answer from 51.210.1.1 (timeout"));
  CHECK(fact(t, "tls.version").values == Values{"TLSv1.3"});
  CHECK(fact(t, "http.server").status == core::FactStatus::unknown);
  CHECK(no_foreign_cdn(t) == core::Verdict::unknown);

  auto expired = ok_endpoint("51.210.1.1", {});
  expired.status = probe::HttpsStatus::verify_failed;
  expired.verified = false;
  expired.verify_code = "expired";
  expired.verify_error = "certificate has expired";
  expired.tls_version.clear();
  expired.headers.clear();
  auto v = observe(url_target(k_url, "portal.test"), {answer("portal.test", {"51.210.1.1"})},
                   {chain_of(k_url, "portal.test", {expired})});
  CHECK(fact(v, "tls.terminated_by").status == core::FactStatus::unknown);
  CHECK(fact(v, "tls.terminated_by")
            .detail.starts_with("TLS verification failed at 51.210.1.1 (certificate has expired)"));
  CHECK(fact(v, "tls.verification").values == Values{"expired"});
  CHECK(fact(v, "tls.issuer.organisation").status == core::FactStatus::known);  // the certificate is still evidence
  CHECK(has_step(
      v, "certificate",
      "issuer O=Residency Test, C=FR; CN=portal.test; valid 2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z; RSA 2048",
      "TLS handshake, not verified: certificate has expired"));
  CHECK(no_foreign_cdn(v) == core::Verdict::unknown);

  auto big = ok_endpoint("51.210.1.1", {});
  big.headers_truncated = true;
  big.detail = "response headers exceeded 65536 bytes; the rest were not kept";
  auto b = observe(url_target(k_url, "portal.test"), {answer("portal.test", {"51.210.1.1"})},
                   {chain_of(k_url, "portal.test", {big})});
  CHECK(fact(b, "tls.terminated_by").status == core::FactStatus::unknown);  // a CDN header could be past the cap
}

TEST_CASE("audit::observe_https: every address counts / one unknown makes the list unknown", "[audit]") {
  auto down = ok_endpoint("13.32.0.11", {});
  down.status = probe::HttpsStatus::unreachable;
  down.detail = "Failed to connect";
  down.chain.clear();
  down.headers.clear();
  down.tls_version.clear();
  down.verified = false;
  auto r = observe(url_target(k_url, "portal.test"), {answer("portal.test", {"13.32.0.10", "13.32.0.11"})},
                   {chain_of(k_url, "portal.test", {ok_endpoint("13.32.0.10", {{"x-amz-cf-id", "x"}}), down})});
  CHECK(fact(r, "tls.terminated_by").status == core::FactStatus::unknown);
  CHECK(fact(r, "tls.terminated_by").values == Values{"aws"});
}

TEST_CASE("audit::observe_https: a redirect hop's terminator counts too, and is attributed", "[audit]") {
  auto c = chain_of(k_url, "portal.test", {ok_endpoint("51.210.1.1", {})});
  c.hops[0].endpoints[0].status_code = 302;
  c.hops[0].endpoints[0].redirect = "https://login.test/";
  probe::HttpsHop hop;
  hop.url = "https://login.test/";
  hop.host = "login.test";
  hop.depth = 1;
  hop.from = k_url;
  hop.endpoints = {ok_endpoint("13.32.0.20", {})};
  c.hops.push_back(hop);
  auto r = observe(url_target(k_url, "portal.test"),
                   {answer("portal.test", {"51.210.1.1"}), answer("login.test", {"13.32.0.20"})}, {c});
  CHECK(fact(r, "tls.terminated_by").values == Values{"ovhcloud", "aws"});
  CHECK(fact(r, "tls.terminated_by").status == core::FactStatus::known);
  CHECK(has_step(r, "redirect", "https://login.test/", "http redirect"));
  CHECK(has_step(r, "tls", "aws", "ip-range: the address 13.32.0.20"));
  // A redirect that was not followed leaves the end of the chain unknown.
  c.stopped = "more than 5 redirects: https://x.test/ not followed";
  auto s = observe(url_target(k_url, "portal.test"),
                   {answer("portal.test", {"51.210.1.1"}), answer("login.test", {"13.32.0.20"})}, {c});
  CHECK(fact(s, "tls.terminated_by").status == core::FactStatus::unknown);
}

TEST_CASE("audit::observe_https: a host target's chain is https://HOST/ / without a chain DNS inference stays",
          "[audit]") {
  core::Target host;
  host.id = host.value = host.host = "portal.test";
  host.kind = core::TargetKind::host;
  CHECK(audit::https_url(host) == "https://portal.test/");
  CHECK_FALSE(audit::wants_https(host, audit::HttpsScope::declared));
  CHECK(audit::wants_https(host, audit::HttpsScope::all_hosts));
  host.https = true;
  CHECK(audit::wants_https(host, audit::HttpsScope::declared));
  auto observed =
      observe(host, {answer("portal.test", {"13.32.0.10"})},
              {chain_of("https://portal.test/", "portal.test", {ok_endpoint("13.32.0.10", {{"x-amz-cf-id", "x"}})})});
  CHECK(fact(observed, "tls.terminated_by").provenance.at(0)->source == "https");
  auto inferred = observe(host, {answer("portal.test", {"13.32.0.10"})}, {});
  CHECK(fact(inferred, "tls.terminated_by").provenance.at(0)->detail.starts_with("inferred"));
  CHECK(inferred.facts.find("tls.version") == nullptr);
}

TEST_CASE("audit::recording: HTTPS chains round-trip through JSON", "[audit]") {
  audit::Recording rec;
  rec.started_at = "2026-11-30T00:00:00Z";
  rec.as_of = k_as_of;
  auto c = chain_of(k_url, "portal.test", {ok_endpoint("13.32.0.10", {{"x-amz-cf-id", "x"}}, "Amazon", "US")});
  c.hops[0].endpoints[0].connected_to = "127.0.0.2:8443";
  c.hops[0].endpoints[0].timings = {10, 20, 30, 40};
  c.stopped = "redirect loop: x";
  rec.https = {c};
  const std::string json = audit::to_json(rec);
  auto back = audit::parse_recording(json, "facts.json");
  REQUIRE(back);
  CHECK(audit::to_json(*back) == json);
  REQUIRE(back->find_https(k_url) != nullptr);
  CHECK(*back->find_https(k_url) == c);
  auto bad = audit::parse_recording(
      R"({"schema": "residency/facts/v1", "started_at": "x", "as_of": "2026-11-30", "dns": [], "https": [{"url": "u", "hops": [{"url": "u", "endpoints": [{"address": "1.2.3.4", "status": "weird"}]}]}]})",
      "facts.json");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("https[0].hops[0].endpoints[0].status") != std::string::npos);
}
