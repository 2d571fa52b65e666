// Integration tests of probe::probe_https against a real nginx on 127.0.0.x (tests/fakes) with
// certificates from test CAs made by openssl at test time: sites that imitate CloudFront,
// Cloudflare and Azure Front Door (their response headers and issuer organisations), a redirect
// chain, a stalled backend, an expired and a wrong-name certificate, and a 1 MB header.
#include "core/atomic_file.hpp"
#include "fakes/nginx_server.hpp"
#include "fakes/test_pki.hpp"
#include "probe/http.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace {

using Strings = std::vector<std::string>;

enum Site : std::size_t {
  cloudfront,
  cloudflare,
  frontdoor,
  expired,
  wrong_name,
  big_header,
  stall,
  redirect1,
  redirect2,
  head405,
  plain,
  second_address,
  k_sites
};

struct Lab {
  fs::path dir;
  fs::path bundle;  // every CA but `stranger`
  fs::path stranger_bundle;
  std::unique_ptr<fakes::SilentListener> silent;
  std::unique_ptr<fakes::NginxServer> nginx;

  std::uint16_t port(Site s) const { return nginx->port(s); }
  std::string url(Site s, const std::string& host, const std::string& path = "/") const {
    return fmt::format("{}://{}:{}{}", s == plain ? "http" : "https", host, port(s), path);
  }
};

fs::path scratch() {
  const char* tmp = std::getenv("RESIDENCY_TEST_TMP");
  return fs::path(tmp != nullptr ? tmp : "/tmp") / fmt::format("https-{}", ::getpid());
}

fakes::CertFiles issue(const fakes::TestCa& ca, const std::string& stem, const std::string& name,
                       fakes::CertSpec spec = {}) {
  spec.common_name = name;
  if (spec.dns_names.empty()) spec.dns_names = {name};
  auto files = ca.issue(stem, spec);
  if (!files) FAIL(files.error().to_string());
  return *files;
}

fakes::TestCa make_ca(const std::string& stem, const std::string& org, const std::string& country) {
  auto ca = fakes::TestCa::create(scratch() / stem, org, country, "Test imitation of the " + org + " CA");
  if (!ca) FAIL(ca.error().to_string());
  return std::move(*ca);
}

fakes::NginxSite site(const fakes::CertFiles& cert, std::string config, std::string address = "127.0.0.1") {
  fakes::NginxSite s;
  s.address = std::move(address);
  s.cert = cert.cert;
  s.key = cert.key;
  s.config = std::move(config);
  return s;
}

