// The whole audit (audit::run) with the HTTPS probe against real servers: nsd answers for the
// test names, nginx (with a test CA made by openssl) imitates a CloudFront edge. Without
// --allow-private, a loopback target, a public-looking name that resolves to 127.0.0.1 and one
// that resolves to the cloud metadata address are refused before any connection, with a reason
// that names --allow-private and an unknown verdict; a public address reached through
// --connect-to is observed. Recorded facts replay into the same JSON report, byte for byte.
#include "audit/run.hpp"
#include "core/atomic_file.hpp"
#include "fakes/nginx_server.hpp"
#include "fakes/nsd_server.hpp"
#include "fakes/test_pki.hpp"
#include "report/report.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace {

struct Servers {
  fs::path dir;
  fs::path ca;
  std::unique_ptr<fakes::NsdServer> nsd;
  std::unique_ptr<fakes::NginxServer> nginx;
  std::uint16_t port() const { return nginx->port(0); }
};

const Servers& servers() {
  static Servers s = [] {
    Servers out;
    const char* tmp = std::getenv("RESIDENCY_TEST_TMP");
    out.dir = fs::path(tmp != nullptr ? tmp : "/tmp") / fmt::format("https-audit-{}", ::getpid());
    auto ca = fakes::TestCa::create(out.dir / "ca", "Amazon", "US", "Test imitation of Amazon RSA 2048 M01");
    if (!ca) FAIL(ca.error().to_string());
    fakes::CertSpec spec;
    spec.common_name = "cdn.audit.test";
    spec.dns_names = {"cdn.audit.test", "loop.audit.test", "rebind.audit.test", "meta.audit.test"};
    spec.ips = {"127.0.0.1"};
    auto cert = ca->issue("edge", spec);
    if (!cert) FAIL(cert.error().to_string());
    out.ca = ca->cert();
    fakes::NginxSite site;
    site.cert = cert->cert;
    site.key = cert->key;
    site.config = "add_header x-amz-cf-pop CDG50-C1; add_header x-amz-cf-id Q1w2; return 200 'ok';";
    auto nginx = fakes::NginxServer::start(out.dir / "nginx", {site});
    if (!nginx) FAIL(nginx.error().to_string());
    out.nginx = std::make_unique<fakes::NginxServer>(std::move(*nginx));
    const std::string zone = R"($ORIGIN audit.test.
$TTL 60
@ IN SOA ns1.audit.test. hostmaster.audit.test. 1 3600 600 86400 60
@ IN NS ns1.audit.test.
ns1 IN A 127.0.0.1
loop IN A 127.0.0.1
rebind IN A 127.0.0.1
meta IN A 169.254.169.254
cdn IN A 13.32.0.10
)";
    auto nsd = fakes::NsdServer::start(out.dir / "nsd", {{"audit.test", zone}});
    if (!nsd) FAIL(nsd.error().to_string());
    out.nsd = std::make_unique<fakes::NsdServer>(std::move(*nsd));
    return out;
  }();
  return s;
}

fs::path manifest() {
  const auto& s = servers();
  const fs::path path = s.dir / "audit.yaml";
  REQUIRE(core::write_file_atomic(path, fmt::format(R"(schema: residency/manifest/v1
policies: [fr-health-data]
targets:
  - url: https://127.0.0.1:{0}/
    id: loopback
    tags: {{classification: health}}
  - url: https://rebind.audit.test:{0}/
    id: rebind
    tags: {{classification: health}}
  - url: https://meta.audit.test/
    id: metadata
    tags: {{classification: health}}
  - host: cdn.audit.test
    id: cdn
    https: true
    tags: {{classification: health}}
)",
                                                    s.port())));
  return path;
}

audit::AuditOptions options(probe::AllowPrivate allow) {
  const auto& s = servers();
  audit::AuditOptions o;
  o.manifests = {manifest()};
  o.as_of = *core::parse_date("2026-11-30");
  o.dns.servers = {*probe::parse_server(s.nsd->address())};
  o.dns.timeout_ms = 1000;
  o.https.ca_file = s.ca.string();
  o.https.allow_private = allow;
  o.https.connect_timeout_ms = 2000;
  o.https.timeout_ms = 3000;
  o.https.connect_to = {{*core::parse_ip("13.32.0.10"), 443, *core::parse_ip("127.0.0.1"), s.port()}};
  o.tool_version = "test";
  o.host = "ci";
  o.started_at = "2026-11-30T00:00:00Z";
  return o;
}