// One nginx with a site per case, started on first use and stopped at exit (a failure to set it
// up is reported once, then every later test fails at once with it).
const Lab& lab() {
  static bool failed = false;
  if (failed) FAIL("the HTTPS test lab could not be set up (see the first failure)");
  failed = true;
  static Lab lab = [] {
    Lab l;
    l.dir = scratch();
    auto amazon = make_ca("ca-amazon", "Amazon", "US");
    auto cloudflare_ca = make_ca("ca-cloudflare", "Cloudflare, Inc.", "US");
    auto microsoft = make_ca("ca-microsoft", "Microsoft Corporation", "US");
    auto origin = make_ca("ca-origin", "Residency Test Origin", "FR");
    auto stranger = make_ca("ca-stranger", "Nobody Trusts Me", "ZZ");
    l.bundle = l.dir / "bundle.pem";
    l.stranger_bundle = l.dir / "stranger.pem";
    REQUIRE(fakes::write_bundle(l.bundle, {&amazon, &cloudflare_ca, &microsoft, &origin}));
    REQUIRE(fakes::write_bundle(l.stranger_bundle, {&stranger}));
    auto silent = fakes::SilentListener::open("127.0.0.1");
    REQUIRE(silent);
    l.silent = std::make_unique<fakes::SilentListener>(std::move(*silent));
    const long long now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::string big;
    for (int i = 0; i < 256; ++i) big += fmt::format("add_header x-filler-{} {};\n", i, std::string(4000, 'f'));
    std::vector<fakes::NginxSite> sites(k_sites);
    sites[cloudfront] = site(
        issue(amazon, "cloudfront", "d111.cloudfront.test", {.dns_names = {"d111.cloudfront.test", "portal.test"}}),
        "add_header x-amz-cf-pop CDG50-C1; add_header x-amz-cf-id Q1w2e3r4; "
        "add_header x-cache 'Miss from cloudfront'; return 200 'ok';");
    sites[cloudflare] =
        site(issue(cloudflare_ca, "cloudflare", "cf.test"),
             "add_header cf-ray 8a1b2c3d4e5f6a78-CDG; add_header cf-cache-status DYNAMIC; return 200 'ok';");
    sites[frontdoor] =
        site(issue(microsoft, "frontdoor", "afd.test"), "add_header x-azure-ref 0zxV+XAAAAAB; return 200 'ok';");
    sites[expired] =
        site(issue(origin, "expired", "expired.test", {.not_before = now - 400 * 86400, .not_after = now - 30 * 86400}),
             "return 200 'ok';");
    sites[wrong_name] = site(issue(origin, "wrongname", "other.test"), "return 200 'ok';");
    sites[big_header] = site(issue(origin, "big", "big.test"), big + "return 200 'ok';");
    sites[stall] =
        site(issue(origin, "stall", "stall.test"),
             fmt::format("location / {{ proxy_pass http://127.0.0.1:{}; proxy_read_timeout 60s; }}", l.silent->port()));
    sites[redirect2] = site(issue(origin, "r2", "r2.test"), "return 302 https://internal.test:$server_port/;");
    fs::create_directories(l.dir / "www");
    REQUIRE(core::write_file_atomic(l.dir / "www" / "big.txt", std::string(200000, 'b')));  // past the 64 KiB body cap
    sites[head405] = site(
        issue(origin, "head", "head.test"),
        fmt::format("location / {{ if ($request_method = HEAD) {{ return 405; }} root {}; try_files /big.txt =404; }}",
                    (l.dir / "www").string()));
    sites[plain] = fakes::NginxSite{.tls = false, .config = "add_header cf-ray plain-CDG; return 200 'ok';"};
    sites[second_address] = site(issue(amazon, "cloudfront2", "d111.cloudfront.test"),
                                 "add_header x-amz-cf-pop FRA2-C1; return 200 'ok';", "127.0.0.2");
    // r1 redirects to r2 on r2's port: ports are known once r2's is chosen.
    auto r2_port = fakes::free_tcp_port("127.0.0.1");
    REQUIRE(r2_port);
    sites[redirect2].port = *r2_port;
    sites[redirect1] =
        site(issue(origin, "r1", "r1.test"), fmt::format("return 301 https://r2.test:{}/next;", *r2_port));
    sites[second_address].port = 0;
    auto nginx = fakes::NginxServer::start(l.dir / "nginx", std::move(sites));
    if (!nginx) FAIL("cannot start nginx: " << nginx.error().to_string());
    l.nginx = std::make_unique<fakes::NginxServer>(std::move(*nginx));
    return l;
  }();
  failed = false;
  return lab;
}

core::IpAddress ip(const char* text) { return *core::parse_ip(text); }

probe::HttpsOptions options(probe::AllowPrivate allow = probe::AllowPrivate::yes) {
  probe::HttpsOptions o;
  o.ca_file = lab().bundle.string();
  o.allow_private = allow;
  o.connect_timeout_ms = 2000;
  o.timeout_ms = 3000;
  return o;
}

// A resolver for redirect hops from a fixed table (names not in it are NXDOMAIN).
probe::HopResolver table(std::map<std::string, std::vector<std::string>> names) {
  return [names](const std::vector<std::string>& asked) -> core::Result<std::vector<probe::DnsResult>> {
    std::vector<probe::DnsResult> out;
    for (const auto& n : asked) {
      probe::DnsResult r;
      r.name = r.ascii_name = r.unicode_name = n;
      auto it = names.find(n);
      r.status = it == names.end() ? probe::DnsStatus::nxdomain : probe::DnsStatus::ok;
      if (it != names.end()) {
        for (const auto& a : it->second) r.addresses.push_back({ip(a.c_str()), 60, {}});
      }
      out.push_back(std::move(r));
    }
    return out;
  };
}

probe::HttpsChain probe_one(const std::string& url, std::vector<std::string> addresses,
                            const probe::HttpsOptions& o = options(), const probe::HopResolver& resolve = table({})) {
  probe::HttpsTarget t{url, {}, {}};
  for (const auto& a : addresses) t.addresses.push_back(ip(a.c_str()));
  auto run = probe::probe_https(o, {t}, resolve);
  REQUIRE(run);
  REQUIRE(run->chains.size() == 1);
  return run->chains[0];
}

probe::HttpsEndpoint only(const probe::HttpsChain& c) {
  REQUIRE(c.hops.size() >= 1);
  REQUIRE(c.hops[0].endpoints.size() == 1);
  return c.hops[0].endpoints[0];
}

std::string header(const probe::HttpsEndpoint& e, const std::string& name) {
  for (const auto& h : e.headers) {
    if (h.name == name) return h.value;
  }
  return {};
}

}  // namespace

TEST_CASE("probe::probe_https: a CloudFront imitation / chain, issuer, TLS, HTTP/2, headers, timings", "[probe]") {
  const auto e = only(probe_one(lab().url(cloudfront, "d111.cloudfront.test"), {"127.0.0.1"}));
  CHECK(e.status == probe::HttpsStatus::ok);
  CHECK(e.detail.empty());
  CHECK(e.method == "HEAD");
  CHECK(e.status_code == 200);
  CHECK(e.http_version == "HTTP/2");
  CHECK(e.tls_version == "TLSv1.3");
  CHECK_FALSE(e.tls_cipher.empty());
  CHECK(e.verified);
  CHECK(e.verify_code.empty());
  REQUIRE_FALSE(e.chain.empty());
  const auto& leaf = e.chain[0];
  CHECK(leaf.issuer_organisation == "Amazon");
  CHECK(leaf.issuer_country == "US");
  CHECK(leaf.subject == "CN=d111.cloudfront.test");
  CHECK(leaf.issuer.find("O=Amazon") != std::string::npos);
  CHECK(leaf.sans == Strings{"DNS:d111.cloudfront.test", "DNS:portal.test"});
  CHECK(leaf.key_type == "RSA");
  CHECK(leaf.key_bits == 2048);
  CHECK(leaf.sha256.size() == 64);
  CHECK(leaf.not_before < leaf.not_after);
  CHECK(header(e, "x-amz-cf-pop") == "CDG50-C1");
  CHECK(header(e, "x-amz-cf-id") == "Q1w2e3r4");
  CHECK(header(e, "server").starts_with("nginx"));
  CHECK(e.timings.connect_us > 0);
  CHECK(e.timings.tls_us >= e.timings.connect_us);
  CHECK(e.timings.total_us >= e.timings.tls_us);
  CHECK(e.time.size() == 20);
  CHECK(e.address == ip("127.0.0.1"));
  CHECK(e.connected_to.empty());
}

TEST_CASE("probe::probe_https: Cloudflare and Azure Front Door imitations show their headers and issuers", "[probe]") {
  const auto cf = only(probe_one(lab().url(cloudflare, "cf.test"), {"127.0.0.1"}));
  CHECK(cf.status == probe::HttpsStatus::ok);
  CHECK(header(cf, "cf-ray") == "8a1b2c3d4e5f6a78-CDG");
  REQUIRE_FALSE(cf.chain.empty());
  CHECK(cf.chain[0].issuer_organisation == "Cloudflare, Inc.");
  const auto afd = only(probe_one(lab().url(frontdoor, "afd.test"), {"127.0.0.1"}));
  CHECK(header(afd, "x-azure-ref") == "0zxV+XAAAAAB");
  REQUIRE_FALSE(afd.chain.empty());
  CHECK(afd.chain[0].issuer_organisation == "Microsoft Corporation");
}