const core::Finding& finding(const core::AuditResult& r, const std::string& target, const std::string& req) {
  for (const auto& f : r.findings) {
    if (f.target_id == target && f.requirement_id == req) return f;
  }
  FAIL("no finding " << target << " " << req);
  throw std::logic_error("unreachable");
}

const core::Fact& fact(const core::AuditResult& r, const std::string& target, const char* path) {
  for (const auto& t : r.targets) {
    if (t.target.id != target) continue;
    const core::Fact* f = t.facts.find(path);
    INFO(target << " " << path);
    REQUIRE(f != nullptr);
    return *f;
  }
  FAIL("no target " << target);
  throw std::logic_error("unreachable");
}

std::string json_report(const core::AuditResult& r) {
  std::ostringstream out;
  REQUIRE(report::write_reports(r, {"json"}, std::nullopt, out, false));
  return out.str();
}

}  // namespace

TEST_CASE("audit::run: without --allow-private, local targets are refused with a reason and an unknown verdict",
          "[audit]") {
  const auto& s = servers();
  const std::size_t before = s.nginx->requests(0);
  core::Diag diag;
  diag.capture();
  auto r = audit::run(options(probe::AllowPrivate::no), diag);
  REQUIRE(r);
  for (const char* id : {"loopback", "rebind", "metadata"}) {
    INFO(id);
    const auto& f = finding(*r, id, "HDH-NO-FOREIGN-CDN");
    CHECK(f.verdict == core::Verdict::unknown);
    CHECK(f.message.find("--allow-private") != std::string::npos);
    CHECK(fact(*r, id, "tls.terminated_by").status == core::FactStatus::unknown);
  }
  CHECK(fact(*r, "metadata", "tls.terminated_by").detail.find("169.254.169.254") != std::string::npos);
  // The public address, reached through --connect-to (the operator's), is observed.
  const auto& cdn = fact(*r, "cdn", "tls.terminated_by");
  CHECK(cdn.status == core::FactStatus::known);
  CHECK(cdn.values == std::vector<std::string>{"aws"});
  CHECK(cdn.provenance.at(0)->source == "https");
  CHECK(finding(*r, "cdn", "HDH-NO-FOREIGN-CDN").verdict == core::Verdict::fail);
  CHECK(s.nginx->requests(0) == before + 1);  // only the cdn target reached nginx
  CHECK(r->exit_code == 1);
}

TEST_CASE("audit::run: --allow-private probes local targets / the recording replays byte-identically", "[audit]") {
  const auto& s = servers();
  auto live_opts = options(probe::AllowPrivate::yes);
  live_opts.save_facts = s.dir / "facts.json";
  // Never reach a real metadata service from a test: its address goes to a closed local port.
  auto closed = fakes::free_tcp_port("127.0.0.1");
  REQUIRE(closed);
  live_opts.https.connect_to.push_back(
      {*core::parse_ip("169.254.169.254"), 443, *core::parse_ip("127.0.0.1"), *closed});
  core::Diag diag;
  diag.capture();
  auto live = audit::run(live_opts, diag);
  REQUIRE(live);
  // The loopback target is now observed: the imitation's CloudFront header names aws.
  CHECK(fact(*live, "loopback", "tls.terminated_by").values == std::vector<std::string>{"aws"});
  INFO(fact(*live, "loopback", "tls.terminated_by").detail);
  CHECK(fact(*live, "loopback", "tls.terminated_by").status == core::FactStatus::known);
  CHECK(fact(*live, "loopback", "tls.issuer.organisation").values == std::vector<std::string>{"Amazon"});
  CHECK(fact(*live, "metadata", "tls.terminated_by").status == core::FactStatus::unknown);  // nothing answers there
  audit::AuditOptions replay_opts = options(probe::AllowPrivate::no);
  replay_opts.facts = s.dir / "facts.json";
  replay_opts.dns.servers = {*probe::parse_server("127.0.0.1:9")};  // replay asks nothing
  auto replay = audit::run(replay_opts, diag);
  REQUIRE(replay);
  CHECK(json_report(*live) == json_report(*replay));
}