TEST_CASE("probe::probe_https: every address is probed, and each connection goes to its own address", "[probe]") {
  // The same name at two addresses (one nginx listens on each): both answer, each with its own header.
  const auto& l = lab();
  auto o = options();
  o.connect_to = {{ip("127.0.0.1"), 9443, ip("127.0.0.1"), l.port(cloudfront)},
                  {ip("127.0.0.2"), 9443, ip("127.0.0.2"), l.port(second_address)}};
  const std::size_t before1 = l.nginx->requests(cloudfront), before2 = l.nginx->requests(second_address);
  auto c = probe_one("https://d111.cloudfront.test:9443/", {"127.0.0.1", "127.0.0.2"}, o);
  REQUIRE(c.hops.size() == 1);
  REQUIRE(c.hops[0].endpoints.size() == 2);
  CHECK(header(c.hops[0].endpoints[0], "x-amz-cf-pop") == "CDG50-C1");
  CHECK(header(c.hops[0].endpoints[1], "x-amz-cf-pop") == "FRA2-C1");
  CHECK(c.hops[0].endpoints[0].address == ip("127.0.0.1"));
  CHECK(c.hops[0].endpoints[1].address == ip("127.0.0.2"));
  CHECK(l.nginx->requests(cloudfront) == before1 + 1);
  CHECK(l.nginx->requests(second_address) == before2 + 1);
}

TEST_CASE("probe::probe_https: the SSRF guard refuses special-use addresses before connecting", "[probe]") {
  const auto& l = lab();
  const std::size_t before = l.nginx->requests(cloudfront);
  const auto start = std::chrono::steady_clock::now();
  auto c = probe_one(l.url(cloudfront, "d111.cloudfront.test"),
                     {"127.0.0.1", "169.254.169.254", "fd00:ec2::254", "10.1.2.3"}, options(probe::AllowPrivate::no));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500));  // nothing was tried
  REQUIRE(c.hops[0].endpoints.size() == 4);
  for (const auto& e : c.hops[0].endpoints) {
    INFO(core::format_ip(e.address));
    CHECK(e.status == probe::HttpsStatus::refused);
    CHECK(e.detail.find("--allow-private") != std::string::npos);
    CHECK(e.chain.empty());
  }
  CHECK(c.hops[0].endpoints[0].detail.find("loopback") != std::string::npos);
  CHECK(c.hops[0].endpoints[1].detail.find("cloud instance metadata") != std::string::npos);
  CHECK(c.hops[0].endpoints[2].detail.find("AWS instance metadata") != std::string::npos);
  CHECK(l.nginx->requests(cloudfront) == before);  // no request reached the server
  CHECK(probe::guard_refusal(ip("51.210.10.10"), probe::AllowPrivate::no) == std::nullopt);
  CHECK(probe::guard_refusal(ip("127.0.0.1"), probe::AllowPrivate::yes) == std::nullopt);
  CHECK(probe::guard_refusal(ip("::ffff:127.0.0.1"), probe::AllowPrivate::no).has_value());
  CHECK(probe::guard_refusal(ip("64:ff9b::a9fe:a9fe"), probe::AllowPrivate::no)
            .has_value());  // NAT64 of the metadata address
}

TEST_CASE("probe::probe_https: --connect-to reaches a local server for a public address, still recorded as such",
          "[probe]") {
  const auto& l = lab();
  auto o = options(probe::AllowPrivate::no);
  o.connect_to = {{ip("13.32.0.10"), 443, ip("127.0.0.1"), l.port(cloudfront)}};
  const auto e = only(probe_one("https://d111.cloudfront.test/", {"13.32.0.10"}, o));
  CHECK(e.status == probe::HttpsStatus::ok);
  CHECK(e.address == ip("13.32.0.10"));
  CHECK(e.port == 443);
  CHECK(e.connected_to == fmt::format("127.0.0.1:{}", l.port(cloudfront)));
}

TEST_CASE("probe::probe_https: redirects are resolved, guarded and probed hop by hop", "[probe]") {
  const auto& l = lab();
  auto o = options(probe::AllowPrivate::no);
  o.connect_to = {{ip("13.32.0.20"), l.port(redirect1), ip("127.0.0.1"), l.port(redirect1)},
                  {ip("13.32.0.21"), l.port(redirect2), ip("127.0.0.1"), l.port(redirect2)}};
  probe::HttpsTarget t{l.url(redirect1, "r1.test"), {ip("13.32.0.20")}, {}};
  auto run = probe::probe_https(o, {t}, table({{"r2.test", {"13.32.0.21"}}, {"internal.test", {"127.0.0.1"}}}));
  REQUIRE(run);
  const auto& c = run->chains.at(0);
  REQUIRE(c.hops.size() == 3);
  CHECK(c.hops[0].endpoints.at(0).status_code == 301);
  CHECK(c.hops[0].endpoints.at(0).redirect == fmt::format("https://r2.test:{}/next", l.port(redirect2)));
  CHECK(c.hops[1].url == fmt::format("https://r2.test:{}/next", l.port(redirect2)));
  CHECK(c.hops[1].depth == 1);
  CHECK(c.hops[1].from == t.url);
  CHECK(c.hops[1].endpoints.at(0).status_code == 302);
  CHECK(c.hops[2].host == "internal.test");
  REQUIRE(c.hops[2].endpoints.size() == 1);
  CHECK(c.hops[2].endpoints[0].status == probe::HttpsStatus::refused);  // a public name led to a private address
  CHECK(c.hops[2].endpoints[0].detail.find("--allow-private") != std::string::npos);
  CHECK(c.stopped.empty());
  REQUIRE(run->hop_dns.size() == 2);  // r2.test, then internal.test, each resolved once
  CHECK(run->hop_dns[0].name == "r2.test");
  CHECK(run->hop_dns[1].name == "internal.test");
  // A hop whose name does not resolve says so.
  auto gone = probe::probe_https(o, {t}, table({}));
  REQUIRE(gone);
  CHECK(gone->chains[0].hops.at(1).problem == "dns nxdomain");
}

TEST_CASE(
    "probe::probe_https: an expired, a wrong-name and an untrusted certificate fail verification, with the chain kept",
    "[probe]") {
  const auto& l = lab();
  const auto old = only(probe_one(l.url(expired, "expired.test"), {"127.0.0.1"}));
  CHECK(old.status == probe::HttpsStatus::verify_failed);
  CHECK(old.verify_code == "expired");
  CHECK(old.verify_error == "certificate has expired");
  CHECK_FALSE(old.verified);
  REQUIRE_FALSE(old.chain.empty());
  CHECK(old.chain[0].issuer_organisation == "Residency Test Origin");
  CHECK(old.status_code == 0);
  const auto name = only(probe_one(l.url(wrong_name, "wrongname.test"), {"127.0.0.1"}));
  CHECK(name.status == probe::HttpsStatus::verify_failed);
  CHECK(name.verify_code == "name-mismatch");
  REQUIRE_FALSE(name.chain.empty());
  CHECK(name.chain[0].subject == "CN=other.test");
  auto o = options();
  o.ca_file = l.stranger_bundle.string();
  const auto unknown = only(probe_one(l.url(cloudfront, "d111.cloudfront.test"), {"127.0.0.1"}, o));
  CHECK(unknown.status == probe::HttpsStatus::verify_failed);
  CHECK(unknown.verify_code == "untrusted");
  REQUIRE_FALSE(unknown.chain.empty());
  CHECK(unknown.chain[0].issuer_organisation == "Amazon");  // what the server presented is still evidence
}

TEST_CASE("probe::probe_https: a server that stalls after the handshake times out", "[probe]") {
  auto o = options();
  o.timeout_ms = 800;
  const auto start = std::chrono::steady_clock::now();
  const auto e = only(probe_one(lab().url(stall, "stall.test"), {"127.0.0.1"}, o));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(e.status == probe::HttpsStatus::timeout);
  CHECK(e.detail == "no HTTP response within 800 ms after the TLS handshake");
  CHECK(e.verified);  // the handshake completed; the answer never came
  CHECK_FALSE(e.chain.empty());
  CHECK(elapsed >= std::chrono::milliseconds(700));
  CHECK(elapsed < std::chrono::milliseconds(3000));
}

TEST_CASE("probe::probe_https: a 1 MB response header is capped, not a crash", "[probe]") {
  const auto e = only(probe_one(lab().url(big_header, "big.test"), {"127.0.0.1"}));
  std::size_t stored = 0;
  for (const auto& h : e.headers) stored += h.name.size() + h.value.size();
  CHECK(stored <= 64 * 1024);
  // Either libcurl rejects the oversized header block or the probe keeps the first 64 KiB.
  const bool capped = e.status == probe::HttpsStatus::ok && e.headers_truncated;
  const bool rejected = e.status == probe::HttpsStatus::http_error;
  INFO(e.detail);
  CHECK((capped || rejected));
  CHECK((e.detail.find("exceeded 65536 bytes") != std::string::npos ||
         e.detail.starts_with("the HTTP response could not be read")));
  CHECK_FALSE(e.chain.empty());
}

TEST_CASE("probe::probe_https: HEAD refused with 405 is sent again as GET, body capped", "[probe]") {
  const auto e = only(probe_one(lab().url(head405, "head.test"), {"127.0.0.1"}));
  CHECK(e.status == probe::HttpsStatus::ok);
  CHECK(e.method == "GET");
  CHECK(e.status_code == 200);
}

TEST_CASE("probe::probe_https: a plain http URL is probed without TLS", "[probe]") {
  const auto e = only(probe_one(lab().url(plain, "plain.test"), {"127.0.0.1"}));
  CHECK(e.status == probe::HttpsStatus::ok);
  CHECK(e.tls_version.empty());
  CHECK_FALSE(e.verified);
  CHECK(e.chain.empty());
  CHECK(header(e, "cf-ray") == "plain-CDG");
}

TEST_CASE("probe::probe_https: a closed port is unreachable / a bad scheme is not probed", "[probe]") {
  auto port = fakes::free_tcp_port("127.0.0.1");
  REQUIRE(port);
  const auto e = only(probe_one(fmt::format("https://closed.test:{}/", *port), {"127.0.0.1"}));
  CHECK(e.status == probe::HttpsStatus::unreachable);
  CHECK_FALSE(e.detail.empty());
  auto ftp = probe_one("ftp://files.test/", {"127.0.0.1"});
  CHECK(ftp.hops.at(0).endpoints.empty());
  CHECK(ftp.hops.at(0).problem == "scheme 'ftp' is not http or https");
}

TEST_CASE("probe::parse_connect_to: addresses and ports, IPv6 in brackets", "[probe]") {
  auto v4 = probe::parse_connect_to("204.246.168.10:443:127.0.0.2:8443");
  REQUIRE(v4);
  CHECK(v4->from == ip("204.246.168.10"));
  CHECK(v4->from_port == 443);
  CHECK(v4->to == ip("127.0.0.2"));
  CHECK(v4->to_port == 8443);
  auto v6 = probe::parse_connect_to("[2600:9000::1]:443:[::1]:8443");
  REQUIRE(v6);
  CHECK(v6->to == ip("::1"));
  for (const char* bad : {"", "1.2.3.4:443", "1.2.3.4:443:127.0.0.1", "host:443:127.0.0.1:80", "1.2.3.4:0:1.2.3.4:1",
                          "1.2.3.4:443:1.2.3.4:99999", "[::1:443:[::1]:80", "1.2.3.4:443:1.2.3.4:80:extra"}) {
    INFO(bad);
    auto r = probe::parse_connect_to(bad);
    CHECK_FALSE(r);
    if (!r) CHECK(r.error().code == core::ErrorCode::usage);
  }
  CHECK(probe::format_endpoint(ip("::1"), 443) == "[::1]:443");
}
